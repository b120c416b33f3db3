// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales=output-bits=8 -qc-realize | FileCheck %s
// RUN: quant-opt %S/Inputs/dw-pool.mlir -qc-propagate-scales=output-bits=8 -qc-realize | FileCheck %s --check-prefix=DW
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="config=%S/Inputs/skip-conv1.json output-bits=8" -qc-realize | FileCheck %s --check-prefix=SKIP
// RUN: quant-opt %s -qc-realize | FileCheck %s --check-prefix=REQ

!in = !quant.uniform<u8:f32, 0.015686274509803921:64>
// CHECK-LABEL: func.func @net
// CHECK: %[[X:.*]] = qc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.015686274509803921:64>>
// Weights and bias quantized at compile time: 0.5 / (0.5/127.5) = 127.5
// -> 128 (ties to even), clamped to 127; -0.25 / (0.5/127.5) = -63.75 -> -64;
// 0.75 / (1/127.5) = 95.625 -> 96; bias 0.1 / (s_in s_w).
// CHECK: %[[WC:.*]] = arith.constant dense<{{\[\[\[\[}}127]], {{\[\[}}-64]]], {{\[\[\[}}127]], {{\[\[}}96]]]]> : tensor<2x2x1x1xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WC]] : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.0039215686274509803,0.0078431372549019607}>>
// CHECK: %[[BC:.*]] = arith.constant dense<[1626, -1626]> : tensor<2xi32>
// CHECK: %[[B:.*]] = quant.scast %[[BC]]
// Conv + bias + ReLU: one integer op with the ReLU as a clamp.
// CHECK: %[[C:.*]] = qc.conv2d %[[X]], %[[W]], %[[B]] strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 clamp_min = 0.000000e+00 : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>
// Residual add of two differently scaled branches, in the integer domain.
// CHECK: %[[A:.*]] = qc.add %[[C]], %[[X]] : {{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.023529411764705882:42>>
// Max pooling on the u8 storage (unsigned comparison), then the reshape.
// CHECK: %[[S:.*]] = quant.scast %[[A]] : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.023529411764705882:42>> to tensor<1x2x4x4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[S]], %{{.*}} : tensor<1x2x4x4xi8>, tensor<2x2xf32>)
// CHECK: arith.maxui
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<1x2x2x2xi8> into tensor<1x8xi8>
// CHECK: %[[FQ:.*]] = quant.scast %[[F]]
// Gemm weights [K, N] transposed to [N, K] at compile time; channels on axis 0.
// CHECK: arith.constant dense<127> : tensor<3x8xi8>
// CHECK: quant.scast %{{.*}} : tensor<3x8xi8> to tensor<3x8x!quant.uniform<i8:f32:0,
// CHECK: %[[FC:.*]] = qc.fully_connected %[[FQ]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.027450980392156862:128>>
// The sigmoid stays float between dequantize and quantize.
// CHECK: %[[D:.*]] = qc.dequantize %[[FC]]
// CHECK: linalg.generic {{.*}} ins(%[[D]] :
// CHECK: math.exp
// CHECK: %[[SQ:.*]] = qc.quantize %{{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.0039215686274509803>>
// CHECK: %[[OUT:.*]] = qc.dequantize %[[SQ]]
// CHECK: return %[[OUT]]
// No float compute op of the quantized units remains.
// CHECK-NOT: linalg.conv_2d
// CHECK-NOT: linalg.matmul

// DW-LABEL: func.func @net
// DW: %[[X:.*]] = qc.quantize %arg0
// The zero padding is absorbed into the convolution (padded with the zero
// point); the depthwise weight [C, kh, kw] becomes [C, 1, kh, kw], groups C.
// DW-NOT: tensor.pad
// DW: quant.scast %{{.*}} : tensor<2x1x3x3xi8> to
// DW: %[[C:.*]] = qc.conv2d %[[X]], %{{.*}} strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 clamp_min = 0.000000e+00 clamp_max = 6.000000e+00
// Global average pooling: window 4x4.
// DW: qc.avg_pool2d %[[C]] kernel = [4, 4] strides = [1, 1] padding = [0, 0, 0, 0] : {{.*}} -> tensor<1x2x1x1x!quant.uniform<u8:f32, 0.0098039215686274508>>
// Attention: activation x activation in int8.
// DW: %[[A:.*]] = qc.quantize %arg1
// DW: %[[B:.*]] = qc.quantize %arg2
// DW: qc.matmul %[[A]], %[[B]] : {{.*}} -> tensor<2x3x4x!quant.uniform<u8:f32, 0.078431372549019607:128>>

// A skipped layer stays float between dequantize and quantize.
// SKIP: %[[X:.*]] = qc.quantize %arg0
// SKIP: %[[XD:.*]] = qc.dequantize %[[X]]
// SKIP: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[XD]], %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>)
// SKIP: %[[R:.*]] = qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>
// SKIP: qc.add %[[R]], %[[X]]

// A dequantize/quantize pair with different parameters is a scale
// conflict: it becomes an explicit requantize; one with equal parameters
// disappears.
// REQ-LABEL: func.func @conflict
// REQ-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<u8:f32, 0.015686274509803921:64>>)
// REQ: %[[R:.*]] = qc.requantize %[[Q]] mode = float_scale : tensor<4x!quant.uniform<u8:f32, 0.015686274509803921:64>> -> tensor<4x!quant.uniform<u8:f32, 1.000000e-01:3>>
// REQ: return %[[R]], %[[Q]]
func.func @conflict(%q: tensor<4x!in>) -> (tensor<4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x!in>) {
  %d = qc.dequantize %q : tensor<4x!in> -> tensor<4xf32>
  %r = qc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %s = qc.quantize %d : tensor<4xf32> -> tensor<4x!in>
  return %r, %s : tensor<4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x!in>
}
