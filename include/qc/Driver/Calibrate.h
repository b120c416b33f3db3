//===- Calibrate.h - Calibration of observed modules ------------*- C++ -*-===//
//
// Runs a module that carries qc.observe ops on calibration batches and
// gathers the statistics of every observed tensor. Shared by
// `quant-runner --calibrate` and `quant-compile`.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DRIVER_CALIBRATE_H
#define QC_DRIVER_CALIBRATE_H

#include "qc/Calibration/Statistics.h"
#include "qc/Runner/JitModule.h"
#include "qc/Runner/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace qc {

struct CalibrationOptions {
  /// Function to run; empty: the module's only public function.
  std::string function;
  /// Samples per call along the first dimension; 0: everything at once.
  int64_t batchSize = 32;
  calib::CollectorOptions collector;
  runner::CompileOptions compile;
};

struct CalibrationResult {
  calib::StatsTable table;
  int64_t calls = 0;
  double compileSeconds = 0;
  double runSeconds = 0;
};

/// Calibrates a copy of `observed` (which must contain qc.observe ops):
/// instruments the observers, JIT-compiles, runs every batch of `inputs`
/// and returns the statistics keyed by observer id.
llvm::Expected<CalibrationResult>
calibrate(mlir::ModuleOp observed, llvm::ArrayRef<npy::Array> inputs,
          const CalibrationOptions &options);

/// Attaches `table`'s statistics to the qc.observe ops of `module` as
/// #qc.stats attributes. Fails, naming the tensor, when one is missing.
llvm::Error attachStatistics(mlir::ModuleOp module,
                             const calib::StatsTable &table);

} // namespace qc

#endif // QC_DRIVER_CALIBRATE_H
