//===- QuantizePipeline.h - The compiler half of post-training quantization -*- C++ -*-===//
//
// `qc-quantize`: from an observed (and calibrated) float module to integer
// code: qc-propagate-scales, qc-realize, then the lowering of the integer
// and numerics ops to linalg on storage integers.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DRIVER_QUANTIZEPIPELINE_H
#define QC_DRIVER_QUANTIZEPIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qc {

struct QuantizeOptions {
  std::string statsFile;
  std::string method = "minmax";
  double percentile = 99.99;
  std::string configFile;
  /// "int8" (8-bit weights and activations), "w7a8" (7-bit weights in i8,
  /// -64..63: the fast AVX2 kernels) or "w4a8" (4-bit weights).
  std::string precision = "int8";
  bool activationSigned = false;
  bool perChannel = true;
  /// Weight grid: "full" or "narrow" (qc-propagate-scales' weight-range).
  std::string weightRange = "full";
  /// Lower the integer ops and numerics ops to linalg on storage integers.
  bool lower = true;
  /// Lower fully connected layers and convolutions to the int8 dot-product
  /// microkernels (qc-vectorize-integer-ops) before the reference lowering
  /// takes the rest.
  bool microkernels = true;
};

/// Checks option values (method, precision) and says what is wrong.
llvm::Error validate(const QuantizeOptions &options);

/// Appends the pipeline to `pm` (anchored on builtin.module).
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizeOptions &options);

/// The lowering part alone: qc integer ops to microkernels (when
/// `microkernels`) and the rest, with the numerics ops, to linalg on storage
/// integers.
void buildLowerQuantizedPipeline(mlir::OpPassManager &pm,
                                 bool microkernels = true);

struct QuantizePipelineOptions
    : public mlir::PassPipelineOptions<QuantizePipelineOptions> {
  Option<std::string> statsFile{*this, "stats-file",
                                llvm::cl::desc("Calibration statistics JSON")};
  Option<std::string> method{
      *this, "method",
      llvm::cl::desc("Range method: minmax, moving_average, percentile, "
                     "entropy, mse"),
      llvm::cl::init("minmax")};
  Option<double> percentile{*this, "percentile",
                            llvm::cl::desc("Percentile method's kept mass (%)"),
                            llvm::cl::init(99.99)};
  Option<std::string> config{*this, "config",
                             llvm::cl::desc("Per-layer config JSON")};
  Option<std::string> precision{
      *this, "precision", llvm::cl::desc("int8, w7a8 or w4a8"),
      llvm::cl::init("int8")};
  Option<bool> activationSigned{*this, "activation-signed",
                                llvm::cl::desc("i8 instead of u8 activations"),
                                llvm::cl::init(false)};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("Per-output-channel weight scales"),
                          llvm::cl::init(true)};
  Option<std::string> weightRange{
      *this, "weight-range",
      llvm::cl::desc("Weight grid: full (-128..127, scale max|w|/127.5) or "
                     "narrow (-127..127, scale max|w|/127)"),
      llvm::cl::init("full")};
  Option<bool> lower{*this, "lower",
                     llvm::cl::desc("Lower integer ops to linalg"),
                     llvm::cl::init(true)};
  Option<bool> microkernels{
      *this, "microkernels",
      llvm::cl::desc("Lower conv/fully connected layers to int8 dot-product "
                     "microkernels (qc-vectorize-integer-ops)"),
      llvm::cl::init(true)};
};

/// Registers `qc-quantize` with the global pass-pipeline registry.
void registerQuantizePipeline();

} // namespace qc

#endif // QC_DRIVER_QUANTIZEPIPELINE_H
