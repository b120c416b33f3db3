//===- QCOps.td - QC operations -----------------------------*- tablegen -*-===//
#ifndef QC_DIALECT_QC_IR_QCOPS_TD
#define QC_DIALECT_QC_IR_QCOPS_TD

include "qc/Dialect/QC/IR/QCBase.td"
include "qc/Dialect/QC/IR/QCAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

// A ranked tensor of floats, and a ranked tensor whose elements are an
// upstream quantized type.
def QC_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QC_QuantTensor : RankedTensorOf<[quant_QuantizedType]>;

def QC_ObserveOp : QC_Op<"observe", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Marks a float tensor to be measured by calibration";
  let description = [{
    An identity on its operand that names a tensor for calibration. `id` is a
    stable identifier (derived from the producing layer's name) under which
    calibration records statistics. Once calibrated, `stats` carries them, so
    they survive in the IR. `axis`, when present, asks calibration for
    per-channel min/max along that dimension (weights).

    ```mlir
    %0 = qc.observe %x id "conv1.input" : tensor<1x3x32x32xf32>
    %1 = qc.observe %w id "conv1.weight" axis 0
           {stats = #qc.stats<min = -0.5, max = 0.5>} : tensor<16x3x3x3xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, StrAttr:$id,
                   OptionalAttr<I64Attr>:$axis,
                   OptionalAttr<QC_StatsAttr>:$stats);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `id` $id (`axis` $axis^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def QC_QuantizeOp : QC_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantizes a float tensor with explicit rounding and saturation";
  let description = [{
    `q = clamp(round(x / scale) + zero_point, qmin, qmax)` elementwise, with
    the parameters of the result's `!quant.uniform` element type (per-tensor
    or per-axis). Rounding is round-half-to-even unless `rounding` says
    otherwise; out-of-range values saturate, NaN maps to the zero point and
    ±Inf saturate. The division happens in the expressed float type.

    ```mlir
    %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:3>>
    %r = qc.quantize %x rounding = half_away_from_zero
           : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
      DefaultValuedAttr<QC_RoundingModeAttr, "::qc::RoundingMode::half_even">:$rounding);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $input (`rounding` `=` `` $rounding^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_DequantizeOp : QC_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Maps quantized values back to real values";
  let description = [{
    `x = (q - zero_point) * scale` elementwise, computed exactly in integers
    for the subtraction and in the expressed float type for the product.

    ```mlir
    %x = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$input);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QC_RequantizeOp : QC_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Rescales quantized values from one quantized type to another";
  let description = [{
    Re-expresses `q_in` (scale `s_in`, zero point `z_in`) in the result type
    (scale `s_out`, zero point `z_out`), saturating to the result's storage
    range. Two named modes:

    * `single_round` / `double_round`: the integer mode. The ratio
      `s_in / s_out` becomes a 31-bit multiplier and a right shift; the
      rescaled value is TOSA `apply_scale(q_in - z_in, multiplier, shift)`
      with single (round half up) or double rounding, plus `z_out`.
    * `float_scale`: `round_half_even(f32(q_in - z_in) * f32(s_in / s_out)) + z_out`.

    Per-axis input or output types rescale each channel with its own ratio.

    ```mlir
    %r = qc.requantize %acc mode = double_round
           : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$input, QC_RequantModeAttr:$mode);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $input `mode` `=` `` $mode attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_FakeQuantOp : QC_Op<"fake_quant", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Quantize then dequantize, kept as one op that never folds away";
  let description = [{
    Simulates quantization in float: `dequantize(quantize(x))` with the
    numerics of `qc.quantize` and `qc.dequantize`, for quantization-aware
    training and sensitivity analysis. Unlike upstream `dcast(qcast(x))`, it
    is not folded to `x`.

    ```mlir
    %y = qc.fake_quant %x as !quant.uniform<i8:f32, 0.1:3> : tensor<4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input, TypeAttrOf<quant_QuantizedType>:$qtype,
      DefaultValuedAttr<QC_RoundingModeAttr, "::qc::RoundingMode::half_even">:$rounding);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input `as` $qtype (`rounding` `=` `` $rounding^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

#endif // QC_DIALECT_QC_IR_QCOPS_TD
