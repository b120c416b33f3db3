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

def QCPropagateScalesPass : Pass<"qc-propagate-scales", "::mlir::ModuleOp"> {
  let summary = "From calibration statistics to quantization parameters on every tensor";
  let description = [{
    Replaces each `qc.observe` on a quantization boundary with a
    `qc.quantize` / `qc.dequantize` pair whose `!quant.uniform` type the
    statistics determine (file given by `stats-file`, else the observer's
    `stats` attribute), and quantizes weights and biases:

    * activations: asymmetric per-tensor (u8 by default, `activation-signed`
      for i8, `activation-symmetric` for a symmetric grid), range by
      `method` (minmax, moving_average, percentile, entropy, mse);
    * weights of convolutions and contractions: symmetric, per output
      channel unless `per-channel=false`, on the full signed range with scale
      max|w| / 127.5 (-128..127 for 8 bits, -8..7 for 4) by default, or on
      the narrow range with scale max|w| / 127 (-127..127, -7..7) with
      `weight-range=narrow`;
    * bias: int32 with scale s_in * s_w per channel, zero point 0; where a
      bias would overflow int32 the weight scale of that channel is widened
      and a warning says so;
    * values inside a fused unit (a convolution's or matmul's output before
      its bias add and activation) get no parameters of their own;
    * same-scale ops (reshape, transpose, max pooling, zero padding,
      standalone ReLU/Clip) reuse their input's parameters; sigmoid and
      softmax get the fixed range [0, 1], tanh [-1, 1];
    * a `config` file (docs/QuantConfig.md) overrides per layer name or op
      type: skip (keep float), per-tensor weights, method, bit widths,
      weight range.
  }];
  let options = [
    Option<"statsFile", "stats-file", "std::string", "\"\"",
           "Calibration statistics JSON (docs/StatsFormat.md)">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "Activation range method: minmax, moving_average, percentile, entropy, mse">,
    Option<"percentile", "percentile", "double", "99.99",
           "Mass kept by the percentile method, in percent">,
    Option<"activationSigned", "activation-signed", "bool", "false",
           "Quantize activations to i8 instead of u8">,
    Option<"activationSymmetric", "activation-symmetric", "bool", "false",
           "Symmetric activation grid (zero point fixed)">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Weight bit width (4, 8, or 7: stored in i8 as -64..63, for "
           "AVX2's vpmaddubsw)">,
    Option<"weightRange", "weight-range", "std::string", "\"full\"",
           "Weight grid: full (-2^(b-1)..2^(b-1)-1, scale max|w| / "
           "(2^(b-1) - 0.5)) or narrow (symmetric -(2^(b-1)-1)..2^(b-1)-1)">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "Activation bit width (8 or 16)">,
    Option<"configFile", "config", "std::string", "\"\"",
           "Per-layer quantization config JSON (docs/QuantConfig.md)">,
    Option<"outputBits", "output-bits", "unsigned", "16",
           "Bit width of values that are only returned (model outputs); "
           "8 quantizes them like other activations">
  ];
  let dependentDialects = ["::qc::QCDialect", "::mlir::quant::QuantDialect"];
}

def QCRealizePass : Pass<"qc-realize", "::mlir::ModuleOp"> {
  let summary = "Fold quantize/dequantize pairs into integer computation";
  let description = [{
    Turns the float computation between qc.dequantize and qc.quantize
    boundaries into integer computation: weights and biases quantized at
    compile time into storage constants; convolution (plain and depthwise),
    fully-connected (Gemm/MatMul with constant weights), residual add and
    activation x activation matmul units with their bias add and ReLU/Clip
    become qc.conv2d / qc.fully_connected / qc.add / qc.matmul with the clamp
    fused; sum-pooling divided by the window becomes qc.avg_pool2d;
    reshapes, transposes, padding, max pooling and standalone clamps run on
    the storage integers; quantize(dequantize(x)) folds to x, or becomes an
    explicit qc.requantize where the two types differ. What cannot be
    realized stays float, bracketed by dequantize/quantize.
  }];
  let dependentDialects = ["::qc::QCDialect", "::mlir::quant::QuantDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def QCDynamicQuantizePass : Pass<"qc-dynamic-quantize", "::mlir::func::FuncOp"> {
  let summary = "Dynamic quantization of matmuls with constant weights (int8 weights, activations quantized at run time)";
  let description = [{
    Rewrites each f32 `linalg.matmul` whose right-hand side is a constant
    `[K, N]` weight into integer computation on tensors, as PyTorch's
    `quantize_dynamic` does for Linear layers; no calibration is needed:

    * the weight is quantized at compile time to i8, symmetric, narrow
      range (-127..127), per output channel (`per-channel=false`: one
      scale), and its column sums are precomputed;
    * at run time the activation's min/max (extended to include 0) give
      an asymmetric u8 scale and zero point, the activation is quantized
      (round half to even, saturating, NaN to the zero point), multiplied
      with the weight in i32 (u8 zero-extended, i8 sign-extended), the
      zero point is corrected with the column sums, and the accumulator
      is converted back: `y = f32(acc) * (s_x * s_w[n])`.

    Layers named in `skip` (their name location), matmuls whose weight has
    fewer than `min-elements` elements, and everything else stay float.
    A matmul that cannot be quantized (not f32, transposed/broadcast
    indexing maps, a reduction too long for i32) stays float with a
    remark. The exact arithmetic is in docs/DynamicQuantization.md.

    ```mlir
    %y = linalg.matmul ins(%x, %w : tensor<?x64xf32>, tensor<64x32xf32>)
                       outs(%zero : tensor<?x32xf32>) -> tensor<?x32xf32>
    ```
    becomes a min/max `linalg.generic`, scalar scale/zero-point `arith`,
    a quantizing `linalg.generic` to `tensor<?x64xi8>`, an i8 x i8 -> i32
    contraction `linalg.generic` against a `tensor<64x32xi8>` constant and
    an epilogue `linalg.generic` producing `tensor<?x32xf32>`.
  }];
  let options = [
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales (false: one scale per weight)">,
    Option<"minElements", "min-elements", "int64_t", "0",
           "Leave matmuls whose weight has fewer elements float">,
    ListOption<"skip", "skip", "std::string",
               "Layer names (name locations) that stay float">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // QC_QUANTIZATION_PASSES_TD
