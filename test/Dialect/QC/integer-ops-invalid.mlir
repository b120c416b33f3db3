// RUN: quant-opt %s -split-input-file -verify-diagnostics

!x = !quant.uniform<u8:f32, 0.02:128>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_asym_weight(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01:1>>) {
  // expected-error @+1 {{'qc.conv2d' op weights must be symmetric (zero point 0), got 1}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01:1>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_asym_channel(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01:0, 0.01:2}>>) {
  // expected-error @+1 {{'qc.conv2d' op weights must be symmetric (zero point 0), channel 1 has 2}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01:0, 0.01:2}>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_weight_axis(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:1, {0.01, 0.01, 0.01}>>) {
  // expected-error @+1 {{'qc.conv2d' op weights must be quantized per output channel (axis 0), got axis 1}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!quant.uniform<i8:f32:1, {0.01, 0.01, 0.01}>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_weight_storage(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!quant.uniform<u8:f32, 0.01>>) {
  // expected-error @+1 {{'qc.conv2d' op weight storage must be signed with at most 8 bits, got 'i8'}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!quant.uniform<u8:f32, 0.01>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_input_per_axis(%x: tensor<1x3x8x8x!quant.uniform<u8:f32:1, {0.1, 0.1, 0.1}>>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op input type must be quantized per tensor}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!quant.uniform<u8:f32:1, {0.1, 0.1, 0.1}>>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_strides(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op strides must be two positive values}}
  %0 = qc.conv2d %x, %w strides = [0, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_padding(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op padding must be four non-negative values [top, left, bottom, right]}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_dilations(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op dilations must be two positive values}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_groups(%x: tensor<1x3x8x8x!x>, %w: tensor<3x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op groups must be >= 1, got 0}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 0 : tensor<1x3x8x8x!x>, tensor<3x3x3x3x!w> -> tensor<1x3x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_groups_div(%x: tensor<1x4x8x8x!x>, %w: tensor<3x2x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op output channels 3 are not divisible by groups 2}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : tensor<1x4x8x8x!x>, tensor<3x2x3x3x!w> -> tensor<1x3x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_channels(%x: tensor<1x4x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op input has 4 channels but weight expects 3 (3 per group x 1 groups)}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x4x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_rank(%x: tensor<3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op expects rank-4 input (NCHW), weight (FCHW) and result}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_batch(%x: tensor<2x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op result batch differs from input batch: 2 vs 1}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<2x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_out_channels(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op result channels differ from weight output channels: 2 vs 4}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x4x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_height(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op result height differs from the computed height: 5 vs 6}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x5x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_width(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op result width differs from the computed width: 8 vs 4}}
  %0 = qc.conv2d %x, %w strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x4x8x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_kernel_fit(%x: tensor<1x3x2x2x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op kernel does not fit the padded input along height}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x2x2x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x1x1x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_bias_scale(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0003}>>) {
  // expected-error @+1 {{'qc.conv2d' op bias scale 3.000000e-04 of channel 1 must equal input scale * weight scale = 4.000000e-04}}
  %0 = qc.conv2d %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<2x!quant.uniform<i32:f32:0, {0.0002, 0.0003}>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_bias_storage(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<2x!quant.uniform<i16:f32, 0.0002>>) {
  // expected-error @+1 {{'qc.conv2d' op bias storage must be i32, got 'i16'}}
  %0 = qc.conv2d %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<2x!quant.uniform<i16:f32, 0.0002>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_bias_shape(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<3x!quant.uniform<i32:f32, 0.0002>>) {
  // expected-error @+1 {{'qc.conv2d' op bias must be a 1-D tensor of 2 values, got 'tensor<3x!quant.uniform<i32:f32, 2.000000e-04>>'}}
  %0 = qc.conv2d %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<3x!quant.uniform<i32:f32, 0.0002>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_bias_zp(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<2x!quant.uniform<i32:f32, 0.0002:5>>) {
  // expected-error @+1 {{'qc.conv2d' op bias zero point must be 0, channel 0 has 5}}
  %0 = qc.conv2d %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<2x!quant.uniform<i32:f32, 0.0002:5>> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_clamp(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op clamp_min 6.000000e+00 exceeds clamp_max 0.000000e+00}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 clamp_min = 6.0 clamp_max = 0.0 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_clamp_inf(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op clamp_max must be finite}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 clamp_max = 0x7FF0000000000000 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_clamp_min_inf(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op clamp_min must be finite}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 clamp_min = 0xFFF0000000000000 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f16, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
func.func @conv_expressed(%x: tensor<1x3x8x8x!x>, %w: tensor<2x3x3x3x!w>) {
  // expected-error @+1 {{'qc.conv2d' op operands express different float types ('f32' and 'f16')}}
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8x!x>, tensor<2x3x3x3x!w> -> tensor<1x2x6x6x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.5>
!y = !quant.uniform<i8:f32, 0.2>
func.func @fc_rank(%x: tensor<2x3x16x!x>, %w: tensor<3x16x!w>) {
  // expected-error @+1 {{'qc.fully_connected' op expects rank-2 input [M, K], weight [N, K] and result [M, N]}}
  %0 = qc.fully_connected %x, %w : tensor<2x3x16x!x>, tensor<3x16x!w> -> tensor<2x3x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.5>
!y = !quant.uniform<i8:f32, 0.2>
func.func @fc_k(%x: tensor<2x15x!x>, %w: tensor<3x16x!w>) {
  // expected-error @+1 {{'qc.fully_connected' op input K differs from weight K: 15 vs 16}}
  %0 = qc.fully_connected %x, %w : tensor<2x15x!x>, tensor<3x16x!w> -> tensor<2x3x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.5>
!y = !quant.uniform<i8:f32, 0.2>
func.func @fc_m(%x: tensor<2x16x!x>, %w: tensor<3x16x!w>) {
  // expected-error @+1 {{'qc.fully_connected' op result M differs from input M: 2 vs 4}}
  %0 = qc.fully_connected %x, %w : tensor<2x16x!x>, tensor<3x16x!w> -> tensor<4x3x!y>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8:f32, 0.5>
!y = !quant.uniform<i8:f32, 0.2>
func.func @fc_n(%x: tensor<2x16x!x>, %w: tensor<3x16x!w>) {
  // expected-error @+1 {{'qc.fully_connected' op result N differs from weight N: 3 vs 5}}
  %0 = qc.fully_connected %x, %w : tensor<2x16x!x>, tensor<3x16x!w> -> tensor<2x5x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_rank(%a: tensor<8x!a>, %b: tensor<8x!a>) {
  // expected-error @+1 {{'qc.matmul' op expects lhs, rhs and result of equal rank >= 2}}
  %0 = qc.matmul %a, %b : tensor<8x!a>, tensor<8x!a> -> tensor<8x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_batch(%a: tensor<2x4x8x!a>, %b: tensor<3x8x4x!a>) {
  // expected-error @+1 {{'qc.matmul' op batch dimensions differ: 2 vs 3}}
  %0 = qc.matmul %a, %b : tensor<2x4x8x!a>, tensor<3x8x4x!a> -> tensor<2x4x4x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_result_batch(%a: tensor<2x4x8x!a>, %b: tensor<2x8x4x!a>) {
  // expected-error @+1 {{'qc.matmul' op result batch dimensions differ: 2 vs 5}}
  %0 = qc.matmul %a, %b : tensor<2x4x8x!a>, tensor<2x8x4x!a> -> tensor<5x4x4x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_k(%a: tensor<4x8x!a>, %b: tensor<7x4x!a>) {
  // expected-error @+1 {{'qc.matmul' op lhs K differs from rhs K: 8 vs 7}}
  %0 = qc.matmul %a, %b : tensor<4x8x!a>, tensor<7x4x!a> -> tensor<4x4x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_m(%a: tensor<4x8x!a>, %b: tensor<8x4x!a>) {
  // expected-error @+1 {{'qc.matmul' op result M differs from lhs M: 4 vs 3}}
  %0 = qc.matmul %a, %b : tensor<4x8x!a>, tensor<8x4x!a> -> tensor<3x4x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.3>
func.func @matmul_n(%a: tensor<4x8x!a>, %b: tensor<8x4x!a>) {
  // expected-error @+1 {{'qc.matmul' op result N differs from rhs N: 4 vs 2}}
  %0 = qc.matmul %a, %b : tensor<4x8x!a>, tensor<8x4x!a> -> tensor<4x2x!y>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
func.func @matmul_per_axis(%a: tensor<4x8x!a>, %b: tensor<8x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qc.matmul' op rhs type must be quantized per tensor}}
  %0 = qc.matmul %a, %b : tensor<4x8x!a>, tensor<8x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> -> tensor<4x2x!a>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
func.func @add_rank(%a: tensor<4x8x!a>, %b: tensor<8x!a>) {
  // expected-error @+1 {{'qc.add' op expects lhs, rhs and result of equal rank}}
  %0 = qc.add %a, %b : tensor<4x8x!a>, tensor<8x!a> -> tensor<4x8x!a>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
func.func @add_shape(%a: tensor<4x8x!a>, %b: tensor<4x7x!a>) {
  // expected-error @+1 {{'qc.add' op operand shapes differ: 8 vs 7}}
  %0 = qc.add %a, %b : tensor<4x8x!a>, tensor<4x7x!a> -> tensor<4x8x!a>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
func.func @add_result(%a: tensor<4x8x!a>, %b: tensor<4x8x!a>) {
  // expected-error @+1 {{'qc.add' op result shape differs from operands: 4 vs 2}}
  %0 = qc.add %a, %b : tensor<4x8x!a>, tensor<4x8x!a> -> tensor<2x8x!a>
  return
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
func.func @add_lhs_zp(%a: tensor<4x!quant.uniform<i8:f32, 0.1:200>>, %b: tensor<4x!a>) {
  // expected-error @+1 {{'qc.add' op lhs type has zero point 200 outside the storage range [-128, 127]}}
  %0 = qc.add %a, %b : tensor<4x!quant.uniform<i8:f32, 0.1:200>>, tensor<4x!a> -> tensor<4x!a>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_kernel(%x: tensor<1x4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op kernel must be two positive values}}
  %0 = qc.avg_pool2d %x kernel = [0, 2] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x4x8x8x!x> -> tensor<1x4x7x7x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_rank(%x: tensor<4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op expects rank-4 (NCHW) input and result}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<4x8x8x!x> -> tensor<4x4x4x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_channels(%x: tensor<1x4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op result batch/channels differ from input: 4 vs 3}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x8x8x!x> -> tensor<1x3x4x4x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_fit(%x: tensor<1x4x2x2x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op kernel does not fit the padded input along width}}
  %0 = qc.avg_pool2d %x kernel = [1, 3] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x4x2x2x!x> -> tensor<1x4x2x1x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_height(%x: tensor<1x4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op result height differs from the computed height: 3 vs 4}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x8x8x!x> -> tensor<1x4x3x4x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_width(%x: tensor<1x4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op result width differs from the computed width: 3 vs 4}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x8x8x!x> -> tensor<1x4x4x3x!x>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
func.func @pool_strides(%x: tensor<1x4x8x8x!x>) {
  // expected-error @+1 {{'qc.avg_pool2d' op strides must be two positive values}}
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2] padding = [0, 0, 0, 0] : tensor<1x4x8x8x!x> -> tensor<1x4x4x4x!x>
  return
}
