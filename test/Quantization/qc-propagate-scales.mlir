// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales=output-bits=8 | FileCheck %s
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales | FileCheck %s --check-prefix=OUT16
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales=per-channel=false | FileCheck %s --check-prefix=TENSOR
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="activation-signed=true weight-bits=4" | FileCheck %s --check-prefix=I8
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="config=%S/Inputs/skip-conv1.json" | FileCheck %s --check-prefix=SKIP
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="weight-range=narrow weight-bits=4" | FileCheck %s --check-prefix=NARROW
// RUN: echo '{"format": "qc-quant-config", "version": 1, "layers": [{"op_type": "Gemm", "weight_range": "narrow"}]}' > %t.narrow-gemm.json
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="config=%t.narrow-gemm.json" | FileCheck %s --check-prefix=NARROWGEMM

// Input: asymmetric u8 from [-1, 3]: scale 4/255, zero point 64.
// CHECK-LABEL: func.func @net
// CHECK: %[[XQ:.*]] = qc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.015686274509803921:64>>
// CHECK: %[[X:.*]] = qc.dequantize %[[XQ]]
// Weights: symmetric full range per output channel (|w| max 0.5 and 1.0):
// scale max|w| / 127.5, so -max|w| lands on -127.5 -> -128.
// CHECK: %[[WQ:.*]] = qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.0039215686274509803,0.0078431372549019607}>>
// CHECK: %[[W:.*]] = qc.dequantize %[[WQ]]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] :
// Bias: int32, scale s_in * s_w per channel, zero point 0, along the
// channel axis of the [2, 1, 1] constant.
// CHECK: qc.quantize %{{.*}} : tensor<2x1x1xf32> -> tensor<2x1x1x!quant.uniform<i32:f32:0, {6.1514801999231058E-5,1.2302960399846212E-4}>>
// The conv output and the bias-add output are inside the fused unit: no
// quantize until after the ReLU ([0, 2] -> scale 2/255, zero point 0).
// CHECK-NOT: qc.quantize
// CHECK: arith.maximumf
// CHECK: qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>
// The residual add has its own parameters ([-1, 5]).
// CHECK: arith.addf
// CHECK: qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.023529411764705882:42>>
// Max pooling and the flattening reshape keep the add's parameters (their
// own statistics are ignored).
// CHECK: linalg.pooling_nchw_max
// CHECK-NEXT: qc.quantize %{{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.023529411764705882:42>>
// CHECK: tensor.collapse_shape
// CHECK-NEXT: qc.quantize %{{.*}} -> tensor<1x8x!quant.uniform<u8:f32, 0.023529411764705882:42>>
// Gemm weights [K, N]: channels along axis 1.
// CHECK: qc.quantize %{{.*}} : tensor<8x3xf32> -> tensor<8x3x!quant.uniform<i8:f32:1, {9.8039215686274508E-4,9.8039215686274508E-4,9.8039215686274508E-4}>>
// CHECK: qc.quantize %{{.*}} : tensor<3xf32> -> tensor<3x!quant.uniform<i32:f32:0,
// CHECK: qc.quantize %{{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.027450980392156862:128>>
// Sigmoid: fixed range [0, 1] whatever the statistics say.
// CHECK: math.exp
// CHECK: qc.quantize %{{.*}} -> tensor<1x3x!quant.uniform<u8:f32, 0.0039215686274509803>>
// No observer survives.
// CHECK-NOT: qc.observe

// TENSOR: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8:f32, 0.0078431372549019607>>
// TENSOR: qc.quantize %{{.*}} : tensor<2x1x1xf32> -> tensor<2x1x1x!quant.uniform<i32:f32, 1.2302960399846212E-4>>

// Signed activations: symmetric-free i8 grid; 4-bit weights in [-8, 7],
// scale max|w| / 7.5.
// I8: qc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.015686274509803921:-64>>
// I8: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i4:f32:0, {0.066666666666666666,0.13333333333333333}>>

// weight-range=narrow: 4-bit weights in [-7, 7], scale max|w| / 7; the bias
// scale s_in * s_w follows.
// NARROW: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i4<-7:7>:f32:0, {0.071428571428571425,0.14285714285714285}>>
// NARROW: qc.quantize %{{.*}} : tensor<2x1x1xf32> -> tensor<2x1x1x!quant.uniform<i32:f32:0, {0.0011204481792717086,0.0022408963585434172}>>
// NARROW: qc.quantize %{{.*}} : tensor<8x3xf32> -> tensor<8x3x!quant.uniform<i4<-7:7>:f32:1,

// A config rule narrows the Gemm's weights only.
// NARROWGEMM: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.0039215686274509803,0.0078431372549019607}>>
// NARROWGEMM: qc.quantize %{{.*}} : tensor<8x3xf32> -> tensor<8x3x!quant.uniform<i8<-127:127>:f32:1, {9.8425196850393699E-4,9.8425196850393699E-4,9.8425196850393699E-4}>>

// A skipped layer keeps float weights (no quantize of the 2x2x1x1 constant)
// and its output stays float until the ReLU; its input also feeds the
// residual add, so it is still quantized.
// SKIP-NOT: tensor<2x2x1x1x!quant
// SKIP: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x2x1x1xf32>
// SKIP-NOT: tensor<2x2x1x1x!quant
// SKIP: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %[[W]] :
// SKIP: qc.quantize %{{.*}} -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>

// Values that are only returned keep 16 bits by default: the sigmoid's
// fixed [0, 1] range on the i16 grid.
// OUT16: math.exp
// OUT16: qc.quantize %{{.*}} -> tensor<1x3x!quant.uniform<i16:f32, 1.5259021896696422E-5:-32768>>

// 7-bit weights (precision w7a8, for AVX2's vpmaddubsw): stored in i8 on the
// grid -64..63 with scale max|w| / 63.5, or -63..63 and max|w| / 63 narrow;
// also per layer through a config's weight_bits.
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="weight-bits=7" | FileCheck %s --check-prefix=W7
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="weight-bits=7 weight-range=narrow" | FileCheck %s --check-prefix=W7NARROW
// RUN: echo '{"format": "qc-quant-config", "version": 1, "layers": [{"op_type": "Gemm", "weight_bits": 7}]}' > %t.w7-gemm.json
// RUN: quant-opt %S/Inputs/residual.mlir -qc-propagate-scales="config=%t.w7-gemm.json" | FileCheck %s --check-prefix=W7GEMM
// W7: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8<-64:63>:f32:0, {0.0078740157480314959,0.015748031496062992}>>
// W7: qc.quantize %{{.*}} : tensor<8x3xf32> -> tensor<8x3x!quant.uniform<i8<-64:63>:f32:1,
// W7NARROW: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8<-63:63>:f32:0, {0.0079365079365079361,0.015873015873015872}>>
// W7GEMM: qc.quantize %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2x1x1x!quant.uniform<i8:f32:0,
// W7GEMM: qc.quantize %{{.*}} : tensor<8x3xf32> -> tensor<8x3x!quant.uniform<i8<-64:63>:f32:1,
