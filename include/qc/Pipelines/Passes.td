//===- Passes.td - Passes of the QC lowering pipelines -----*- tablegen -*-===//
#ifndef QC_PIPELINES_PASSES_TD
#define QC_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCPrepareEntryPointsPass
    : Pass<"qc-prepare-entry-points", "::mlir::ModuleOp"> {
  let summary = "Record the signature of every public function and request "
                "its C interface";
  let description = [{
    Runs first in `qc-lower-to-llvm`. For every public `func.func` with a
    body it records the function type, as written before any lowering, in
    the discardable attribute `qc_runner.signature` (a `TypeAttr`), so that
    a runner can still read element types (`f16`, `i4`, `!quant.uniform`
    storage signedness) and dimensions after the module is in the LLVM
    dialect. With `emit-c-interface` (default) it also sets
    `llvm.emit_c_interface`, so `convert-func-to-llvm` emits the
    `_mlir_ciface_<name>` wrapper that takes memref descriptors by pointer.

    ```mlir
    func.func @f(%a: tensor<?x4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<?x4xf32>
    // becomes
    func.func @f(...) attributes {llvm.emit_c_interface,
        qc_runner.signature = (tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>>) -> tensor<?x4xf32>}
    ```
  }];
  let options = [
    Option<"emitCInterface", "emit-c-interface", "bool", "true",
           "Set llvm.emit_c_interface on public functions">,
  ];
}

def QCDecomposeAggregateOpsPass : Pass<"qc-decompose-aggregate-ops"> {
  let summary = "Decompose aggregate linalg ops (softmax, winograd) into "
                "simpler linalg ops";
  let description = [{
    Ops that implement `linalg::AggregatedOpInterface`, such as
    `linalg.softmax`, have no direct lowering to loops; this pass replaces
    each one with the sequence of simpler linalg ops it stands for, on
    tensors, before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QCVerifyLLVMLoweredPass
    : Pass<"qc-verify-llvm-lowered", "::mlir::ModuleOp"> {
  let summary = "Fail with a clear message if an op is left outside the LLVM "
                "dialect";
  let description = [{
    The last pass of `qc-lower-to-llvm`. Conversions to LLVM are partial: an
    op that no pattern handled survives next to `builtin.unrealized_conversion_cast`s.
    This pass reports the first such op of each kind by name and location
    (for example `'linalg.foo' was not lowered to the LLVM dialect`), instead
    of a later failure in the translation to LLVM IR.
  }];
}

def QCLowerStridedCopiesPass : Pass<"qc-lower-strided-copies"> {
  let summary = "Rewrite memref.copy with a non-identity layout into "
                "linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` turns a `memref.copy` between two identity
    layouts into `llvm.intr.memcpy`, but any other copy (into or out of a
    subview, as bufferized `tensor.concat`, `tensor.pad` or
    `tensor.insert_slice` produce) into a call to the `memrefCopy` runtime
    function of `libmlir_c_runner_utils`. This pass rewrites those copies
    into `linalg.copy`, which `convert-linalg-to-loops` lowers to loops, so
    the lowered module needs no runtime library.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // QC_PIPELINES_PASSES_TD
