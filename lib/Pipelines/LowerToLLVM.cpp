//===- LowerToLLVM.cpp - The qc-lower-to-llvm pipeline --------------------===//
//
// Tensors -> buffers -> loops -> LLVM dialect, for the JIT runner and for
// anyone who wants to see the lowered IR (`quant-opt --qc-lower-to-llvm`).
// The sequence was settled by experiment on Debian's MLIR 22; the reasons
// for each step are in docs/Runner.md.
//
//===----------------------------------------------------------------------===//
#include "qc/Pipelines/LowerToLLVM.h"
#include "qc/Conversion/Passes.h"
#include "qc/Pipelines/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

qc::QCTileAndVectorizePassOptions
qc::tileAndVectorizeOptions(unsigned vectorBits) {
  QCTileAndVectorizePassOptions result;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  bool aarch64 = llvm::Triple(llvm::sys::getProcessTriple()).isAArch64();
  unsigned registers = aarch64 || features.lookup("avx512f") ? 32 : 16;
  if (vectorBits == 0)
    vectorBits = features.lookup("avx512f")                         ? 512
                 : features.lookup("avx2") || features.lookup("avx") ? 256
                                                                     : 128;
  result.vectorBits = vectorBits;
  // Half the register file for accumulators: the rest holds the input row,
  // the broadcast weight and what the scheduler keeps in flight.
  result.accumulators = registers / 2;
  return result;
}

void qc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                  const LowerToLLVMOptions &options) {
  // 1. Entry points: remember the signatures as written, ask for C wrappers.
  QCPrepareEntryPointsPassOptions prepare;
  prepare.emitCInterface = options.emitCInterface;
  pm.addPass(createQCPrepareEntryPointsPass(prepare));

  // 2. Quantized types at function boundaries become their storage types;
  //    canonicalize folds the resulting quant.scast pairs away.
  if (options.stripQuantTypes)
    pm.addPass(quant::createStripFuncQuantTypes());
  pm.addPass(createCanonicalizerPass());

  // 3. Ops with no loop lowering of their own (linalg.softmax, ...).
  pm.addNestedPass<func::FuncOp>(createQCDecomposeAggregateOpsPass());

  // 3b. Float compute to register tiles and vector ops, on tensors: convs,
  //     pools and matmuls become broadcast-FMA kernels with their
  //     elementwise consumers fused; the rest stays for the loop lowering.
  if (options.vectorize)
    pm.addNestedPass<func::FuncOp>(createQCTileAndVectorizePass(
        tileAndVectorizeOptions(options.vectorBits)));

  // 4. Bufferize the whole module, identity layouts at function boundaries
  //    (the runner passes dense row-major buffers).
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // The float kernels' tile loops (scf.forall on buffers now) become
  // scf.parallel, for OpenMP below.
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createCanonicalizerPass());

  // 4b. Run-time checks of what depends on input sizes: operands of a linalg
  //     op whose dynamic sizes must agree, slices in bounds. Checks are per
  //     op (before loops exist), so they cost little.
  if (options.runtimeChecks)
    pm.addPass(createGenerateRuntimeVerificationPass());

  // 5. Deallocation: temporaries are freed; every returned buffer is owned
  //    by the caller (clones are inserted for arguments and constants).
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  // 5b. Microkernel dot products (qc-vectorize-integer-ops) to the target's
  //     instruction; after deallocation, which rejects intrinsic calls.
  QCLowerDotProductsPassOptions dots;
  dots.isa = options.dotIsa;
  dots.cpu = options.targetCpu;
  pm.addPass(createQCLowerDotProductsPass(dots));

  // 5c. Parallel loops (the microkernels' row tiles) to OpenMP; the JIT
  //     links libomp when the module uses it (docs/Microkernels.md).
  //     Without openmp they stay scf.parallel, which the SCF to CF
  //     conversion below runs as sequential loops.
  if (options.openmp)
    pm.addPass(createConvertSCFToOpenMPPass());
  // Inlines the memref.alloca_scope it wraps around loop bodies that
  // allocate nothing (the scope would otherwise need a single block after
  // the SCF to CF conversion).
  pm.addPass(createCanonicalizerPass());

  // 6. Loops.
  pm.addNestedPass<func::FuncOp>(createQCLowerStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(arith::createArithExpandOpsPass());
  pm.addPass(createSCFToControlFlowPass());

  // 7. To the LLVM dialect. Math ops with an LLVM intrinsic (tanh,
  //    roundeven, exp, ...) go to intrinsics; the rest (erf, ...) to libm;
  //    integer powers to outlined functions. Math goes first: the libm
  //    conversion unrolls vector operands into vector.extract /
  //    vector.from_elements, which the vector conversion then lowers.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());

  if (options.verifyLowered)
    pm.addPass(createQCVerifyLLVMLoweredPass());
}

void qc::registerLowerToLLVMPipeline() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qc-lower-to-llvm",
      "Lower func + linalg/tensor/arith/math on tensors (quantized types at "
      "function boundaries included) to the LLVM dialect for the JIT",
      [](OpPassManager &pm, const LowerToLLVMPipelineOptions &pipeline) {
        LowerToLLVMOptions options;
        options.dotIsa = pipeline.dotIsa;
        options.targetCpu = pipeline.targetCpu;
        options.emitCInterface = pipeline.emitCInterface;
        options.stripQuantTypes = pipeline.stripQuantTypes;
        options.verifyLowered = pipeline.verifyLowered;
        options.runtimeChecks = pipeline.runtimeChecks;
        options.vectorize = pipeline.vectorize;
        options.vectorBits = pipeline.vectorBits;
        options.openmp = pipeline.openmp;
        buildLowerToLLVMPipeline(pm, options);
      });
}
