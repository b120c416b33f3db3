// RUN: quant-opt %s -split-input-file -qc-insert-observers | FileCheck %s
// Idempotent: a second run adds nothing.
// RUN: quant-opt %s -split-input-file -qc-insert-observers -qc-insert-observers | FileCheck %s

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x6x6xf32>
// CHECK: %[[OX:.*]] = qc.observe %[[X]] id "input:image" : tensor<1x1x6x6xf32>
// CHECK: %[[W:.*]] = arith.constant {{.*}} : tensor<2x1x3x3xf32>
// CHECK: %[[OW:.*]] = qc.observe %[[W]] id "conv1.weight" axis 0 : tensor<2x1x3x3xf32>
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[OX]], %[[OW]] :
// CHECK: %[[OC:.*]] = qc.observe %[[C]] id "conv1" :
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[OC]], %{{.*}} :
// CHECK: %[[OB:.*]] = qc.observe %[[B]] id "conv1:1" :
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[OB]] :
// CHECK: %[[OR:.*]] = qc.observe %[[R]] id "relu1" :
// CHECK: return %[[OR]]
func.func @conv_bias_relu(%x: tensor<1x1x6x6xf32> {qc.name = "image"}) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<2x1x3x3xf32> loc("conv1")
  %bias = arith.constant dense<[0.1, -0.2]> : tensor<2xf32> loc("conv1")
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %b = linalg.generic {indexing_maps = [#map, #bias, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%c, %bias : tensor<1x2x4x4xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x2x4x4xf32> loc("conv1")
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%b : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x2x4x4xf32> loc("relu1")
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Gemm: the weight's output channels are the N dimension (axis 1 of [K, N]).
// CHECK-LABEL: func.func @matmul
// CHECK: qc.observe %arg0 id "input:0"
// CHECK: qc.observe %{{.*}} id "fc.weight" axis 1 : tensor<4x3xf32>
// CHECK: linalg.matmul
// CHECK: qc.observe %{{.*}} id "fc" : tensor<2x3xf32>
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}

// -----

// Attention-style matmul of two activations: no weight observer; unnamed
// ops get their op name and a sequence number.
// CHECK-LABEL: func.func @act_act
// CHECK: qc.observe %arg0 id "input:0"
// CHECK: qc.observe %arg1 id "input:1"
// CHECK-NOT: .weight
// CHECK: qc.observe %{{.*}} id "linalg.batch_matmul_0"
func.func @act_act(%a: tensor<2x4x8xf32>, %b: tensor<2x8x4xf32>) -> tensor<2x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %y = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%init : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  return %y : tensor<2x4x4xf32>
}
