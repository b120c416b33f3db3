// RUN: quant-opt %s -split-input-file | FileCheck %s
// Round trip through the generic form as well.
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @observe
func.func @observe(%x: tensor<2x4xf32>, %w: tensor<?x4xf32>) -> (tensor<2x4xf32>, tensor<?x4xf32>) {
  // CHECK: qc.observe %{{.*}} id "conv1.input" : tensor<2x4xf32>
  %0 = qc.observe %x id "conv1.input" : tensor<2x4xf32>
  // CHECK: qc.observe %{{.*}} id "conv1.weight" axis 1 {stats = #qc.stats<min = -1.500000e+00, max = 2.250000e+00, avg_min = -1.000000e+00, avg_max = 2.000000e+00, hist_min = -1.500000e+00, hist_max = 2.250000e+00, hist = [0, 3, 7], channel_min = [-1.000000e+00, -5.000000e-01, 0.000000e+00, 1.000000e+00], channel_max = [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.250000e+00]>} : tensor<?x4xf32>
  %1 = qc.observe %w id "conv1.weight" axis 1 {stats = #qc.stats<min = -1.5, max = 2.25, avg_min = -1.0, avg_max = 2.0, hist_min = -1.5, hist_max = 2.25, hist = [0, 3, 7], channel_min = [-1.0, -0.5, 0.0, 1.0], channel_max = [1.0, 1.0, 1.0, 1.25]>} : tensor<?x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<?x4xf32>
}

// -----

// Field order in the source does not matter; the printer normalizes it.
// CHECK-LABEL: func.func @stats_order
// CHECK: #qc.stats<min = 0.000000e+00, max = 6.000000e+00, avg_min = 1.000000e+00, avg_max = 5.000000e+00>
func.func @stats_order(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = qc.observe %x id "relu" {stats = #qc.stats<avg_max = 5.0, max = 6.0, avg_min = 1.0, min = 0.0>} : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @quantize
func.func @quantize(%x: tensor<2x4xf32>, %d: tensor<?x?x4xf16>) {
  // CHECK: qc.quantize %{{.*}} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 1.000000e-01:3>>
  %0 = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.1:3>>
  // CHECK: qc.quantize %{{.*}} rounding = half_away_from_zero : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 1.000000e-01:128>>
  %1 = qc.quantize %x rounding = half_away_from_zero : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1:128>>
  // Explicit default rounding is elided when printed.
  // CHECK: qc.quantize %{{.*}} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
  %2 = qc.quantize %x rounding = half_even : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2, 0.3, 0.4}>>
  // CHECK: qc.quantize %{{.*}} : tensor<?x?x4xf16> -> tensor<?x?x4x!quant.uniform<i4:f16, 2.500000e-01:-2>>
  %3 = qc.quantize %d : tensor<?x?x4xf16> -> tensor<?x?x4x!quant.uniform<i4:f16, 0.25:-2>>
  // CHECK: qc.quantize %{{.*}} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u4:f32, 2.500000e-01:8>>
  %4 = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u4:f32, 0.25:8>>
  // CHECK: qc.quantize %{{.*}} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i16:f32, 1.000000e-03>>
  %5 = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i16:f32, 0.001>>
  return
}

// -----

// CHECK-LABEL: func.func @dequantize
func.func @dequantize(%q: tensor<8x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<8xf32> {
  // CHECK: qc.dequantize %{{.*}} : tensor<8x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<8xf32>
  %0 = qc.dequantize %q : tensor<8x!quant.uniform<u8:f32, 0.5:128>> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @requantize
func.func @requantize(%a: tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>>) {
  // CHECK: qc.requantize %{{.*}} mode = double_round : tensor<4x3x!quant.uniform<i32:f32:1, {1.000000e-03,2.000000e-03,4.000000e-03}>> -> tensor<4x3x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %0 = qc.requantize %a mode = double_round : tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>> -> tensor<4x3x!quant.uniform<i8:f32, 0.05:-3>>
  // CHECK: qc.requantize %{{.*}} mode = single_round
  %1 = qc.requantize %a mode = single_round : tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>> -> tensor<4x3x!quant.uniform<i8:f32, 0.05:-3>>
  // CHECK: qc.requantize %{{.*}} mode = float_scale
  %2 = qc.requantize %a mode = float_scale : tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>> -> tensor<4x3x!quant.uniform<u8:f32, 0.05:128>>
  return
}

// -----

// CHECK-LABEL: func.func @fake_quant
func.func @fake_quant(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[A:.*]] = qc.fake_quant %{{.*}} as !quant.uniform<i8:f32, 1.000000e-01:3> : tensor<2x3xf32>
  %0 = qc.fake_quant %x as !quant.uniform<i8:f32, 0.1:3> : tensor<2x3xf32>
  // CHECK: qc.fake_quant %[[A]] as !quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}> rounding = half_away_from_zero : tensor<2x3xf32>
  %1 = qc.fake_quant %0 as !quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}> rounding = half_away_from_zero : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Fake-quant survives canonicalization: it is not folded to its input.
// CHECK-LABEL: func.func @fake_quant_kept
// CHECK: qc.fake_quant
func.func @fake_quant_kept(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = qc.fake_quant %x as !quant.uniform<i8:f32, 0.1> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @dot_u8s8
func.func @dot_u8s8(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  // CHECK: qc.dot_u8s8 %{{.*}}, %{{.*}}, %{{.*}} : vector<64xi8> -> vector<16xi32>
  %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
  return %0 : vector<16xi32>
}

// CHECK-LABEL: func.func @dot_u8s8_rhs_fits_i7
func.func @dot_u8s8_rhs_fits_i7(%acc: vector<4xi32>, %a: vector<16xi8>) -> vector<4xi32> {
  %w = arith.constant dense<[-64, 63, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4]> : vector<16xi8>
  // CHECK: qc.dot_u8s8 %{{.*}}, %{{.*}}, %{{.*}} {rhs_fits_i7} : vector<16xi8> -> vector<4xi32>
  %0 = qc.dot_u8s8 %acc, %a, %w {rhs_fits_i7} : vector<16xi8> -> vector<4xi32>
  return %0 : vector<4xi32>
}

// CHECK-LABEL: func.func @mmla_u8s8
func.func @mmla_u8s8(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>,
                     %acc2: vector<8xi32>, %a2: vector<32xi8>) -> (vector<4xi32>, vector<8xi32>) {
  // CHECK: qc.mmla_u8s8 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi8> -> vector<4xi32>
  %0 = qc.mmla_u8s8 %acc, %a, %w : vector<16xi8> -> vector<4xi32>
  // Two independent blocks.
  // CHECK: qc.mmla_u8s8 %{{.*}}, %{{.*}}, %{{.*}} : vector<32xi8> -> vector<8xi32>
  %1 = qc.mmla_u8s8 %acc2, %a2, %a2 : vector<32xi8> -> vector<8xi32>
  return %0, %1 : vector<4xi32>, vector<8xi32>
}
