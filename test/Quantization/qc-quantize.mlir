// The named pipeline: propagate + realize (+ lowering of the integer ops).
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="lower=false" | FileCheck %s --check-prefix=REALIZED
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="method=minmax precision=w4a8 per-channel=false lower=false" | FileCheck %s --check-prefix=W4
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize | FileCheck %s --check-prefix=LOWERED
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="microkernels=false" | FileCheck %s --check-prefix=REFERENCE
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="precision=w4a8 per-channel=false weight-range=narrow lower=false" | FileCheck %s --check-prefix=W4NARROW

// REALIZED: qc.conv2d
// REALIZED: qc.add
// REALIZED: qc.fully_connected
// REALIZED-NOT: qc.observe

// W4: quant.scast %{{.*}} : tensor<2x2x1x1xi4> to tensor<2x2x1x1x!quant.uniform<i4:f32, 0.13333333333333333>>
// W4: qc.conv2d

// weight-range=narrow: -7..7, scale max|w| / 7.
// W4NARROW: quant.scast %{{.*}} : tensor<2x2x1x1xi4> to tensor<2x2x1x1x!quant.uniform<i4<-7:7>:f32, 0.14285714285714285>>

// After lowering no qc op and no quantized type is left, except the
// microkernels' qc.dot_u8s8, which qc-lower-to-llvm lowers.
// LOWERED-LABEL: func.func @net
// LOWERED-NOT: !quant
// LOWERED-NOT: qc.{{conv2d|fully_connected|add|requantize|quantize|dequantize|observe}}
// LOWERED: qc.dot_u8s8
// LOWERED: linalg
// LOWERED-NOT: qc.{{conv2d|fully_connected|add|requantize|quantize|dequantize|observe}}
// LOWERED-NOT: !quant

// Without microkernels, everything is linalg on storage integers.
// REFERENCE-LABEL: func.func @net
// REFERENCE-NOT: qc.
// REFERENCE-NOT: !quant
// REFERENCE: linalg
// REFERENCE-NOT: qc.
// REFERENCE-NOT: !quant
