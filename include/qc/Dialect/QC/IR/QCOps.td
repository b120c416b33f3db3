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

//===----------------------------------------------------------------------===//
// Integer compute on quantized tensors
//===----------------------------------------------------------------------===//

// Shared pieces of the integer compute ops: an optional fused clamp given in
// real values (ReLU is clamp_min = 0) and the requantization mode of the
// int32 accumulator.
class QC_IntegerComputeOp<string mnemonic, list<Trait> traits = []>
    : QC_Op<mnemonic, !listconcat(traits, [Pure])> {
  code commonExtraClassDeclaration = [{
    /// Storage-domain clamp bounds of the result: the fused clamp (if any)
    /// mapped through the result's scale and zero point, intersected with the
    /// storage range.
    std::pair<int64_t, int64_t> getResultStorageBounds();
  }];
}

def QC_Conv2DOp : QC_IntegerComputeOp<"conv2d"> {
  let summary = "Quantized 2-D convolution (NCHW, FCHW) with a requantizing epilogue";
  let description = [{
    `y = requantize(sum((x - zx) * w) + bias)` with `x` an activation tensor
    (NCHW, per-tensor u8/i8), `w` a symmetric weight tensor (FCHW, per-tensor
    or per-output-channel along axis 0, zero point 0, at most 8-bit storage),
    `bias` an optional int32 tensor whose scale is `s_x * s_w` per channel,
    and the int32 accumulator requantized to the result type by `mode`.
    `padding` is [top, left, bottom, right]; the padded value is the input
    zero point (a real zero). `groups` splits channels (depthwise when
    groups == C). `clamp_min`/`clamp_max` fuse ReLU/Clip, in real values.

    ```mlir
    %y = qc.conv2d %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1]
           dilations = [1, 1] groups = 1 clamp_min = 0.0
         : tensor<1x3x32x32x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<16x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {...}>>,
           tensor<16x!quant.uniform<i32:f32:0, {...}>>
        -> tensor<1x16x32x32x!quant.uniform<u8:f32, 0.05>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$input, QC_QuantTensor:$weight,
      Optional<QC_QuantTensor>:$bias,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
      DenseI64ArrayAttr:$dilations, I64Attr:$groups,
      OptionalAttr<F64Attr>:$clamp_min, OptionalAttr<F64Attr>:$clamp_max,
      DefaultValuedAttr<QC_RequantModeAttr, "::qc::RequantMode::double_round">:$mode);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` `=` $strides `padding` `=` $padding
    `dilations` `=` $dilations `groups` `=` $groups
    (`clamp_min` `=` $clamp_min^)? (`clamp_max` `=` $clamp_max^)?
    (`mode` `=` `` $mode^)? attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def QC_FullyConnectedOp : QC_IntegerComputeOp<"fully_connected"> {
  let summary = "Quantized fully connected layer: x[M,K] times w[N,K] transposed";
  let description = [{
    `y[m, n] = requantize(sum_k (x[m,k] - zx) * w[n,k] + bias[n])`, the
    quantized form of Gemm / Linear / MatMul with a constant right-hand side.
    `w` is symmetric (zero point 0), per-tensor or per-output-channel (axis
    0), at most 8-bit storage; `bias` is int32 with scale `s_x * s_w`.

    ```mlir
    %y = qc.fully_connected %x, %w, %b clamp_min = 0.0
         : tensor<?x64x!quant.uniform<u8:f32, 0.1:3>>,
           tensor<10x64x!quant.uniform<i8<-127:127>:f32:0, {...}>>,
           tensor<10x!quant.uniform<i32:f32:0, {...}>>
        -> tensor<?x10x!quant.uniform<i8:f32, 0.2:-4>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$input, QC_QuantTensor:$weight,
      Optional<QC_QuantTensor>:$bias,
      OptionalAttr<F64Attr>:$clamp_min, OptionalAttr<F64Attr>:$clamp_max,
      DefaultValuedAttr<QC_RequantModeAttr, "::qc::RequantMode::double_round">:$mode);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)?
    (`clamp_min` `=` $clamp_min^)? (`clamp_max` `=` $clamp_max^)?
    (`mode` `=` `` $mode^)? attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def QC_MatmulOp : QC_IntegerComputeOp<"matmul"> {
  let summary = "Quantized batched matmul of two activations (attention)";
  let description = [{
    `y[..., m, n] = requantize(sum_k (a[..., m, k] - za) * (b[..., k, n] - zb))`
    for two per-tensor quantized activations with equal batch dimensions, as
    in attention's `Q K^T` and `P V`.

    ```mlir
    %y = qc.matmul %a, %b : tensor<2x4x8x!quant.uniform<i8:f32, 0.1>>,
           tensor<2x8x4x!quant.uniform<i8:f32, 0.1:2>>
        -> tensor<2x4x4x!quant.uniform<i8:f32, 0.3:-1>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$lhs, QC_QuantTensor:$rhs,
      DefaultValuedAttr<QC_RequantModeAttr, "::qc::RequantMode::double_round">:$mode);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`mode` `=` `` $mode^)? attr-dict
    `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QC_AddOp : QC_IntegerComputeOp<"add"> {
  let summary = "Quantized elementwise add of two tensors (residual connections)";
  let description = [{
    `y = clamp(round_half_even(f32(a - za) * f32(sa / sy) + f32(b - zb) * f32(sb / sy)) + zy)`,
    both inputs and the result per-tensor quantized, same shape (one side may
    broadcast along leading unit dimensions is not supported: shapes must be
    equal). `clamp_min`/`clamp_max` fuse a following ReLU/Clip.

    ```mlir
    %y = qc.add %a, %b clamp_min = 0.0 : tensor<1x16x8x8x!quant.uniform<u8:f32, 0.1:0>>,
           tensor<1x16x8x8x!quant.uniform<i8:f32, 0.05:3>>
        -> tensor<1x16x8x8x!quant.uniform<u8:f32, 0.12>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$lhs, QC_QuantTensor:$rhs,
      OptionalAttr<F64Attr>:$clamp_min, OptionalAttr<F64Attr>:$clamp_max);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`clamp_min` `=` $clamp_min^)? (`clamp_max` `=` $clamp_max^)?
    attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def QC_AvgPool2DOp : QC_IntegerComputeOp<"avg_pool2d"> {
  let summary = "Quantized 2-D average pooling (NCHW), global pooling included";
  let description = [{
    Sums `(x - zx)` over each window in int32 and requantizes the mean to the
    result type: `y = clamp(round_half_even(f32(sum) * f32(sx / (sy * count))) + zy)`,
    where `count` is the window size, or the number of non-padded elements
    when `count_include_pad` is false. A global average pool is a window
    equal to the spatial size.

    ```mlir
    %y = qc.avg_pool2d %x kernel = [8, 8] strides = [1, 1] padding = [0, 0, 0, 0]
         : tensor<1x64x8x8x!quant.uniform<u8:f32, 0.1>> -> tensor<1x64x1x1x!quant.uniform<u8:f32, 0.1>>
    ```
  }];
  let arguments = (ins QC_QuantTensor:$input, DenseI64ArrayAttr:$kernel,
      DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
      DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs QC_QuantTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `padding` `=` $padding
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Microkernel building blocks
//===----------------------------------------------------------------------===//

def QC_DotU8S8Op : QC_Op<"dot_u8s8", [Pure, AllTypesMatch<["acc", "result"]>,
                                      AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "Four-way u8 x s8 dot product accumulated into i32 lanes";
  let description = [{
    `result[i] = acc[i] + sum_{j < 4} zext(lhs[4i + j]) * sext(rhs[4i + j])`,
    wrapping modulo 2^32: the step of an int8 GEMM microkernel. `lhs` holds
    unsigned bytes, `rhs` signed bytes (both as `i8`), with four times as
    many lanes as `acc`. `qc-vectorize-integer-ops` emits it;
    `qc-lower-dot-products` lowers it to `llvm.x86.avx512.vpdpbusd.512`
    (and its 128/256-bit forms) on CPUs with AVX-512 VNNI, to
    `vpmaddwd` (or `vpmaddubsw` + `vpmaddwd`) on AVX2, to `usdot`/`sdot` on
    AArch64, or to portable
    `arith`/`vector` code with the same result elsewhere. The op is pure, so
    the bufferization and deallocation passes see through it.

    The unit attribute `rhs_fits_i7` promises that every byte of `rhs` lies
    in [-64, 63] (signed 7 bits): then each pair of adjacent products sums
    to at most 2 * 255 * 64 = 32640 in magnitude and fits in i16, so the
    AVX2 lowering may use the saturating `vpmaddubsw` (which is exact only
    under that promise). `qc-vectorize-integer-ops` sets it when every
    packed constant weight is in range; the verifier rejects it on a
    constant `rhs` with a byte outside. Other lowerings ignore it; with a
    non-constant `rhs` that breaks the promise the AVX2 result is undefined.

    ```mlir
    %r = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
    %s = qc.dot_u8s8 %acc, %a, %w7 {rhs_fits_i7} : vector<64xi8> -> vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs,
                       UnitAttr:$rhs_fits_i7);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($acc)
  }];
  let hasVerifier = 1;
}

def QC_MmlaU8S8Op : QC_Op<"mmla_u8s8", [Pure, AllTypesMatch<["acc", "result"]>,
                                      AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "2x8 by 8x2 u8 x s8 matrix multiply-accumulate into 2x2 i32 "
                "blocks";
  let description = [{
    The step of the AArch64 i8mm matrix-multiply microkernels
    (docs/Microkernels.md). Each group of 16 bytes of `lhs` is a 2 x 8
    matrix A of unsigned bytes (row i = bytes 8i..8i+7), the same 16 bytes
    of `rhs` a 2 x 8 matrix B of signed bytes (row j = bytes 8j..8j+7: the
    columns of the 8 x 2 right-hand side), and the matching 4 lanes of `acc`
    a 2 x 2 block C, row-major:

    `result[4b + 2i + j] = acc[4b + 2i + j] +
       sum_{k < 8} zext(lhs[16b + 8i + k]) * sext(rhs[16b + 8j + k])`,

    wrapping modulo 2^32, for every block b (`acc` has 4 lanes per block,
    `lhs` and `rhs` 16 bytes). So with A two activation rows and B two
    weight rows (output channels) over the same 8 K positions, C is the 2 x 2
    block of the product A * B^T. `qc-vectorize-integer-ops{isa=neon-i8mm}`
    emits it on one block; `qc-lower-dot-products` lowers it to
    `llvm.aarch64.neon.usmmla.v4i32.v16i8` (one `usmmla` per block) for
    `isa=neon-i8mm` and to portable `arith`/`vector` code with the same
    result for every other instruction set. Activations are unsigned bytes
    as in `qc.dot_u8s8` (signed storage is read as `x xor 0x80` and the
    offset folded into the bias), so one op covers both storages.

    ```mlir
    %c = qc.mmla_u8s8 %acc, %a, %w : vector<16xi8> -> vector<4xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($acc)
  }];
  let hasVerifier = 1;
}

#endif // QC_DIALECT_QC_IR_QCOPS_TD
