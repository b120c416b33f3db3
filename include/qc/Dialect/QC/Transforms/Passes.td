//===- Passes.td - QC transformation passes -----------------*- tablegen -*-===//
#ifndef QC_DIALECT_QC_TRANSFORMS_PASSES_TD
#define QC_DIALECT_QC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCLowerQuantPass : Pass<"qc-lower-quant", "::mlir::ModuleOp"> {
  let summary = "Lower qc.quantize/dequantize/requantize/fake_quant to linalg and arith";
  let description = [{
    Rewrites the QC numerics ops into `linalg.generic` on storage-typed
    tensors with `arith`/`math` bodies implementing the numerics contract
    (docs/Numerics.md) exactly: round-half-to-even, saturation, NaN to the
    zero point, per-axis parameters, any rank, dynamic dimensions.
    Quantized element types at function boundaries become their storage
    integer types.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::quant::QuantDialect", "::mlir::func::FuncDialect"
  ];
}

#endif // QC_DIALECT_QC_TRANSFORMS_PASSES_TD
