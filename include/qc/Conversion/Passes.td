//===- Passes.td - QC conversion passes ---------------------*- tablegen -*-===//
#ifndef QC_CONVERSION_PASSES_TD
#define QC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCLowerIntegerOpsPass : Pass<"qc-lower-integer-ops"> {
  let summary = "Lower the qc integer compute ops to linalg on storage integers";
  let description = [{
    The reference lowering of `qc.conv2d`, `qc.fully_connected`,
    `qc.matmul`, `qc.add` and `qc.avg_pool2d` (docs/IntegerOps.md gives the
    exact arithmetic). Operands are read through `quant.scast` as their
    signless storage tensors, sign- or zero-extended to i32 per the storage
    signedness, and the zero point is subtracted before any product, so
    padding with the input zero point is padding the shifted tensor with 0.

    * conv2d / fully_connected / matmul accumulate in i32 with
      `linalg.conv_2d_nchw_fchw` (`linalg.conv_2d_ngchw_gfchw` for
      groups > 1), `linalg.matmul` (weights transposed) or
      `linalg.batch_matmul`, into a zero fill or the broadcast bias. The
      accumulator is cast to an i32 quantized type of scale `s_x * s_w`
      (per output channel along dimension 1 when the weights are per
      channel) and rescaled by `qc.requantize` with the op's `mode`; the
      fused clamp is then applied on storage.
    * add and avg_pool2d have float epilogues of their own, emitted as one
      `linalg.generic` each with the documented f32 operation order.

    The pass works on any op (a `func.func` or the module). Its output
    still has quantized types at the seams and `qc.requantize`; run
    `qc-lower-quant` next, then `qc-lower-to-llvm`.

    ```mlir
    %y = qc.fully_connected %x, %w : tensor<2x8x!quant.uniform<u8:f32, 0.1:3>>,
           tensor<4x8x!quant.uniform<i8:f32, 0.05>> -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
    ```

    becomes a `linalg.generic` computing `extui(x) - 3` in i32, one
    extending the weights, `linalg.matmul` with a transposed right-hand
    side into a zero-filled i32 accumulator, and `qc.requantize` from
    `!quant.uniform<i32:f32, 5.0e-03>` to the result type.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::quant::QuantDialect", "::qc::QCDialect"
  ];
}

#endif // QC_CONVERSION_PASSES_TD
