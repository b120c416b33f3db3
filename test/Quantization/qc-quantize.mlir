// The named pipeline: propagate + realize (+ lowering of the integer ops).
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="lower=false" | FileCheck %s --check-prefix=REALIZED
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize="method=minmax precision=w4a8 per-channel=false lower=false" | FileCheck %s --check-prefix=W4
// RUN: quant-opt %S/Inputs/residual.mlir -qc-quantize | FileCheck %s --check-prefix=LOWERED

// REALIZED: qc.conv2d
// REALIZED: qc.add
// REALIZED: qc.fully_connected
// REALIZED-NOT: qc.observe

// W4: quant.scast %{{.*}} : tensor<2x2x1x1xi4> to tensor<2x2x1x1x!quant.uniform<i4<-7:7>:f32, 0.14285714285714285>>
// W4: qc.conv2d

// After lowering no qc op and no quantized type is left.
// LOWERED-LABEL: func.func @net
// LOWERED-NOT: qc.
// LOWERED-NOT: !quant
// LOWERED: linalg
// LOWERED-NOT: qc.
// LOWERED-NOT: !quant
