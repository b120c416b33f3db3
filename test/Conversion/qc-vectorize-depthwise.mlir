// RUN: quant-opt %s -split-input-file -qc-vectorize-depthwise | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-vectorize-depthwise=parallel=false | FileCheck %s --check-prefix=SERIAL

// A depthwise 3x3 convolution with bias and ReLU, 20-pixel output rows: two
// vectors of 16 per row, the second masked.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32:0, {0.01, 0.02}>
!y = !quant.uniform<u8:f32, 0.05>
!b = !quant.uniform<i32:f32:0, {2.0e-4, 4.0e-4}>
// Weights widened to i32, one row per channel; the bias absorbs
// -zx * sum(w): 100 - 7 * 45 = -215, -100 + 7 * 45 = 215.
// CHECK-DAG: memref.global "private" constant @__qc_dwkernel_weights : memref<18xi32> = dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6, -7, -8, -9]> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @__qc_dwkernel_bias : memref<2xi32> = dense<[-215, 215]>
// CHECK-DAG: memref.global "private" constant @__qc_dwkernel_multiplier : memref<2xi32>
// CHECK-DAG: memref.global "private" constant @__qc_dwkernel_shift : memref<2xi64> = dense<[38, 37]>
// double_round with shifts above 31: the rounding term depends on the sign.
// CHECK-DAG: memref.global "private" constant @__qc_dwkernel_round_neg
// CHECK-LABEL: func.func @depthwise
// The padded planes: 5 + 2 rows of 34 bytes (22 padded columns, and room for
// two whole vectors at the last tap), filled with the zero point's byte.
// CHECK:         arith.constant 476 : index
// CHECK:         %[[PAD:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK:         arith.constant dense<7> : vector<64xi8>
// CHECK:         scf.for
// CHECK:           vector.store %{{.*}}, %[[PAD]][%{{.*}}] : memref<?xi8>, vector<64xi8>
// Each input row copied once into its padded place.
// CHECK:         scf.for
// CHECK:           vector.load %{{.*}} : memref<?x2x5x20xi8>, vector<20xi8>
// CHECK:           vector.store %{{.*}}, %[[PAD]][%{{.*}}] : memref<?xi8>, vector<20xi8>
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x2x5x20xi8>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[OUT]]
// One output plane per iteration.
// CHECK:         scf.parallel
// CHECK:           scf.for
// Nine taps, one 16-byte load each, widened and multiplied by the splat weight.
// CHECK-COUNT-9:     vector.load %[[PAD]][%{{.*}}] : memref<?xi8>, vector<16xi8>
// CHECK:             arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK:             arith.muli %{{.*}} : vector<16xi32>
// The requantization in i64 lanes, the sign test, clamp at 0 (ReLU) and 255.
// CHECK:             arith.extsi %{{.*}} : vector<16xi32> to vector<16xi64>
// CHECK:             arith.cmpi sge
// CHECK:             arith.shrsi
// CHECK:             arith.maxsi
// CHECK:             arith.minsi
// CHECK:             arith.trunci %{{.*}} : vector<16xi64> to vector<16xi8>
// CHECK:             vector.create_mask
// CHECK:             vector.maskedstore %[[FLAT]]
// CHECK-NOT:     qc.conv2d
// SERIAL-LABEL: func.func @depthwise
// SERIAL-NOT:    scf.parallel
// SERIAL:        vector.maskedstore
func.func @depthwise(%x: tensor<?x2x5x20x!x>) -> tensor<?x2x5x20x!y> {
  %wc = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]]]> : tensor<2x1x3x3xi8>
  %w = quant.scast %wc : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!w>
  %bc = arith.constant dense<[100, -100]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!b>
  %y = qc.conv2d %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 clamp_min = 0.0
     : tensor<?x2x5x20x!x>, tensor<2x1x3x3x!w>, tensor<2x!b> -> tensor<?x2x5x20x!y>
  return %y : tensor<?x2x5x20x!y>
}

// -----

// Stride 2, signed input, channel multiplier 2 (4 output channels from 2
// input planes): one 32-byte load per tap, a shuffle picks every other byte;
// single_round: one rounding term, no sign test.
!x = !quant.uniform<i8:f32, 0.02:-3>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05>
// CHECK-LABEL: func.func @strided_multiplier
// CHECK:         scf.parallel
// CHECK:           arith.divui %{{.*}}, %c2
// CHECK-COUNT-4:     vector.shuffle %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi8>, vector<32xi8>
// CHECK:             arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK-NOT:         arith.cmpi
// CHECK:             vector.maskedstore
func.func @strided_multiplier(%x: tensor<1x2x8x8x!x>) -> tensor<1x4x4x4x!y> {
  %wc = arith.constant dense<1> : tensor<4x1x2x2xi8>
  %w = quant.scast %wc : tensor<4x1x2x2xi8> to tensor<4x1x2x2x!w>
  %y = qc.conv2d %x, %w strides = [2, 2] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 mode = single_round
     : tensor<1x2x8x8x!x>, tensor<4x1x2x2x!w> -> tensor<1x4x4x4x!y>
  return %y : tensor<1x4x4x4x!y>
}

// -----

// Left to the reference lowering: float_scale, a plain convolution, and a
// grouped one that is not depthwise.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: qc.conv2d
func.func @left_alone(%x: tensor<1x4x6x6x!x>) -> (tensor<1x4x6x6x!y>, tensor<1x4x6x6x!y>, tensor<1x4x6x6x!y>) {
  %wc = arith.constant dense<1> : tensor<4x1x3x3xi8>
  %w = quant.scast %wc : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!w>
  %a = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 4 mode = float_scale
     : tensor<1x4x6x6x!x>, tensor<4x1x3x3x!w> -> tensor<1x4x6x6x!y>
  %pc = arith.constant dense<1> : tensor<4x4x3x3xi8>
  %pw = quant.scast %pc : tensor<4x4x3x3xi8> to tensor<4x4x3x3x!w>
  %b = qc.conv2d %x, %pw strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<1x4x6x6x!x>, tensor<4x4x3x3x!w> -> tensor<1x4x6x6x!y>
  %gc = arith.constant dense<1> : tensor<4x2x3x3xi8>
  %gw = quant.scast %gc : tensor<4x2x3x3xi8> to tensor<4x2x3x3x!w>
  %c = qc.conv2d %x, %gw strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2
     : tensor<1x4x6x6x!x>, tensor<4x2x3x3x!w> -> tensor<1x4x6x6x!y>
  return %a, %b, %c : tensor<1x4x6x6x!y>, tensor<1x4x6x6x!y>, tensor<1x4x6x6x!y>
}
