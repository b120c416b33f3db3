//===- Passes.td - Post-training quantization passes --------*- tablegen -*-===//
#ifndef QC_QUANTIZATION_PASSES_TD
#define QC_QUANTIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCInsertObserversPass : Pass<"qc-insert-observers", "::mlir::func::FuncOp"> {
  let summary = "Insert qc.observe on activations feeding quantizable ops and on their weights";
  let description = [{
    Marks for calibration every float activation that feeds or leaves a
    quantizable op (convolutions, contractions, pooling, elementwise ops,
    shape ops, function results) with a `qc.observe`, and every constant
    weight of a convolution or contraction with a per-channel observer along
    its output-channel axis. Identifiers are stable: derived from the
    producing op's name location (the ONNX node name after import), with
    `:N` suffixes for further values of the same layer, `.weight` for
    weights and `input:NAME` for function arguments. Values already observed
    are left alone, so the pass is idempotent.
  }];
  let dependentDialects = ["::qc::QCDialect"];
}

def QCInstrumentObserversPass : Pass<"qc-instrument-observers", "::mlir::ModuleOp"> {
  let summary = "Turn qc.observe into calls of the calibration runtime";
  let description = [{
    Replaces every `qc.observe` with a call `__qc_observe(index, memref<*xf32>)`
    on the observed tensor, which `quant-runner --calibrate` implements. The
    module gets `qc.observers`, the array of observer identifiers in index
    order, and `qc.observer_axes`, their per-channel axes (-1 for none).
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"
  ];
}

#endif // QC_QUANTIZATION_PASSES_TD
