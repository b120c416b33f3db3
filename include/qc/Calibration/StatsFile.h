//===- StatsFile.h - Reading and writing qc-stats JSON files ------*- C++
//-*-===//
//
// The calibration statistics file (format "qc-stats", version 1) written by
// `quant-runner --calibrate` and read by scale propagation. Schema:
// docs/StatsFormat.md. Reading never crashes: every problem is returned as an
// llvm::Error whose message names the file, the tensor and the field.
//
//===----------------------------------------------------------------------===//
#ifndef QC_CALIBRATION_STATSFILE_H
#define QC_CALIBRATION_STATSFILE_H

#include "qc/Calibration/Statistics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qc::calib {

inline constexpr const char *kStatsFormatName = "qc-stats";
inline constexpr int kStatsFormatVersion = 1;

/// Parses the JSON text of a statistics file; `source` names it in errors
/// and becomes the table's `source`.
llvm::Expected<StatsTable> parseStats(llvm::StringRef text,
                                      llvm::StringRef source = "<stats>");

/// Reads and parses the file at `path`.
llvm::Expected<StatsTable> readStatsFile(llvm::StringRef path);

/// Serialises `table` as JSON text (deterministic: tensors sorted by id,
/// doubles printed with the shortest representation that round-trips).
std::string printStats(const StatsTable &table);

/// Writes `table` to `path` ("-" for stdout).
llvm::Error writeStatsFile(llvm::StringRef path, const StatsTable &table);

} // namespace qc::calib

#endif // QC_CALIBRATION_STATSFILE_H
