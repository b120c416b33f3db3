//===- LowerToLLVM.h - The qc-lower-to-llvm pipeline ------------*- C++ -*-===//
//
// Lowers a module of func + linalg/tensor/arith/math on tensors (what the
// ONNX importer and qc-lower-quant emit) to the LLVM dialect, ready for
// mlir::ExecutionEngine. See docs/Runner.md for the pass list.
//
//===----------------------------------------------------------------------===//
#ifndef QC_PIPELINES_LOWERTOLLVM_H
#define QC_PIPELINES_LOWERTOLLVM_H

#include "qc/Pipelines/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qc {

/// Options of the pipeline (plain, copyable).
struct LowerToLLVMOptions {
  /// The isa option of qc-lower-dot-products: auto (default: the CPU of
  /// targetCpu, else the module's qc.target, else the host), host,
  /// avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic; set it when the
  /// code is for another CPU than this one (cross compilation).
  std::string dotIsa = "auto";
  /// With dotIsa = auto: the CPU the code is for (qc-lower-dot-products'
  /// cpu option: x86-64-v3, znver4, cortex-a76, ...); empty: the module's
  /// qc.target attribute, else the host.
  std::string targetCpu;
  /// Emit _mlir_ciface_ wrappers for public functions.
  bool emitCInterface = true;
  /// Replace !quant types at function boundaries by their storage types
  /// (strip-func-quant-types + canonicalize).
  bool stripQuantTypes = true;
  /// Fail if any op is left outside the LLVM dialect.
  bool verifyLowered = true;
  /// Check at run time what static verification cannot (dynamic sizes of
  /// operands that must agree, in-bounds slices): generate-runtime-
  /// verification after bufferization. A failed check prints its message
  /// with puts and calls abort (quant-runner turns that into an error).
  bool runtimeChecks = true;
  /// Tile float linalg ops to registers, fuse their elementwise consumers
  /// and vectorize them (qc-tile-and-vectorize) before bufferization;
  /// otherwise every linalg op becomes scalar loops.
  bool vectorize = true;
  /// Vector register width in bits for qc-tile-and-vectorize; 0 takes the
  /// host's (512 with AVX-512, 256 with AVX/AVX2, else 128), with as many
  /// accumulators as its register file allows.
  unsigned vectorBits = 0;
  /// Run parallel loops (the kernels' tiles, scf.parallel) through OpenMP,
  /// so that the thread count is chosen at run time (OMP_NUM_THREADS);
  /// false lowers them to sequential loops and the code needs no libomp:
  /// for single-threaded code, which then pays no OpenMP fork per kernel.
  bool openmp = true;
};

/// The same options as textual pass-pipeline options of qc-lower-to-llvm.
struct LowerToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<std::string> dotIsa{
      *this, "dot-isa",
      llvm::cl::desc("Instructions for the int8 microkernels' dot products "
                     "(qc-lower-dot-products): auto, host, avx512-vnni, "
                     "avx2, neon-i8mm, neon-dotprod, generic"),
      llvm::cl::init("auto")};
  Option<std::string> targetCpu{
      *this, "target-cpu",
      llvm::cl::desc("With dot-isa=auto: the CPU the dot products are for "
                     "(x86-64-v3, znver4, cortex-a76, ...); default: the "
                     "module's qc.target, else the host"),
      llvm::cl::init("")};
  Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Emit _mlir_ciface_ wrappers for public functions"),
      llvm::cl::init(true)};
  Option<bool> stripQuantTypes{
      *this, "strip-quant-types",
      llvm::cl::desc("Replace !quant types at function boundaries by their "
                     "storage types (strip-func-quant-types + canonicalize)"),
      llvm::cl::init(true)};
  Option<bool> verifyLowered{
      *this, "verify-lowered",
      llvm::cl::desc("Fail if any op is left outside the LLVM dialect"),
      llvm::cl::init(true)};
  Option<bool> runtimeChecks{
      *this, "runtime-checks",
      llvm::cl::desc("Insert run-time checks of dynamic sizes and bounds "
                     "(generate-runtime-verification)"),
      llvm::cl::init(true)};
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Tile, fuse and vectorize float linalg ops "
                     "(qc-tile-and-vectorize) before bufferization"),
      llvm::cl::init(true)};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width for qc-tile-and-vectorize "
                     "(64..2048, a power of two); 0 takes the host's"),
      llvm::cl::init(0)};
  Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run parallel loops through OpenMP (threads chosen at "
                     "run time); false: sequential loops, no libomp, no "
                     "fork per kernel (single-threaded code)"),
      llvm::cl::init(true)};
};

/// Appends the lowering to `pm`, which must be anchored on builtin.module.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers `qc-lower-to-llvm` as a named pass pipeline.
void registerLowerToLLVMPipeline();

/// The qc-tile-and-vectorize options for a vector width (0: the host's):
/// 512 bits and 16 accumulators with AVX-512 (32 registers), 256 bits and
/// 8 with AVX/AVX2 (16 registers), else 128 bits (16 accumulators with
/// AArch64's 32 registers, 8 otherwise).
QCTileAndVectorizePassOptions tileAndVectorizeOptions(unsigned vectorBits);

/// True if every op nested in `module` already belongs to the LLVM dialect
/// (the module is then used as is by runners).
bool isLoweredToLLVM(mlir::Operation *module);

} // namespace qc

#endif // QC_PIPELINES_LOWERTOLLVM_H
