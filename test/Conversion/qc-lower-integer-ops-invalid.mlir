// RUN: quant-opt %s -split-input-file -qc-lower-integer-ops -verify-diagnostics

// A ratio the integer requantization cannot represent (shift below 2).
!x = !quant.uniform<u8:f32, 1000.0:128>
!w = !quant.uniform<i8:f32, 1000.0>
!y = !quant.uniform<u8:f32, 0.001>
func.func @ratio_too_large(%x: tensor<1x3x4x4x!x>, %w: tensor<2x3x1x1x!w>) -> tensor<1x2x4x4x!y> {
  // expected-error @+1 {{'qc.conv2d' op cannot be lowered: requantization ratio 1.000000e+09 is too large for integer requantization (the right shift would be below 2); use mode float_scale}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1
     : tensor<1x3x4x4x!x>, tensor<2x3x1x1x!w> -> tensor<1x2x4x4x!y>
  return %0 : tensor<1x2x4x4x!y>
}

// -----

// Per channel: the message names the channel.
!x = !quant.uniform<i8:f32, 1.0e+5>
!w = !quant.uniform<i8:f32:0, {1.0, 1.0e+5}>
!y = !quant.uniform<i8:f32, 1.0>
func.func @ratio_channel(%x: tensor<2x4x!x>, %w: tensor<2x4x!w>) -> tensor<2x2x!y> {
  // expected-error @+1 {{requantization ratio 1.000000e+10 (channel 1) is too large for integer requantization}}
  %0 = qc.fully_connected %x, %w mode = single_round : tensor<2x4x!x>, tensor<2x4x!w> -> tensor<2x2x!y>
  return %0 : tensor<2x2x!y>
}

// -----

// float_scale computes the ratio in f32.
!a = !quant.uniform<i8:f64, 1.0e+30>
!y = !quant.uniform<i8:f64, 1.0e-30>
func.func @ratio_f32_overflow(%a: tensor<2x2x!a>, %b: tensor<2x2x!a>) -> tensor<2x2x!y> {
  // expected-error @+1 {{'qc.matmul' op cannot be lowered: requantization ratio 1.000000e+90 overflows f32, which mode float_scale computes in}}
  %0 = qc.matmul %a, %b mode = float_scale : tensor<2x2x!a>, tensor<2x2x!a> -> tensor<2x2x!y>
  return %0 : tensor<2x2x!y>
}

// -----

// The product of the scales underflows to 0.
!a = !quant.uniform<i8:f64, 1.0e-200>
!y = !quant.uniform<i8:f64, 1.0>
func.func @scale_underflow(%a: tensor<2x2x!a>, %b: tensor<2x2x!a>) -> tensor<2x2x!y> {
  // expected-error @+1 {{'qc.matmul' op cannot be lowered: accumulator scale 0.000000e+00 is not a finite positive double}}
  %0 = qc.matmul %a, %b : tensor<2x2x!a>, tensor<2x2x!a> -> tensor<2x2x!y>
  return %0 : tensor<2x2x!y>
}

// -----

// The i32 accumulator type must be able to express its scale.
!a = !quant.uniform<i8:f32, 1.0e-30>
!y = !quant.uniform<i8:f32, 1.0e-30>
func.func @scale_below_f32(%a: tensor<2x2x!a>, %b: tensor<2x2x!a>) -> tensor<2x2x!y> {
  // expected-error @+1 {{'qc.matmul' op cannot be lowered: accumulator scale 1.000000e-60 is outside the range of the expressed type f32}}
  %0 = qc.matmul %a, %b mode = float_scale : tensor<2x2x!a>, tensor<2x2x!a> -> tensor<2x2x!y>
  return %0 : tensor<2x2x!y>
}

// -----

// (x - zx) of 32-bit activations does not fit the i32 accumulator.
!x = !quant.uniform<i32:f32, 0.1:5>
!w = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.1>
func.func @wide_activation(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) -> tensor<2x3x!y> {
  // expected-error @+1 {{'qc.fully_connected' op cannot be lowered: the input has 32-bit storage; the i32 accumulator is defined for activations of at most 16 bits}}
  %0 = qc.fully_connected %x, %w : tensor<2x4x!x>, tensor<3x4x!w> -> tensor<2x3x!y>
  return %0 : tensor<2x3x!y>
}

// -----

// Kernel dimensions must be known.
!x = !quant.uniform<u8:f32, 0.1>
!w = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<u8:f32, 0.1>
func.func @dynamic_weight(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x?x?x!w>) -> tensor<1x2x?x?x!y> {
  // expected-error @+1 {{'qc.conv2d' op cannot be lowered: the weight shape tensor<2x3x?x?x!quant.uniform<i8:f32, 1.000000e-01>> must be static}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1
     : tensor<1x3x8x8x!x>, tensor<2x3x?x?x!w> -> tensor<1x2x?x?x!y>
  return %0 : tensor<1x2x?x?x!y>
}

// -----

// Huge scale ratios could make the f32 sum of qc.add overflow (and give NaN).
!a = !quant.uniform<i8:f32, 1.0e+20>
!y = !quant.uniform<i8:f32, 1.0e-17>
func.func @add_overflow(%a: tensor<4x!a>, %b: tensor<4x!a>) -> tensor<4x!y> {
  // expected-error @+1 {{'qc.add' op cannot be lowered: scale ratios are so large that the f32 sum could overflow}}
  %0 = qc.add %a, %b : tensor<4x!a>, tensor<4x!a> -> tensor<4x!y>
  return %0 : tensor<4x!y>
}

// -----

// Without count_include_pad, a window made of padding only has nothing to
// average.
!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_padding(%x: tensor<1x1x4x4x!x>) -> tensor<1x1x7x3x!x> {
  // expected-error @+1 {{'qc.avg_pool2d' op cannot be lowered: padding [2, 0, 2, 0] is not smaller than the kernel [2, 2]: a window could hold padding only and nothing to average}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [1, 1] padding = [2, 0, 2, 0] : tensor<1x1x4x4x!x> -> tensor<1x1x7x3x!x>
  return %0 : tensor<1x1x7x3x!x>
}

// -----

// Every op that cannot be lowered is reported, not only the first.
!a = !quant.uniform<i8:f64, 1.0e-200>
!y = !quant.uniform<i8:f64, 1.0>
func.func @two_errors(%a: tensor<2x2x!a>) -> (tensor<2x2x!y>, tensor<2x2x!y>) {
  // expected-error @+1 {{accumulator scale}}
  %0 = qc.matmul %a, %a : tensor<2x2x!a>, tensor<2x2x!a> -> tensor<2x2x!y>
  // expected-error @+1 {{accumulator scale}}
  %1 = qc.matmul %a, %a : tensor<2x2x!a>, tensor<2x2x!a> -> tensor<2x2x!y>
  return %0, %1 : tensor<2x2x!y>, tensor<2x2x!y>
}
