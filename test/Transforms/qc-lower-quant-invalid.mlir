// RUN: quant-opt %s -split-input-file -qc-lower-quant -verify-diagnostics

// An op the pass does not know keeps a quantized type: reported by name.
func.func @unknown_user(%x: tensor<4xf32>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  // expected-error @+1 {{'tensor.extract_slice' op uses quantized type 'tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>', which qc-lower-quant cannot lower}}
  %s = tensor.extract_slice %q[0][2][1] : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %s : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// Upstream quantize casts are not lowered (their upstream lowering truncates).
func.func @upstream_qcast(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{'quant.qcast' op is not lowered by qc-lower-quant (upstream lower-quant-ops truncates instead of rounding); use qc.quantize / qc.dequantize}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @upstream_dcast(%q: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4xf32> {
  // expected-error @+1 {{'quant.dcast' op is not lowered by qc-lower-quant}}
  %x = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

// Control flow carrying quantized tensors is not rewritten.
func.func @control_flow(%c: i1, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'scf.if' op uses quantized type 'tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %r = scf.if %c -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
    %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
    // expected-error @+1 {{'scf.yield' op uses quantized type}}
    scf.yield %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
  } else {
    %q = qc.quantize %x rounding = half_away_from_zero : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
    // expected-error @+1 {{'scf.yield' op uses quantized type}}
    scf.yield %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
  }
  %d = qc.dequantize %r : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Only quantized tensors and scalars are stripped from signatures.
// expected-error @+1 {{'func.func' op has signature '(tuple<tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>>) -> ()' with a quantized type that qc-lower-quant cannot strip}}
func.func private @tuple_arg(tuple<tensor<4x!quant.uniform<i8:f32, 1.0>>>)

// -----

// A requantize ratio of 2^29 or more does not fit the multiplier/shift scheme.
func.func @ratio_too_large(%x: tensor<4x!quant.uniform<i32:f32, 1.0e10>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{'qc.requantize' op cannot be lowered: scale ratio s_in / s_out = 1.000000e+10 is too large for integer requantization (the right shift would be below 2); use mode float_scale}}
  %q = qc.requantize %x mode = single_round : tensor<4x!quant.uniform<i32:f32, 1.0e10>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// The same check names the channel of a per-axis type.
func.func @ratio_too_large_channel(%x: tensor<2x!quant.uniform<i32:f32:0, {1.0, 1.0e9}>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{scale ratio s_in / s_out = 1.000000e+09 (channel 1) is too large for integer requantization}}
  %q = qc.requantize %x mode = double_round : tensor<2x!quant.uniform<i32:f32:0, {1.0, 1.0e9}>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @float_ratio_overflow(%x: tensor<4x!quant.uniform<i32:f32, 1.0e30>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-30>> {
  // expected-error @+1 {{'qc.requantize' op cannot be lowered: scale ratio s_in / s_out = 1.000000e+60 overflows f32, which mode float_scale computes in}}
  %q = qc.requantize %x mode = float_scale : tensor<4x!quant.uniform<i32:f32, 1.0e30>> -> tensor<4x!quant.uniform<i8:f32, 1.0e-30>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1.0e-30>>
}

// -----

// Both sides per-axis with a dynamic axis: the channel counts must agree.
func.func @channel_mismatch(%x: tensor<?x!quant.uniform<i32:f32:0, {1.0, 2.0}>>) -> tensor<?x!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>> {
  // expected-error @+1 {{'qc.requantize' op cannot be lowered: input has 2 channels but result has 3 along axis 0}}
  %q = qc.requantize %x mode = float_scale : tensor<?x!quant.uniform<i32:f32:0, {1.0, 2.0}>> -> tensor<?x!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>>
  return %q : tensor<?x!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>>
}

// -----

// Float types outside the contract.
func.func @f8(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'qc.fake_quant' op cannot be lowered: float element type f8E4M3FN is not supported; the numerics contract covers f16, bf16, f32 and f64}}
  %y = qc.fake_quant %x as !quant.uniform<i8:f8E4M3FN, 1.0> : tensor<4xf8E4M3FN>
  return %y : tensor<4xf8E4M3FN>
}
