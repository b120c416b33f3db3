// RUN: quant-opt %s -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {0.0002, 0.0004}>
!y = !quant.uniform<u8:f32, 0.05>
// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<?x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<2x!b>) -> tensor<?x2x4x4x!y> {
  // CHECK: qc.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 clamp_min = 0.000000e+00 : tensor<?x3x8x8x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02}>>, tensor<2x!quant.uniform<i32:f32:0, {2.000000e-04,4.000000e-04}>> -> tensor<?x2x4x4x!quant.uniform<u8:f32, 5.000000e-02>>
  %0 = qc.conv2d %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 clamp_min = 0.0
     : tensor<?x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<2x!b> -> tensor<?x2x4x4x!y>
  return %0 : tensor<?x2x4x4x!y>
}

// -----

!x = !quant.uniform<i8:f32, 0.02:-3>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05:1>
// Depthwise, no bias, clamp on both sides, single rounding.
// CHECK-LABEL: func.func @depthwise
func.func @depthwise(%x: tensor<1x4x5x5x!x>, %w: tensor<4x1x3x3x!w>) -> tensor<1x4x5x5x!y> {
  // CHECK: qc.conv2d %{{[^,]*}}, %{{[^ ]*}} strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 4 clamp_min = 0.000000e+00 clamp_max = 6.000000e+00 mode = single_round :
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 4 clamp_min = 0.0 clamp_max = 6.0 mode = single_round
     : tensor<1x4x5x5x!x>, tensor<4x1x3x3x!w> -> tensor<1x4x5x5x!y>
  return %0 : tensor<1x4x5x5x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>
!b = !quant.uniform<i32:f32:0, {0.05, 0.025, 0.0125}>
!y = !quant.uniform<i8:f32, 0.2:-4>
// CHECK-LABEL: func.func @fc
func.func @fc(%x: tensor<?x16x!x>, %w: tensor<3x16x!w>, %b: tensor<3x!b>) -> tensor<?x3x!y> {
  // CHECK: qc.fully_connected %{{.*}}, %{{.*}}, %{{.*}} mode = float_scale : tensor<?x16x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %0 = qc.fully_connected %x, %w, %b mode = float_scale : tensor<?x16x!x>, tensor<3x16x!w>, tensor<3x!b> -> tensor<?x3x!y>
  return %0 : tensor<?x3x!y>
}

// -----

!a = !quant.uniform<i8:f32, 0.1>
!b = !quant.uniform<i8:f32, 0.1:2>
!y = !quant.uniform<i8:f32, 0.3:-1>
// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x4x8x!a>, %b: tensor<2x8x5x!b>) -> tensor<2x4x5x!y> {
  // CHECK: qc.matmul %{{.*}}, %{{.*}} : tensor<2x4x8x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<2x8x5x!quant.uniform<i8:f32, 1.000000e-01:2>> -> tensor<2x4x5x!quant.uniform<i8:f32, 3.000000e-01:-1>>
  %0 = qc.matmul %a, %b : tensor<2x4x8x!a>, tensor<2x8x5x!b> -> tensor<2x4x5x!y>
  return %0 : tensor<2x4x5x!y>
}

// -----

!a = !quant.uniform<u8:f32, 0.1>
!b = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<u8:f32, 0.12>
// CHECK-LABEL: func.func @add
func.func @add(%a: tensor<1x16x8x8x!a>, %b: tensor<1x16x8x8x!b>) -> tensor<1x16x8x8x!y> {
  // CHECK: qc.add %{{.*}}, %{{.*}} clamp_min = 0.000000e+00 : tensor<1x16x8x8x!quant.uniform<u8:f32, 1.000000e-01>>
  %0 = qc.add %a, %b clamp_min = 0.0 : tensor<1x16x8x8x!a>, tensor<1x16x8x8x!b> -> tensor<1x16x8x8x!y>
  return %0 : tensor<1x16x8x8x!y>
}

// -----

!x = !quant.uniform<u8:f32, 0.1>
// CHECK-LABEL: func.func @avg_pool
func.func @avg_pool(%x: tensor<?x64x8x8x!x>) -> (tensor<?x64x1x1x!x>, tensor<?x64x4x4x!x>) {
  // CHECK: qc.avg_pool2d %{{.*}} kernel = [8, 8] strides = [1, 1] padding = [0, 0, 0, 0] :
  %0 = qc.avg_pool2d %x kernel = [8, 8] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<?x64x8x8x!x> -> tensor<?x64x1x1x!x>
  // CHECK: qc.avg_pool2d %{{.*}} kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] {count_include_pad = true} :
  %1 = qc.avg_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] {count_include_pad = true} : tensor<?x64x8x8x!x> -> tensor<?x64x4x4x!x>
  return %0, %1 : tensor<?x64x1x1x!x>, tensor<?x64x4x4x!x>
}
