// RUN: quant-opt %s -split-input-file -qc-dynamic-quantize | FileCheck %s
// RUN: quant-opt %s -split-input-file '-qc-dynamic-quantize=skip=fc2,other' | FileCheck %s --check-prefix=SKIP
// RUN: quant-opt %s -split-input-file '-qc-dynamic-quantize=min-elements=13' | FileCheck %s --check-prefix=MIN
// RUN: quant-opt %s -split-input-file '-qc-dynamic-quantize=per-channel=false' | FileCheck %s --check-prefix=PT

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @linear
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4xf32>)
// min and max of the activation, both starting from 0.
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[MINI:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK:         %[[MAXI:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK:         %[[MM:.*]]:2 = linalg.generic {{{.*}}iterator_types = ["reduction", "reduction"]} ins(%[[X]] : tensor<?x4xf32>) outs(%[[MINI]], %[[MAXI]] : tensor<f32>, tensor<f32>)
// CHECK:           arith.minnumf
// CHECK:           arith.maxnumf
// CHECK:         %[[LO:.*]] = tensor.extract %[[MM]]#0[] : tensor<f32>
// CHECK:         %[[HI:.*]] = tensor.extract %[[MM]]#1[] : tensor<f32>
// Scale: (hi - lo) / 255, 1 for a zero range, at least FLT_MIN.
// CHECK:         %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]] : f32
// CHECK:         %[[C255:.*]] = arith.constant 2.550000e+02 : f32
// CHECK:         %[[S0:.*]] = arith.divf %[[RANGE]], %[[C255]] : f32
// CHECK:         %[[ISZ:.*]] = arith.cmpf oeq, %[[S0]], %[[ZERO]] : f32
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         %[[S1:.*]] = arith.select %[[ISZ]], %[[ONE]], %[[S0]] : f32
// CHECK:         %[[TINY:.*]] = arith.constant 1.17549435E-38 : f32
// CHECK:         %[[S:.*]] = arith.maximumf %[[S1]], %[[TINY]] : f32
// Zero point: clamp(roundeven(-(lo / s)), 0, 255).
// CHECK:         %[[T:.*]] = arith.divf %[[LO]], %[[S]] : f32
// CHECK:         %[[NEG:.*]] = arith.negf %[[T]] : f32
// CHECK:         %[[R:.*]] = math.roundeven %[[NEG]] : f32
// CHECK:         %[[RN:.*]] = arith.cmpf uno, %[[R]], %[[R]] : f32
// CHECK:         %[[R1:.*]] = arith.select %[[RN]], %[[ZERO]], %[[R]] : f32
// CHECK:         %[[R2:.*]] = arith.maximumf %[[R1]], %[[ZERO]] : f32
// CHECK:         %[[R3:.*]] = arith.minimumf %[[R2]], %{{.*}} : f32
// CHECK:         %[[ZP:.*]] = arith.fptosi %[[R3]] : f32 to i32
// Quantize to u8 (i8 storage): x / s, round half to even, NaN -> zp, saturate.
// CHECK:         %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK:         %[[QE:.*]] = tensor.empty(%[[DIM]]) : tensor<?x4xi8>
// CHECK:         %[[Q:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<?x4xf32>) outs(%[[QE]] : tensor<?x4xi8>)
// CHECK:         ^bb0(%[[XI:.*]]: f32, %{{.*}}: i8):
// CHECK:           %[[QD:.*]] = arith.divf %[[XI]], %[[S]] : f32
// CHECK:           %[[QN:.*]] = arith.cmpf uno, %[[QD]], %[[QD]] : f32
// CHECK:           %[[QR:.*]] = math.roundeven %[[QD]] : f32
// CHECK:           %[[QS:.*]] = arith.select %[[QN]], %{{.*}}, %[[QR]] : f32
// CHECK:           %[[QL:.*]] = arith.maximumf %[[QS]], %{{.*}} : f32
// CHECK:           %[[QH:.*]] = arith.minimumf %[[QL]], %{{.*}} : f32
// CHECK:           %[[QI:.*]] = arith.fptosi %[[QH]] : f32 to i32
// CHECK:           %[[QZ:.*]] = arith.addi %[[QI]], %[[ZP]] : i32
// CHECK:           %[[QMAX:.*]] = arith.maxsi %[[QZ]], %{{.*}} : i32
// CHECK:           %[[QMIN:.*]] = arith.minsi %[[QMAX]], %{{.*}} : i32
// CHECK:           %[[Q8:.*]] = arith.trunci %[[QMIN]] : i32 to i8
// CHECK:           linalg.yield %[[Q8]] : i8
// Weights at compile time: per column 0.5/127, 3/127 and (all zero) 1;
// -0.25 / (0.5/127) = -63.5 rounds to -64 (ties to even). Column sums.
// CHECK:         %[[WQ:.*]] = arith.constant dense<{{\[\[}}127, 42, 0], [-64, 85, 0], [32, -127, 0], [0, 21, 0]]> : tensor<4x3xi8>
// CHECK:         %[[CS:.*]] = arith.constant dense<[95, 21, 0]> : tensor<3xi32>
// CHECK:         %[[SW:.*]] = arith.constant dense<[0.00393700786, 0.0236220472, 1.000000e+00]> : tensor<3xf32>
// Integer contraction: u8 zero-extended, i8 sign-extended, i32 sum.
// CHECK:         %[[AE:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xi32>
// CHECK:         %[[AI:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%[[AE]] : tensor<?x3xi32>)
// CHECK:         %[[ACC:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[Q]], %[[WQ]] : tensor<?x4xi8>, tensor<4x3xi8>) outs(%[[AI]] : tensor<?x3xi32>)
// CHECK:         ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %[[C:.*]]: i32):
// CHECK:           %[[A32:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK:           %[[B32:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK:           %[[P:.*]] = arith.muli %[[A32]], %[[B32]] : i32
// CHECK:           %[[SUM:.*]] = arith.addi %[[C]], %[[P]] : i32
// CHECK:           linalg.yield %[[SUM]] : i32
// Epilogue: f32(acc - zp * colsum) * (s * sw).
// CHECK:         %[[YE:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK:         %[[Y:.*]] = linalg.generic {{{.*}}} ins(%[[ACC]], %[[CS]], %[[SW]] : tensor<?x3xi32>, tensor<3xi32>, tensor<3xf32>) outs(%[[YE]] : tensor<?x3xf32>)
// CHECK:         ^bb0(%[[EA:.*]]: i32, %[[EC:.*]]: i32, %[[ES:.*]]: f32, %{{.*}}: f32):
// CHECK:           %[[ZC:.*]] = arith.muli %[[ZP]], %[[EC]] : i32
// CHECK:           %[[D:.*]] = arith.subi %[[EA]], %[[ZC]] : i32
// CHECK:           %[[DF:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK:           %[[CF:.*]] = arith.mulf %[[S]], %[[ES]] : f32
// CHECK:           %[[YV:.*]] = arith.mulf %[[DF]], %[[CF]] : f32
// CHECK:           linalg.yield %[[YV]] : f32
// The bias add stays float and reads the epilogue.
// CHECK:         linalg.generic {{.*}} ins(%[[Y]], %{{.*}} : tensor<?x3xf32>, tensor<3xf32>)
// CHECK:           arith.addf
// CHECK-NOT:     linalg.matmul
// CHECK-NOT:     tensor<4x3xf32>
// CHECK:         return

// SKIP-LABEL: func.func @linear
// SKIP-NOT:     linalg.matmul
// MIN-LABEL: func.func @linear
// MIN:          linalg.matmul {{.*}} tensor<4x3xf32>
// PT-LABEL: func.func @linear
// PT:           arith.constant dense<{{\[\[}}21, 42, 0], [-11, 85, 0], [5, -127, 0], [0, 21, 0]]> : tensor<4x3xi8>
// PT:           arith.constant dense<[15, 21, 0]> : tensor<3xi32>
// PT:           arith.constant dense<0.0236220472> : tensor<3xf32>
func.func @linear(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.5, 1.0, 0.0], [-0.25, 2.0, 0.0], [0.125, -3.0, 0.0], [0.0, 0.5, 0.0]]> : tensor<4x3xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc1")
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<?x3xf32>, tensor<3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Two matmuls reading one activation share its quantization; the one named
// in `skip` stays float; the activation x activation matmul and the
// convolution stay float.
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-1: arith.minnumf
// CHECK-NOT:     arith.minnumf
// CHECK:         arith.constant dense<{{.*}}> : tensor<4x2xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[Q1:.*]], %{{.*}} : tensor<8x4xi8>, tensor<4x2xi8>)
// CHECK:         arith.constant dense<{{.*}}> : tensor<4x2xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[Q1]], %{{.*}} : tensor<8x4xi8>, tensor<4x2xi8>)
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<4x8xf32>)
// CHECK:         linalg.conv_2d_nhwc_hwcf
// SKIP-LABEL: func.func @shared
// SKIP:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x4xi8>, tensor<4x2xi8>)
// SKIP:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<4x2xf32>)
// SKIP-NOT:     tensor<4x2xi8>
// MIN-LABEL: func.func @shared
// MIN-COUNT-2:  linalg.matmul {{.*}} tensor<4x2xf32>
func.func @shared(%x: tensor<8x4xf32>, %y: tensor<4x8xf32>, %img: tensor<1x4x4x1xf32>, %k: tensor<3x3x1x1xf32>) -> (tensor<8x2xf32>, tensor<8x2xf32>, tensor<8x8xf32>, tensor<1x2x2x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, -1.0], [0.5, 0.25], [-2.0, 0.0], [0.0, 1.0]]> : tensor<4x2xf32>
  %w2 = arith.constant dense<[[0.5, 1.0], [1.5, -0.25], [-1.0, 2.0], [0.75, 1.0]]> : tensor<4x2xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x2xf32>) -> tensor<8x2xf32>
  %a = linalg.matmul ins(%x, %w1 : tensor<8x4xf32>, tensor<4x2xf32>) outs(%f : tensor<8x2xf32>) -> tensor<8x2xf32> loc("fc1")
  %b = linalg.matmul ins(%x, %w2 : tensor<8x4xf32>, tensor<4x2xf32>) outs(%f : tensor<8x2xf32>) -> tensor<8x2xf32> loc("fc2")
  %e2 = tensor.empty() : tensor<8x8xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x8xf32>) -> tensor<8x8xf32>
  %c = linalg.matmul ins(%x, %y : tensor<8x4xf32>, tensor<4x8xf32>) outs(%f2 : tensor<8x8xf32>) -> tensor<8x8xf32>
  %e3 = tensor.empty() : tensor<1x2x2x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %kc = arith.constant dense<0.5> : tensor<3x3x1x1xf32>
  %d = linalg.conv_2d_nhwc_hwcf ins(%img, %kc : tensor<1x4x4x1xf32>, tensor<3x3x1x1xf32>) outs(%f3 : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %a, %b, %c, %d : tensor<8x2xf32>, tensor<8x2xf32>, tensor<8x8xf32>, tensor<1x2x2x1xf32>
}

// -----

// An accumulator that is not a zero fill is added in the epilogue.
// CHECK-LABEL: func.func @accumulate
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[INIT:.*]]: tensor<2x2xf32>)
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %[[INIT]] : tensor<2x2xi32>, tensor<2xi32>, tensor<2xf32>, tensor<2x2xf32>)
// CHECK:         ^bb0(%{{.*}}: i32, %{{.*}}: i32, %{{.*}}: f32, %[[I:.*]]: f32, %{{.*}}: f32):
// CHECK:           arith.mulf
// CHECK:           %[[P:.*]] = arith.mulf
// CHECK:           %[[SUM:.*]] = arith.addf %[[I]], %[[P]] : f32
// CHECK:           linalg.yield %[[SUM]] : f32
// CHECK-NOT:     linalg.matmul
func.func @accumulate(%x: tensor<2x3xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
