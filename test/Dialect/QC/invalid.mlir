// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @observe_empty_id(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.observe' op requires a non-empty id}}
  %0 = qc.observe %x id "" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @observe_axis(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qc.observe' op axis 1 is out of range for rank 1}}
  %0 = qc.observe %x id "a" axis 1 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @observe_channels_no_axis(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'qc.observe' op has per-channel statistics but no axis}}
  %0 = qc.observe %x id "a" {stats = #qc.stats<min = 0.0, max = 1.0, channel_min = [0.0, 0.0], channel_max = [1.0, 1.0]>} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @observe_channel_count(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'qc.observe' op has 2 per-channel statistics but axis 0 has size 3}}
  %0 = qc.observe %x id "a" axis 0 {stats = #qc.stats<min = 0.0, max = 1.0, channel_min = [0.0, 0.0], channel_max = [1.0, 1.0]>} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @observe_int(%x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{'qc.observe' op operand #0 must be ranked tensor of floating-point values}}
  %0 = "qc.observe"(%x) {id = "a"} : (tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// expected-error @+1 {{stats 'min' is nan; calibration ranges must be finite}}
func.func private @stats_nan() attributes {s = #qc.stats<min = nan, max = 1.0>}

// -----

// expected-error @+1 {{stats 'max' is INF; calibration ranges must be finite}}
func.func private @stats_inf() attributes {s = #qc.stats<min = 0.0, max = inf>}

// -----

// expected-error @+1 {{stats 'min' is -INF; calibration ranges must be finite}}
func.func private @stats_neg_inf() attributes {s = #qc.stats<min = -inf, max = 1.0>}

// -----

// expected-error @+1 {{stats min 2.000000e+00 exceeds max 1.000000e+00}}
func.func private @stats_order() attributes {s = #qc.stats<min = 2.0, max = 1.0>}

// -----

// expected-error @+1 {{stats need both avg_min and avg_max or neither}}
func.func private @stats_avg_half() attributes {s = #qc.stats<min = 0.0, max = 1.0, avg_min = 0.5>}

// -----

// expected-error @+1 {{stats 'avg_max' is nan; calibration ranges must be finite}}
func.func private @stats_avg_nan() attributes {s = #qc.stats<min = 0.0, max = 1.0, avg_min = 0.5, avg_max = nan>}

// -----

// expected-error @+1 {{stats avg_min 7.000000e-01 exceeds avg_max 5.000000e-01}}
func.func private @stats_avg_order() attributes {s = #qc.stats<min = 0.0, max = 1.0, avg_min = 0.7, avg_max = 0.5>}

// -----

// expected-error @+1 {{stats histogram range [1.000000e+00, 1.000000e+00] is empty}}
func.func private @stats_hist_range() attributes {s = #qc.stats<min = 0.0, max = 1.0, hist_min = 1.0, hist_max = 1.0, hist = [1, 2]>}

// -----

// expected-error @+1 {{stats 'hist_max' is INF; calibration ranges must be finite}}
func.func private @stats_hist_inf() attributes {s = #qc.stats<min = 0.0, max = 1.0, hist_min = 0.0, hist_max = inf, hist = [1, 2]>}

// -----

// expected-error @+1 {{stats histogram bin 1 has negative count -2}}
func.func private @stats_hist_negative() attributes {s = #qc.stats<min = 0.0, max = 1.0, hist_min = 0.0, hist_max = 1.0, hist = [1, -2]>}

// -----

// expected-error @+1 {{a stats histogram needs 'hist_min' and 'hist_max'}}
func.func private @stats_hist_no_range() attributes {s = #qc.stats<min = 0.0, max = 1.0, hist = [1, 2]>}

// -----

// expected-error @+1 {{stats have 2 channel_min values but 1 channel_max values}}
func.func private @stats_channels() attributes {s = #qc.stats<min = 0.0, max = 1.0, channel_min = [0.0, 0.0], channel_max = [1.0]>}

// -----

// expected-error @+1 {{stats channel 1 has a non-finite range}}
func.func private @stats_channel_nan() attributes {s = #qc.stats<min = 0.0, max = 1.0, channel_min = [0.0, nan], channel_max = [1.0, 1.0]>}

// -----

// expected-error @+1 {{stats channel 0 min 3.000000e+00 exceeds max 1.000000e+00}}
func.func private @stats_channel_order() attributes {s = #qc.stats<min = 0.0, max = 1.0, channel_min = [3.0], channel_max = [1.0]>}

// -----

// expected-error @+1 {{stats require both 'min' and 'max'}}
func.func private @stats_missing() attributes {s = #qc.stats<min = 0.0>}

// -----

// expected-error @+1 {{unknown stats field 'mean'}}
func.func private @stats_unknown() attributes {s = #qc.stats<min = 0.0, max = 1.0, mean = 0.5>}

// -----

// expected-error @+1 {{duplicate stats field 'min'}}
func.func private @stats_duplicate() attributes {s = #qc.stats<min = 0.0, min = 0.5, max = 1.0>}

// -----

func.func @quantize_zp(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type has zero point 300 outside the storage range [-128, 127]}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:300>>
  return
}

// -----

func.func @quantize_zp_narrow(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type has zero point -128 outside the storage range [-127, 127]}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1:-128>>
  return
}

// -----

func.func @quantize_zp_axis(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type has zero point 16 outside the storage range [0, 15] (channel 1)}}
  %0 = qc.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u4:f32:0, {0.1:0, 0.1:16}>>
  return
}

// -----

func.func @quantize_expressed(%x: tensor<4xf16>) {
  // expected-error @+1 {{'qc.quantize' op result type expresses 'f32' but the float element type is 'f16'}}
  %0 = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @quantize_axis_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type quantizes axis 1 but the tensor has rank 1}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @quantize_axis_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type has 2 scales but dimension 1 has size 3}}
  %0 = qc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @quantize_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qc.quantize' op requires the same shape for all operands and results}}
  %0 = qc.quantize %x : tensor<2x3xf32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @quantize_storage(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type has storage type 'i1'; supported storage is a 2..32-bit integer}}
  %0 = qc.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i1:f32, 0.5>>
  return
}

// -----

func.func @quantize_any(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qc.quantize' op result type '!quant.any<i8:f32>' is not a uniform (per-tensor or per-axis) type}}
  %0 = qc.quantize %x : tensor<2xf32> -> tensor<2x!quant.any<i8:f32>>
  return
}

// -----

func.func @quantize_to_float(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qc.quantize' op result #0 must be ranked tensor of quantized type values}}
  %0 = "qc.quantize"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @dequantize_expressed(%q: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qc.dequantize' op input type expresses 'f32' but the float element type is 'f16'}}
  %0 = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf16>
  return
}

// -----

func.func @dequantize_axis(%q: tensor<4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qc.dequantize' op input type has 2 scales but dimension 0 has size 4}}
  %0 = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<4xf32>
  return
}

// -----

func.func @requantize_expressed(%q: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{'qc.requantize' op input expresses 'f32' but result expresses 'f16'}}
  %0 = qc.requantize %q mode = double_round : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f16, 0.1>>
  return
}

// -----

func.func @requantize_axes(%q: tensor<2x2x!quant.uniform<i32:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qc.requantize' op input is quantized along axis 0 but result along axis 1}}
  %0 = qc.requantize %q mode = float_scale : tensor<2x2x!quant.uniform<i32:f32:0, {0.1, 0.2}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @requantize_result_zp(%q: tensor<2x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{'qc.requantize' op result type has zero point 200 outside the storage range [-128, 127]}}
  %0 = qc.requantize %q mode = single_round : tensor<2x!quant.uniform<i32:f32, 0.1>> -> tensor<2x!quant.uniform<i8:f32, 0.1:200>>
  return
}

// -----

func.func @fake_quant_expressed(%x: tensor<2xf16>) -> tensor<2xf16> {
  // expected-error @+1 {{'qc.fake_quant' op fake-quant type expresses 'f32' but the float element type is 'f16'}}
  %0 = qc.fake_quant %x as !quant.uniform<i8:f32, 0.1> : tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @fake_quant_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qc.fake_quant' op fake-quant type has 2 scales but dimension 1 has size 3}}
  %0 = qc.fake_quant %x as !quant.uniform<i8:f32:1, {0.1, 0.2}> : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bad_rounding(%x: tensor<2xf32>) {
  // expected-error @+2 {{expected ::qc::RoundingMode to be one of: half_even, half_away_from_zero}}
  // expected-error @+1 {{failed to parse QC_RoundingModeAttr parameter}}
  %0 = qc.quantize %x rounding = toward_zero : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Upstream's type parser already rejects scales that are not finite and > 0;
// QC's verifier re-checks types built programmatically (test/Unit/DialectTest.cpp).
func.func @zero_scale(%x: tensor<2xf32>) {
  // expected-error @+1 {{scale 0.000000e+00 out of expressed type range}}
  %0 = qc.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.0>>
  return
}

// -----

func.func @dot_u8s8_lanes(%acc: vector<8xi32>, %a: vector<64xi8>) {
  // expected-error @+1 {{'qc.dot_u8s8' op operands have 64 bytes but the accumulator has 8 lanes; each lane takes 4 bytes}}
  %0 = qc.dot_u8s8 %acc, %a, %a : vector<64xi8> -> vector<8xi32>
  return
}

// -----

func.func @dot_u8s8_scalable(%acc: vector<[4]xi32>, %a: vector<[16]xi8>) {
  // expected-error @+1 {{'qc.dot_u8s8' op scalable vectors are not supported}}
  %0 = qc.dot_u8s8 %acc, %a, %a : vector<[16]xi8> -> vector<[4]xi32>
  return
}

// -----

func.func @dot_u8s8_rhs_not_i7(%acc: vector<4xi32>, %a: vector<16xi8>) -> vector<4xi32> {
  %w = arith.constant dense<[1, -64, 63, 0, 2, 3, 4, 5, 6, 7, 8, 64, 0, 0, 0, 0]> : vector<16xi8>
  // expected-error @+1 {{'qc.dot_u8s8' op has rhs_fits_i7 but rhs byte 11 is 64, outside [-64, 63]}}
  %0 = qc.dot_u8s8 %acc, %a, %w {rhs_fits_i7} : vector<16xi8> -> vector<4xi32>
  return %0 : vector<4xi32>
}

// -----

func.func @mmla_u8s8_bytes(%acc: vector<4xi32>, %a: vector<32xi8>) -> vector<4xi32> {
  // expected-error @+1 {{'qc.mmla_u8s8' op operands have 32 bytes but the accumulator has 4 lanes; each 2x2 block of 4 lanes takes 16 bytes}}
  %0 = qc.mmla_u8s8 %acc, %a, %a : vector<32xi8> -> vector<4xi32>
  return %0 : vector<4xi32>
}

// -----

func.func @mmla_u8s8_partial_block(%acc: vector<6xi32>, %a: vector<24xi8>) -> vector<6xi32> {
  // expected-error @+1 {{'qc.mmla_u8s8' op accumulator has 6 lanes; it must hold whole 2x2 blocks (a multiple of 4 lanes)}}
  %0 = qc.mmla_u8s8 %acc, %a, %a : vector<24xi8> -> vector<6xi32>
  return %0 : vector<6xi32>
}

// -----

func.func @mmla_u8s8_scalable(%acc: vector<[4]xi32>, %a: vector<[16]xi8>) -> vector<[4]xi32> {
  // expected-error @+1 {{'qc.mmla_u8s8' op scalable vectors are not supported}}
  %0 = qc.mmla_u8s8 %acc, %a, %a : vector<[16]xi8> -> vector<[4]xi32>
  return %0 : vector<[4]xi32>
}

// -----

func.func @mmla_u8s8_types(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<32xi8>) -> vector<4xi32> {
  // expected-error @+1 {{'qc.mmla_u8s8' op failed to verify that all of {lhs, rhs} have same type}}
  %0 = "qc.mmla_u8s8"(%acc, %a, %w) : (vector<4xi32>, vector<16xi8>, vector<32xi8>) -> vector<4xi32>
  return %0 : vector<4xi32>
}
