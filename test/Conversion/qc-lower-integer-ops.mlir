// RUN: quant-opt %s -split-input-file -qc-lower-integer-ops | FileCheck %s
// The pass also runs on one function at a time.
// RUN: quant-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qc-lower-integer-ops))' | FileCheck %s
// What it produces is lowered by qc-lower-quant and then to LLVM.
// RUN: quant-opt %s -split-input-file -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// u8 input (zero-extended, minus 128), padded with 0 after the shift, per
// channel weights, bias broadcast into the accumulator, i32 conv, per-axis
// requantize, then the ReLU6 clamp on storage.
!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!b = !quant.uniform<i32:f32:0, {0.0002, 0.0004}>
!y = !quant.uniform<u8:f32, 0.05:10>
// CHECK-LABEL: func.func @conv
// CHECK-SAME:    (%[[X:.*]]: tensor<?x3x8x8x!quant.uniform<u8{{.*}}>>, %[[W:.*]]: tensor<2x3x3x3x{{.*}}>, %[[B:.*]]: tensor<2x!quant.uniform<i32{{.*}}>>)
// CHECK:         %[[XS:.*]] = quant.scast %[[X]] : {{.*}} to tensor<?x3x8x8xi8>
// CHECK:         %[[XI:.*]] = linalg.generic {{.*}} ins(%[[XS]] : tensor<?x3x8x8xi8>) outs(%{{.*}} : tensor<?x3x8x8xi32>)
// CHECK:           %[[E:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK:           %[[ZP:.*]] = arith.constant 128 : i32
// CHECK:           %[[D:.*]] = arith.subi %[[E]], %[[ZP]] : i32
// CHECK:           linalg.yield %[[D]] : i32
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:         %[[XP:.*]] = tensor.pad %[[XI]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:           tensor.yield %[[ZERO]] : i32
// CHECK:         } : tensor<?x3x8x8xi32> to tensor<?x3x10x10xi32>
// CHECK:         %[[WS:.*]] = quant.scast %[[W]] : {{.*}} to tensor<2x3x3x3xi8>
// CHECK:         %[[WI:.*]] = linalg.generic {{.*}} ins(%[[WS]] : tensor<2x3x3x3xi8>)
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK-NOT:       arith.subi
// CHECK:         %[[N:.*]] = tensor.dim %[[XI]], %{{.*}} : tensor<?x3x8x8xi32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x2x4x4xi32>
// CHECK:         %[[BS:.*]] = quant.scast %[[B]] : {{.*}} to tensor<2xi32>
// CHECK:         %[[INIT:.*]] = linalg.broadcast ins(%[[BS]] : tensor<2xi32>) outs(%[[EMPTY]] : tensor<?x2x4x4xi32>) dimensions = [0, 2, 3]
// CHECK:         %[[ACC:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[XP]], %[[WI]] : tensor<?x3x10x10xi32>, tensor<2x3x3x3xi32>) outs(%[[INIT]] : tensor<?x2x4x4xi32>)
// CHECK:         %[[ACCQ:.*]] = quant.scast %[[ACC]] : tensor<?x2x4x4xi32> to tensor<?x2x4x4x!quant.uniform<i32:f32:1, {2.000000e-04,4.000000e-04}>>
// CHECK:         %[[R:.*]] = qc.requantize %[[ACCQ]] mode = double_round : {{.*}} -> tensor<?x2x4x4x!quant.uniform<u8:f32, 5.000000e-02:10>>
// CHECK:         %[[RS:.*]] = quant.scast %[[R]] : {{.*}} to tensor<?x2x4x4xi8>
// CHECK:         %[[CL:.*]] = linalg.generic {{.*}} ins(%[[RS]] : tensor<?x2x4x4xi8>) outs(%{{.*}} : tensor<?x2x4x4xi8>)
// CHECK:           %[[V:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK:           %[[LO:.*]] = arith.constant 10 : i32
// CHECK:           %[[V1:.*]] = arith.maxsi %[[V]], %[[LO]] : i32
// CHECK:           %[[HI:.*]] = arith.constant 130 : i32
// CHECK:           %[[V2:.*]] = arith.minsi %[[V1]], %[[HI]] : i32
// CHECK:           arith.trunci %[[V2]] : i32 to i8
// CHECK:         %[[OUT:.*]] = quant.scast %[[CL]] : tensor<?x2x4x4xi8> to tensor<?x2x4x4x!quant.uniform<u8:f32, 5.000000e-02:10>>
// CHECK:         return %[[OUT]]
// LLVM-LABEL: llvm.func @conv
// LLVM-NOT: qc.
// LLVM-NOT: quant.
func.func @conv(%x: tensor<?x3x8x8x!x>, %w: tensor<2x3x3x3x!w>, %b: tensor<2x!b>) -> tensor<?x2x4x4x!y> {
  %0 = qc.conv2d %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 clamp_min = 0.0 clamp_max = 6.0
     : tensor<?x3x8x8x!x>, tensor<2x3x3x3x!w>, tensor<2x!b> -> tensor<?x2x4x4x!y>
  return %0 : tensor<?x2x4x4x!y>
}

// -----

// Depthwise (groups = C) with i4 weights: NGCHW x GFCHW through reshapes,
// per-tensor accumulator, single rounding; a clamp on both sides.
!x = !quant.uniform<i8:f32, 0.02:-3>
!w = !quant.uniform<i4<-7:7>:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05:1>
// CHECK-LABEL: func.func @depthwise
// CHECK:         arith.extsi %{{.*}} : i8 to i32
// CHECK:         arith.constant -3 : i32
// CHECK:         arith.subi
// CHECK:         %[[XP:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         arith.extsi %{{.*}} : i4 to i32
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x4x5x5xi32>)
// CHECK:         %[[XG:.*]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 7, 7] : tensor<1x4x7x7xi32> into tensor<1x4x1x7x7xi32>
// CHECK:         %[[WG:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3], [4]] output_shape [4, 1, 1, 3, 3] : tensor<4x1x3x3xi32> into tensor<4x1x1x3x3xi32>
// CHECK:         %[[AG:.*]] = tensor.expand_shape %[[FILL]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 5, 5]
// CHECK:         %[[CONV:.*]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[XG]], %[[WG]] : tensor<1x4x1x7x7xi32>, tensor<4x1x1x3x3xi32>) outs(%[[AG]] : tensor<1x4x1x5x5xi32>)
// CHECK:         %[[ACC:.*]] = tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x4x1x5x5xi32> into tensor<1x4x5x5xi32>
// CHECK:         quant.scast %[[ACC]] : tensor<1x4x5x5xi32> to tensor<1x4x5x5x!quant.uniform<i32:f32, 2.000000e-04>>
// CHECK:         qc.requantize %{{.*}} mode = single_round
// CHECK:           arith.constant 1 : i32
// CHECK:           arith.maxsi
// CHECK:           arith.constant 121 : i32
// CHECK:           arith.minsi
// LLVM-LABEL: llvm.func @depthwise
func.func @depthwise(%x: tensor<1x4x5x5x!x>, %w: tensor<4x1x3x3x!w>) -> tensor<1x4x5x5x!y> {
  %0 = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 4 clamp_min = 0.0 clamp_max = 6.0 mode = single_round
     : tensor<1x4x5x5x!x>, tensor<4x1x3x3x!w> -> tensor<1x4x5x5x!y>
  return %0 : tensor<1x4x5x5x!y>
}

// -----

// Dynamic spatial sizes: the output extent (H + pads - dil*(K-1) - 1) / s + 1
// is computed at run time; without a clamp there is no clamp generic.
!x = !quant.uniform<i8:f32, 0.02:-3>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05:1>
// CHECK-LABEL: func.func @dynamic_spatial
// CHECK:         %[[XI:.*]] = linalg.generic
// CHECK:         tensor.pad %[[XI]] low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK:         %[[H:.*]] = tensor.dim %[[XI]], %{{.*}} : tensor<1x2x?x?xi32>
// CHECK:         %[[C1:.*]] = arith.constant -1 : index
// CHECK:         %[[H1:.*]] = arith.addi %[[H]], %[[C1]] : index
// CHECK:         %[[C2:.*]] = arith.constant 2 : index
// CHECK:         %[[H2:.*]] = arith.divsi %[[H1]], %[[C2]] : index
// CHECK:         %[[OH:.*]] = arith.addi %[[H2]], %{{.*}} : index
// CHECK:         %[[W:.*]] = tensor.dim %[[XI]], %{{.*}} : tensor<1x2x?x?xi32>
// CHECK:         %[[C3:.*]] = arith.constant -3 : index
// CHECK:         %[[W1:.*]] = arith.addi %[[W]], %[[C3]] : index
// CHECK:         %[[OW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:         tensor.empty(%[[OH]], %[[OW]]) : tensor<1x3x?x?xi32>
// CHECK:         linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
// CHECK:         %[[R:.*]] = qc.requantize %{{.*}} mode = float_scale
// CHECK-NEXT:    return %[[R]]
func.func @dynamic_spatial(%x: tensor<1x2x?x?x!x>, %w: tensor<3x2x3x2x!w>) -> tensor<1x3x?x?x!y> {
  %0 = qc.conv2d %x, %w strides = [2, 1] padding = [1, 0, 1, 0] dilations = [1, 2] groups = 1 mode = float_scale
     : tensor<1x2x?x?x!x>, tensor<3x2x3x2x!w> -> tensor<1x3x?x?x!y>
  return %0 : tensor<1x3x?x?x!y>
}

// -----

// fully_connected: x[M, K] times w[N, K] transposed.
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>
!b = !quant.uniform<i32:f32:0, {0.05, 0.025, 0.0125}>
!y = !quant.uniform<i8:f32, 0.2:-4>
// CHECK-DAG:   #[[$MA:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[$MB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[$MC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @fc
// CHECK:         %[[XI:.*]] = linalg.generic
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.constant 3 : i32
// CHECK:         %[[WI:.*]] = linalg.generic
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:         %[[INIT:.*]] = linalg.broadcast ins(%{{.*}} : tensor<3xi32>) outs(%{{.*}} : tensor<?x3xi32>) dimensions = [0]
// CHECK:         %[[ACC:.*]] = linalg.matmul indexing_maps = [#[[$MA]], #[[$MB]], #[[$MC]]] ins(%[[XI]], %[[WI]] : tensor<?x16xi32>, tensor<3x16xi32>) outs(%[[INIT]] : tensor<?x3xi32>)
// CHECK:         quant.scast %[[ACC]] : tensor<?x3xi32> to tensor<?x3x!quant.uniform<i32:f32:1, {5.000000e-02,2.500000e-02,1.250000e-02}>>
// CHECK:         qc.requantize %{{.*}} mode = float_scale
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:           %[[LO:.*]] = arith.constant -4 : i32
// CHECK:           arith.maxsi %{{.*}}, %[[LO]] : i32
// CHECK-NOT:       arith.minsi
// CHECK:           arith.trunci
// LLVM-LABEL: llvm.func @fc
func.func @fc(%x: tensor<?x16x!x>, %w: tensor<3x16x!w>, %b: tensor<3x!b>) -> tensor<?x3x!y> {
  %0 = qc.fully_connected %x, %w, %b clamp_min = 0.0 mode = float_scale : tensor<?x16x!x>, tensor<3x16x!w>, tensor<3x!b> -> tensor<?x3x!y>
  return %0 : tensor<?x3x!y>
}

// -----

// matmul: both zero points subtracted, batch_matmul for rank 3, scale sa*sb.
!a = !quant.uniform<i8:f32, 0.5:-2>
!b = !quant.uniform<u8:f32, 0.25:130>
!y = !quant.uniform<i8:f32, 0.3:-1>
// CHECK-DAG:   #[[$LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG:   #[[$RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG:   #[[$ACCMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul3
// CHECK:         %[[A:.*]] = linalg.generic
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:           arith.constant -2 : i32
// CHECK:           arith.subi
// CHECK:         %[[B:.*]] = linalg.generic
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.constant 130 : i32
// CHECK:           arith.subi
// CHECK:         %[[Z:.*]] = linalg.fill
// CHECK:         %[[ACC:.*]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<2x4x8xi32>, tensor<2x8x5xi32>) outs(%[[Z]] : tensor<2x4x5xi32>)
// CHECK:         quant.scast %[[ACC]] : tensor<2x4x5xi32> to tensor<2x4x5x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK:         %[[R:.*]] = qc.requantize %{{.*}} mode = double_round
// CHECK-NEXT:    return %[[R]]
func.func @matmul3(%a: tensor<2x4x8x!a>, %b: tensor<2x8x5x!b>) -> tensor<2x4x5x!y> {
  %0 = qc.matmul %a, %b : tensor<2x4x8x!a>, tensor<2x8x5x!b> -> tensor<2x4x5x!y>
  return %0 : tensor<2x4x5x!y>
}

// CHECK-LABEL: func.func @matmul2
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xi32>, tensor<8x5xi32>) outs(%{{.*}} : tensor<4x5xi32>)
// CHECK:         qc.requantize %{{.*}} mode = single_round
func.func @matmul2(%a: tensor<4x8x!a>, %b: tensor<8x5x!b>) -> tensor<4x5x!y> {
  %0 = qc.matmul %a, %b mode = single_round : tensor<4x8x!a>, tensor<8x5x!b> -> tensor<4x5x!y>
  return %0 : tensor<4x5x!y>
}

// Rank 4 with a dynamic batch dimension: a generic contraction.
// CHECK-LABEL: func.func @matmul4
// CHECK:         linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$ACCMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<2x?x4x8xi32>, tensor<2x?x8x5xi32>) outs(%{{.*}} : tensor<2x?x4x5xi32>)
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK:           %[[S:.*]] = arith.addi %{{.*}}, %[[P]] : i32
// CHECK:           linalg.yield %[[S]] : i32
// CHECK:         qc.requantize %{{.*}} mode = float_scale : tensor<2x?x4x5x!quant.uniform<i32:f32, 1.250000e-01>>
// LLVM-LABEL: llvm.func @matmul4
func.func @matmul4(%a: tensor<2x?x4x8x!a>, %b: tensor<2x?x8x5x!b>) -> tensor<2x?x4x5x!y> {
  %0 = qc.matmul %a, %b mode = float_scale : tensor<2x?x4x8x!a>, tensor<2x?x8x5x!b> -> tensor<2x?x4x5x!y>
  return %0 : tensor<2x?x4x5x!y>
}

// -----

// add: f32(a - za) * f32(sa/sy) + f32(b - zb) * f32(sb/sy), one roundeven,
// zero point, fused clamp, all in one generic.
!a = !quant.uniform<u8:f32, 0.1:7>
!b = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<i8:f32, 0.0625:-2>
// CHECK-LABEL: func.func @add
// CHECK:         %[[A:.*]] = quant.scast %{{.*}} to tensor<?x16xi8>
// CHECK:         %[[B:.*]] = quant.scast %{{.*}} to tensor<?x16xi8>
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<?x16xi8>, tensor<?x16xi8>) outs(%{{.*}} : tensor<?x16xi8>)
// CHECK:         ^bb0(%[[IA:.*]]: i8, %[[IB:.*]]: i8, %{{.*}}: i8):
// CHECK:           %[[EA:.*]] = arith.extui %[[IA]] : i8 to i32
// CHECK:           %[[ZA:.*]] = arith.constant 7 : i32
// CHECK:           %[[DA:.*]] = arith.subi %[[EA]], %[[ZA]] : i32
// CHECK:           %[[FA:.*]] = arith.sitofp %[[DA]] : i32 to f32
// CHECK:           %[[RA:.*]] = arith.constant 1.600000e+00 : f32
// CHECK:           %[[PA:.*]] = arith.mulf %[[FA]], %[[RA]] : f32
// CHECK:           %[[EB:.*]] = arith.extsi %[[IB]] : i8 to i32
// CHECK:           %[[ZB:.*]] = arith.constant 3 : i32
// CHECK:           %[[DB:.*]] = arith.subi %[[EB]], %[[ZB]] : i32
// CHECK:           %[[FB:.*]] = arith.sitofp %[[DB]] : i32 to f32
// CHECK:           %[[RB:.*]] = arith.constant 8.000000e-01 : f32
// CHECK:           %[[PB:.*]] = arith.mulf %[[FB]], %[[RB]] : f32
// CHECK:           %[[SUM:.*]] = arith.addf %[[PA]], %[[PB]] : f32
// CHECK:           %[[R:.*]] = math.roundeven %[[SUM]] : f32
// CHECK:           %[[M1:.*]] = arith.constant -5.120000e+02 : f32
// CHECK:           %[[R1:.*]] = arith.maximumf %[[R]], %[[M1]] : f32
// CHECK:           %[[M2:.*]] = arith.constant 5.120000e+02 : f32
// CHECK:           %[[R2:.*]] = arith.minimumf %[[R1]], %[[M2]] : f32
// CHECK:           %[[I:.*]] = arith.fptosi %[[R2]] : f32 to i32
// CHECK:           %[[ZY:.*]] = arith.constant -2 : i32
// CHECK:           %[[I1:.*]] = arith.addi %[[I]], %[[ZY]] : i32
// CHECK:           %[[LO:.*]] = arith.constant -2 : i32
// CHECK:           %[[I2:.*]] = arith.maxsi %[[I1]], %[[LO]] : i32
// CHECK:           %[[HI:.*]] = arith.constant 94 : i32
// CHECK:           %[[I3:.*]] = arith.minsi %[[I2]], %[[HI]] : i32
// CHECK:           %[[T:.*]] = arith.trunci %[[I3]] : i32 to i8
// CHECK:           linalg.yield %[[T]] : i8
// CHECK:         %[[OUT:.*]] = quant.scast %[[G]] : tensor<?x16xi8> to tensor<?x16x!quant.uniform<i8:f32, 6.250000e-02:-2>>
// CHECK:         return %[[OUT]]
// LLVM-LABEL: llvm.func @add
func.func @add(%a: tensor<?x16x!a>, %b: tensor<?x16x!b>) -> tensor<?x16x!y> {
  %0 = qc.add %a, %b clamp_min = 0.0 clamp_max = 6.0 : tensor<?x16x!a>, tensor<?x16x!b> -> tensor<?x16x!y>
  return %0 : tensor<?x16x!y>
}

// -----

// avg_pool2d: sum of (x - zx) in i32, then f32(sum) * f32(sx / (sy * count)).
!x = !quant.uniform<u8:f32, 0.1:7>
!y = !quant.uniform<i8:f32, 0.0625:-2>
// Global pool: one count, one multiplier constant (0.1 / (0.0625 * 25)).
// CHECK-DAG:   #[[$HW:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @global_pool
// CHECK:         %[[XI:.*]] = linalg.generic
// CHECK:           arith.extui
// CHECK:           arith.constant 7 : i32
// CHECK-NOT:     tensor.pad
// CHECK:         %[[Z:.*]] = linalg.fill
// CHECK:         %[[K:.*]] = tensor.empty() : tensor<5x5xi32>
// CHECK:         %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[XI]], %[[K]] : tensor<?x3x5x5xi32>, tensor<5x5xi32>) outs(%[[Z]] : tensor<?x3x1x1xi32>)
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x3x1x1xi32>) outs(%{{.*}} : tensor<?x3x1x1xi8>)
// CHECK:           %[[M:.*]] = arith.constant 6.400000e-02 : f32
// CHECK:           %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK:           %[[P:.*]] = arith.mulf %[[F]], %[[M]] : f32
// CHECK:           math.roundeven %[[P]] : f32
// CHECK:           arith.fptosi
// CHECK:           arith.constant -2 : i32
// CHECK:           arith.addi
// CHECK:           arith.constant -128 : i32
// CHECK:           arith.maxsi
// CHECK:           arith.constant 127 : i32
// CHECK:           arith.minsi
// CHECK:           arith.trunci
// LLVM-LABEL: llvm.func @global_pool
func.func @global_pool(%x: tensor<?x3x5x5x!x>) -> tensor<?x3x1x1x!y> {
  %0 = qc.avg_pool2d %x kernel = [5, 5] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<?x3x5x5x!x> -> tensor<?x3x1x1x!y>
  return %0 : tensor<?x3x1x1x!y>
}

// Padding not counted: a compile-time table of multipliers per (oh, ow),
// 0.1 / (0.0625 * count) with counts 4, 6, 9.
// CHECK-LABEL: func.func @padded_pool
// CHECK:         tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK:         %[[T:.*]] = arith.constant dense<{{\[}}[4.000000e-01, 0.266666681, 4.000000e-01], [0.266666681, 0.177777782, 0.266666681], [4.000000e-01, 0.266666681, 4.000000e-01]]> : tensor<3x3xf32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[$HW]], #{{.*}}], {{.*}} ins(%[[SUM]], %[[T]] : tensor<1x3x3x3xi32>, tensor<3x3xf32>)
// CHECK:         ^bb0(%[[S:.*]]: i32, %[[M:.*]]: f32, %{{.*}}: i8):
// CHECK:           %[[F:.*]] = arith.sitofp %[[S]] : i32 to f32
// CHECK:           arith.mulf %[[F]], %[[M]] : f32
func.func @padded_pool(%x: tensor<1x3x5x5x!x>) -> tensor<1x3x3x3x!y> {
  %0 = qc.avg_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x3x5x5x!x> -> tensor<1x3x3x3x!y>
  return %0 : tensor<1x3x3x3x!y>
}

// Padding counted: every window divides by 9.
// CHECK-LABEL: func.func @count_include_pad
// CHECK:         linalg.pooling_nchw_sum
// CHECK-NOT:     arith.constant dense
// CHECK:           arith.constant 0.177777782 : f32
func.func @count_include_pad(%x: tensor<1x3x5x5x!x>) -> tensor<1x3x3x3x!y> {
  %0 = qc.avg_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] {count_include_pad = true} : tensor<1x3x5x5x!x> -> tensor<1x3x3x3x!y>
  return %0 : tensor<1x3x3x3x!y>
}

// Dynamic spatial size with uncounted padding: the count of each window
// and f32(sx / (sy * count)) (in f64, then truncated) are computed in the
// kernel.
// CHECK-LABEL: func.func @dynamic_pool
// CHECK:         %[[XI:.*]] = linalg.generic
// CHECK:         %[[SUM:.*]] = linalg.pooling_nchw_sum
// CHECK:         %[[H:.*]] = tensor.dim %[[XI]], %{{.*}} : tensor<1x3x?x?xi32>
// CHECK:         %[[W:.*]] = tensor.dim %[[XI]], %{{.*}} : tensor<1x3x?x?xi32>
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x3x?x?xi32>)
// CHECK:           %[[OH:.*]] = linalg.index 2 : index
// CHECK:           %[[R0:.*]] = arith.muli %[[OH]], %{{.*}} : index
// CHECK:           %[[START:.*]] = arith.subi %[[R0]], %{{.*}} : index
// CHECK:           %[[END0:.*]] = arith.addi %[[START]], %{{.*}} : index
// CHECK:           %[[END:.*]] = arith.minsi %[[END0]], %[[H]] : index
// CHECK:           %[[BEGIN:.*]] = arith.maxsi %[[START]], %{{.*}} : index
// CHECK:           %[[ROWS:.*]] = arith.subi %[[END]], %[[BEGIN]] : index
// CHECK:           linalg.index 3 : index
// CHECK:           arith.minsi %{{.*}}, %[[W]] : index
// CHECK:           %[[COLS:.*]] = arith.subi
// CHECK:           %[[COUNT:.*]] = arith.muli %[[ROWS]], %[[COLS]] : index
// CHECK:           %[[CI:.*]] = arith.index_cast %[[COUNT]] : index to i64
// CHECK:           %[[CF:.*]] = arith.sitofp %[[CI]] : i64 to f64
// CHECK:           %[[SY:.*]] = arith.constant 6.250000e-02 : f64
// CHECK:           %[[DEN:.*]] = arith.mulf %[[SY]], %[[CF]] : f64
// CHECK:           %[[SX:.*]] = arith.constant 1.000000e-01 : f64
// CHECK:           %[[RATIO:.*]] = arith.divf %[[SX]], %[[DEN]] : f64
// CHECK:           %[[M:.*]] = arith.truncf %[[RATIO]] : f64 to f32
// CHECK:           %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK:           arith.mulf %[[F]], %[[M]] : f32
// LLVM-LABEL: llvm.func @dynamic_pool
func.func @dynamic_pool(%x: tensor<1x3x?x?x!x>) -> tensor<1x3x?x?x!y> {
  %0 = qc.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] : tensor<1x3x?x?x!x> -> tensor<1x3x?x?x!y>
  return %0 : tensor<1x3x?x?x!y>
}
