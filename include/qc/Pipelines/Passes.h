//===- Passes.h - Passes of the QC lowering pipelines -----------*- C++ -*-===//
//
// Small passes used by the `qc-lower-to-llvm` pipeline; each is also
// registered on its own (see Passes.td for their documentation).
//
//===----------------------------------------------------------------------===//
#ifndef QC_PIPELINES_PASSES_H
#define QC_PIPELINES_PASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace qc {

/// Name of the attribute in which `qc-prepare-entry-points` records the
/// original function type of each public function.
inline constexpr const char *kRunnerSignatureAttrName = "qc_runner.signature";

struct QCPrepareEntryPointsPassOptions {
  bool emitCInterface = true;
};

std::unique_ptr<mlir::Pass> createQCPrepareEntryPointsPass();
std::unique_ptr<mlir::Pass>
createQCPrepareEntryPointsPass(QCPrepareEntryPointsPassOptions options);
std::unique_ptr<mlir::Pass> createQCDecomposeAggregateOpsPass();
std::unique_ptr<mlir::Pass> createQCLowerStridedCopiesPass();
std::unique_ptr<mlir::Pass> createQCVerifyLLVMLoweredPass();

struct QCTileAndVectorizePassOptions {
  /// Width of a vector register in bits.
  unsigned vectorBits = 512;
  /// Vector registers a kernel may use for accumulators.
  unsigned accumulators = 16;
  /// Pre-pack constant convolution filters and matmul right-hand sides at
  /// compile time.
  bool packWeights = true;
  /// K block of cache-blocked matmuls in f32 elements (0: no blocking).
  unsigned blockK = 256;
  /// Largest N block of cache-blocked matmuls in f32 elements.
  unsigned blockN = 512;
};

std::unique_ptr<mlir::Pass> createQCTileAndVectorizePass();
std::unique_ptr<mlir::Pass>
createQCTileAndVectorizePass(QCTileAndVectorizePassOptions options);

/// Registers the passes above with the global pass registry.
void registerPipelinePasses();

} // namespace qc

#endif // QC_PIPELINES_PASSES_H
