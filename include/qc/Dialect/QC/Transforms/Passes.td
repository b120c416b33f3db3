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
    integer types (the conversion of upstream `strip-func-quant-types`,
    without its folding of unrelated ops; the `quant.scast` pairs then fold
    away); `qc.observe` is replaced by its operand. The result has
    no `qc` op and no quantized type; any op the pass cannot lower that still
    carries a quantized type (e.g. upstream `quant.qcast`) is an error.

    Example:

    ```mlir
    %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    ```

    becomes a `linalg.generic` producing `tensor<4xi8>` whose body is
    `divf`, `math.roundeven`, a NaN select, `maximumf`/`minimumf` against
    `[-131, 124]`, `fptosi` to `i32`, `addi 3` and `trunci` to `i8`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::quant::QuantDialect", "::mlir::func::FuncDialect",
    "::mlir::cf::ControlFlowDialect"
  ];
}

#endif // QC_DIALECT_QC_TRANSFORMS_PASSES_TD
