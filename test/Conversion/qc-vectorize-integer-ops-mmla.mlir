// qc-vectorize-integer-ops{isa=neon-i8mm}: fully connected layers and
// convolutions become the i8mm matrix-multiply kernels (qc.mmla_u8s8,
// usmmla), chosen by the option or, with isa=auto (the default), by the cpu
// option or the module's qc.target; other instruction sets keep the
// dot-product kernels.
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=neon-i8mm -canonicalize | FileCheck %s
// RUN: quant-opt %s -split-input-file "-qc-vectorize-integer-ops=isa=neon-i8mm parallel=false" -canonicalize | FileCheck %s --check-prefix=SERIAL
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops | FileCheck %s --check-prefix=DEFAULT
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=cpu=neoverse-v1 | FileCheck %s --check-prefix=PICK-I8MM
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=cpu=cortex-a76 | FileCheck %s --check-prefix=PICK-DOT
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=avx512-vnni | FileCheck %s --check-prefix=PICK-DOT
// The kernel lowered all the way, with usmmla and portably.
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=neon-i8mm -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm=dot-isa=neon-i8mm | FileCheck %s --check-prefix=LLVM
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=neon-i8mm -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm=dot-isa=generic | FileCheck %s --check-prefix=PORTABLE
// RUN: not quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=sve 2>&1 | FileCheck %s --check-prefix=ISA
// RUN: not quant-opt %s -split-input-file "-qc-vectorize-integer-ops=isa=neon-i8mm cpu=neoverse-v1" 2>&1 | FileCheck %s --check-prefix=BOTH

// ISA: qc-vectorize-integer-ops: unknown isa 'sve' (expected auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic)
// BOTH: qc-vectorize-integer-ops: give isa or cpu, not both (isa 'neon-i8mm', cpu 'neoverse-v1')

// PICK-I8MM-LABEL: func.func @fc
// PICK-I8MM:         qc.mmla_u8s8
// PICK-I8MM-NOT:     qc.dot_u8s8
// PICK-DOT-LABEL:  func.func @fc
// PICK-DOT:          qc.dot_u8s8
// PICK-DOT-NOT:      qc.mmla_u8s8

// LLVM-LABEL: llvm.func @fc
// LLVM-NOT:     qc.
// LLVM:         omp.parallel
// LLVM:         llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"
// PORTABLE-LABEL: llvm.func @fc
// PORTABLE-NOT:   llvm.call_intrinsic
// PORTABLE-NOT:   qc.
// PORTABLE:       llvm.return

// Fully connected, i8 activations (zero point -3, packed as bytes xor 0x80),
// K = 5 padded to 8, N = 3 in one column tile of 16, dynamic M.
!x = !quant.uniform<i8:f32, 0.1:-3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03}>
!b = !quant.uniform<i32:f32:0, {0.001, 0.002, 0.003}>
!y = !quant.uniform<u8:f32, 0.05:10>
// Weights packed [N/16][K/8][8][2][8]: vector 0 holds channels 0 and 1
// (k = 0..4, then three zero bytes each), vector 1 channel 2 and the zero
// channel 3; vectors 2..7 are the zero channels 4..15.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_weights : memref<128xi8> = dense<"0x0102030405000000FFFEFDFCFB0000007F810001FF00000000000000000000000{{0+}}"> {alignment = 64 : i64}
// The bias absorbs -(zx + 128) * sum_k w: 100 - 125 * 15, -200 + 125 * 15,
// as in the dot-product kernel.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_bias : memref<16xi32> = dense<[-1775, 1675, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_multiplier : memref<16xi32>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_shift : memref<16xi64>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_round_pos : memref<16xi64>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_round_neg : memref<16xi64>
// CHECK-LABEL: func.func @fc
// CHECK-DAG:     %[[FLIP:.*]] = arith.constant dense<-128> : vector<8xi8>
// CHECK-DAG:     %[[ZERO8:.*]] = arith.constant dense<0> : vector<8xi8>
// CHECK-DAG:     %[[TAIL:.*]] = arith.constant dense<[true, true, true, true, true, false, false, false]> : vector<8xi1>
// CHECK-DAG:     %[[W:.*]] = memref.get_global @__qc_ukernel_mmla_weights
// CHECK:         %[[X:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?x5xi8> to memref<?x5xi8>
// CHECK:         %[[M:.*]] = tensor.dim
// 16 bytes per pair of rows and K step: ceil(M / 2) * 16 bytes.
// CHECK:         %[[PAIRS:.*]] = arith.divui %{{.*}}, %c2
// CHECK:         %[[SIZE:.*]] = arith.muli %[[PAIRS]], %c16
// CHECK:         %[[PACK:.*]] = memref.alloc(%[[SIZE]]) {alignment = 64 : i64} : memref<?xi8>
// Row m goes to (m / 2) * 16 + (m % 2) * 8: the K tail through a masked
// load whose other lanes read 0x80 (0 after the xor).
// CHECK:         scf.for %[[ROW:.*]] = %c0 to %[[M]] step %c1 {
// CHECK:           %[[V:.*]] = vector.maskedload %[[X]][%[[ROW]], %c0], %[[TAIL]], %[[FLIP]]
// CHECK:           %[[U:.*]] = arith.xori %[[V]], %[[FLIP]] : vector<8xi8>
// CHECK:           vector.store %[[U]], %[[PACK]][%{{.*}}] : memref<?xi8>, vector<8xi8>
// CHECK:         }
// The padding row of an odd M is zero.
// CHECK:         scf.if
// CHECK:           vector.store %[[ZERO8]], %[[PACK]]
// CHECK:         %[[OUT:.*]] = memref.alloc(%[[M]]) {alignment = 64 : i64} : memref<?x3xi8>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[OUT]]
// Full tiles of 4 rows in parallel: 2 activation vectors, 8 weight vectors
// and 16 blocks (the single K step is unrolled by -canonicalize).
// CHECK:         scf.parallel (%[[M0:.*]]) = (%c0) to (%{{.*}}) step (%c4) {
// CHECK-COUNT-8:   vector.load %[[W]][%{{.*}}] : memref<128xi8>, vector<16xi8>
// CHECK:           vector.load %[[PACK]][%{{.*}}] : memref<?xi8>, vector<16xi8>
// CHECK-COUNT-8:   qc.mmla_u8s8 %{{.*}} : vector<16xi8> -> vector<4xi32>
// CHECK:           vector.load %[[PACK]][%{{.*}}] : memref<?xi8>, vector<16xi8>
// CHECK-COUNT-8:   qc.mmla_u8s8 %{{.*}} : vector<16xi8> -> vector<4xi32>
// CHECK-NOT:       qc.mmla_u8s8
// Rows of 16 channels from the blocks: lanes 0, 1 (even row) or 2, 3 (odd
// row) of every block, then the epilogue and a masked store (N = 3).
// CHECK:           %[[E0:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 4, 5] : vector<4xi32>, vector<4xi32>
// CHECK-COUNT-3:   vector.shuffle %{{.*}}, %{{.*}} [0, 1, 4, 5] : vector<4xi32>, vector<4xi32>
// CHECK:           vector.shuffle %[[E0]], %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xi32>, vector<4xi32>
// CHECK:           %[[ROW0:.*]] = vector.shuffle %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xi32>, vector<8xi32>
// CHECK:           %[[ACC0:.*]] = arith.addi %[[ROW0]], %{{.*}} : vector<16xi32>
// The dot-product kernels' epilogue (requantizeLanes), here its even/odd
// form: every shift >= 32, 8-bit results, positive multipliers.
// CHECK:           %[[D:.*]] = vector.bitcast %[[ACC0]] : vector<16xi32> to vector<8xi64>
// CHECK:           arith.muli %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK:           arith.shrsi
// CHECK:           vector.shuffle %{{.*}}, %{{.*}} [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31] : vector<16xi32>, vector<16xi32>
// CHECK:           %[[R0:.*]] = arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:           vector.maskedstore %[[FLAT]][%{{.*}}], %{{.*}}, %[[R0]]
// CHECK:           vector.shuffle %{{.*}}, %{{.*}} [2, 3, 6, 7] : vector<4xi32>, vector<4xi32>
// CHECK-COUNT-3:   vector.maskedstore %[[FLAT]]
// CHECK:           scf.reduce
// The pairs left over (threads split their column tiles too; here one
// column tile, which -canonicalize folds): 8 blocks, and the odd row stored
// only inside M (else with an empty mask at the even row's address).
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%c1) {
// CHECK:           %[[IN:.*]] = arith.cmpi ult, %[[ODD:.*]], %[[M]] : index
// CHECK-COUNT-8:   qc.mmla_u8s8
// CHECK-NOT:       qc.mmla_u8s8
// CHECK:           vector.maskedstore %[[FLAT]]
// CHECK:           arith.select %[[IN]], %{{.*}}, %{{.*}} : index
// CHECK:           %[[LEFT:.*]] = arith.select %[[IN]], %c3, %c0 : index
// CHECK:           %[[MASK:.*]] = vector.create_mask %[[LEFT]] : vector<16xi1>
// CHECK:           vector.maskedstore %[[FLAT]][%{{.*}}], %[[MASK]]
// CHECK-NOT:       scf.if
// CHECK:         %[[T:.*]] = bufferization.to_tensor %[[OUT]]
// CHECK:         quant.scast %[[T]]
// SERIAL-LABEL: func.func @fc
// SERIAL-NOT:     scf.parallel
// SERIAL-COUNT-16: qc.mmla_u8s8
// SERIAL-COUNT-8: qc.mmla_u8s8
// SERIAL-NOT:     scf.parallel
func.func @fc(%x: tensor<?x5x!x>) -> tensor<?x3x!y> {
  %w = arith.constant dense<[[1, 2, 3, 4, 5], [-1, -2, -3, -4, -5], [127, -127, 0, 1, -1]]> : tensor<3x5xi8>
  %qw = quant.scast %w : tensor<3x5xi8> to tensor<3x5x!w>
  %b = arith.constant dense<[100, -200, 300]> : tensor<3xi32>
  %qb = quant.scast %b : tensor<3xi32> to tensor<3x!b>
  %y = qc.fully_connected %x, %qw, %qb : tensor<?x5x!x>, tensor<3x5x!w>, tensor<3x!b> -> tensor<?x3x!y>
  return %y : tensor<?x3x!y>
}

// -----

// u8 activations (no xor), K = 10 in two K steps, N = 18 in two column
// tiles, M = 8 static: whole tiles only, no leftover pairs.
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05:-2>
// K step 0 of channels 0 and 1, seven zero vectors (channels 2..15), K step
// 1 of channels 0 and 1.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_weights : memref<512xi8> = dense<"0x0102030405060708FFFEFDFCFBFAF9F8{{(00)+}}090A000000000000F7F6000000000000{{0+}}">
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_bias : memref<32xi32> = dense<[-165, 165, 0,
// CHECK-LABEL: func.func @fc_u8
// CHECK-NOT:     arith.xori
// CHECK:         %[[PACK:.*]] = memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK:         scf.for
// CHECK:           vector.load %{{.*}} : memref<8x10xi8>, vector<8xi8>
// CHECK:           vector.maskedload
// CHECK:         }
// CHECK-NOT:     scf.if
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c32 step %c16 {
// CHECK:             scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args({{.*}}) -> (vector<4xi32>,
// CHECK-COUNT-16:      qc.mmla_u8s8
// CHECK:               scf.yield
// The even/odd form of the epilogue (every shift >= 32), then a masked
// store for the second column tile's 2 channels.
// CHECK:             vector.shuffle %{{.*}}, %{{.*}} [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31]
// CHECK:             vector.create_mask
// CHECK:             vector.maskedstore
// CHECK:         scf.reduce
// CHECK-NOT:     scf.parallel
// CHECK:         bufferization.to_tensor
func.func @fc_u8(%x: tensor<8x10x!x>) -> tensor<8x18x!y> {
  %w = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]> : tensor<18x10xi8>
  %qw = quant.scast %w : tensor<18x10xi8> to tensor<18x10x!w>
  %y = qc.fully_connected %x, %qw : tensor<8x10x!x>, tensor<18x10x!w> -> tensor<8x18x!y>
  return %y : tensor<8x18x!y>
}

// -----

// Convolution, i8 input (pad byte (zx + 128) mod 256 = 125), C = 8 (one
// 8-byte group per tap), 3 x 3 taps, F = 3, rows of 6 pixels (a masked
// tail of the 8-pixel block packing).
!x = !quant.uniform<i8:f32, 0.1:-3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05:2>
// K step t (tap t): vector 0 holds channels 0 and 1 (8 input channels
// each), vector 1 channel 2 and a zero channel; 9 steps of 8 vectors.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_weights : memref<1152xi8> = dense<"0x01010101010101010101010101010101010101010101010100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000101010101010101010101010101010101010101010101010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
// The bias absorbs -125 * 72.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_mmla_bias : memref<16xi32> = dense<[-9000, -9000, -9000, 0,
// CHECK-LABEL: func.func @conv
// CHECK-DAG:     %[[FILL:.*]] = arith.constant dense<125> : vector<8xi8>
// CHECK-DAG:     %[[TAIL:.*]] = arith.constant dense<[true, true, true, true, true, true, false, false]> : vector<8xi1>
// CHECK-DAG:     %[[OFFS:.*]] = arith.constant dense<[0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360, 390, 420, 450]> : vector<16xindex>
// The packing writes all 8 channel bytes of the interior pixels, so only
// the border of the 7 x 8 padded images gets the zero point's byte, one
// 8-byte store per pixel: the top row, the left and right pixels of the
// interior rows, the bottom row (image by image, in parallel with more
// than one image).
// CHECK:         %[[PACK:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK-NOT:     vector<64xi8>
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK:             vector.store %[[FILL]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c1 to %c6 step %c1
// CHECK:             vector.store %[[FILL]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c1 to %c6 step %c1
// CHECK:             vector.store %[[FILL]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK:             vector.store %[[FILL]], %[[PACK]]
// CHECK:         } else {
// 8 channel rows of a pixel block (here the 6-pixel tail), xor 0x80, one
// byte transpose, one 8-byte store per pixel.
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK-COUNT-8:     vector.maskedload %{{.*}}, %[[TAIL]]
// CHECK:             %[[ALL:.*]] = vector.shuffle %{{.*}} : vector<32xi8>, vector<32xi8>
// CHECK:             %[[P0:.*]] = vector.shuffle %[[ALL]], %[[ALL]] [0, 8, 16, 24, 32, 40, 48, 56] : vector<64xi8>, vector<64xi8>
// CHECK:             vector.store %[[P0]], %[[PACK]]
// CHECK-COUNT-5:     vector.store %{{.*}}, %[[PACK]]{{.*}} : memref<?xi8>, vector<8xi8>
// CHECK-NOT:         vector.store
// The K loops over the taps (kh, kw; the single channel group folded):
// per pair two 8-byte pixel loads joined into the usmmla operand.
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(
// CHECK:             scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(
// CHECK-COUNT-8:       vector.load %{{.*}} : memref<1152xi8>, vector<16xi8>
// CHECK:               %[[LO:.*]] = vector.load %[[PACK]][%{{.*}}] : memref<?xi8>, vector<8xi8>
// CHECK:               %[[HI:.*]] = vector.load %[[PACK]][%{{.*}}] : memref<?xi8>, vector<8xi8>
// CHECK:               %[[A:.*]] = vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// CHECK-COUNT-8:       qc.mmla_u8s8 %{{.*}}, %[[A]], %{{.*}}
// CHECK:               vector.load %[[PACK]]
// CHECK:               vector.load %[[PACK]]
// CHECK-COUNT-8:       qc.mmla_u8s8
// CHECK:               scf.yield
// NCHW results: 16 channels of a pixel scattered plane by plane, the
// channel tail masked.
// CHECK:           vector.scatter %{{.*}}[%{{.*}}] [%[[OFFS]]], %{{.*}}, %{{.*}} : memref<?xi8>, vector<16xindex>, vector<16xi1>, vector<16xi8>
// CHECK-NOT:     qc.dot_u8s8
func.func @conv(%x: tensor<?x8x5x6x!x>) -> tensor<?x3x5x6x!y> {
  %w = arith.constant dense<1> : tensor<3x8x3x3xi8>
  %qw = quant.scast %w : tensor<3x8x3x3xi8> to tensor<3x8x3x3x!w>
  %y = qc.conv2d %x, %qw strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x8x5x6x!x>, tensor<3x8x3x3x!w> -> tensor<?x3x5x6x!y>
  return %y : tensor<?x3x5x6x!y>
}

// -----

// Convolution with planes of a multiple of 4 pixels (4 x 4), 16 output
// channels and 8-bit results: each full tile's 4 x 16 result bytes are
// transposed with one shuffle and stored as 4 consecutive pixels per
// channel; with a static batch there are no leftover pairs and no scatter.
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05:-1>
// CHECK-LABEL: func.func @conv_tile_store
// CHECK:         scf.parallel
// CHECK-COUNT-16:  qc.mmla_u8s8
// CHECK:           %[[T:.*]] = vector.shuffle %[[ALL:.*]], %[[ALL]] [0, 16, 32, 48, 1, 17, 33, 49, 2, 18, 34, 50,
// CHECK:           %[[P0:.*]] = vector.extract_strided_slice %[[T]] {offsets = [0], sizes = [4], strides = [1]} : vector<64xi8> to vector<4xi8>
// CHECK:           vector.store %[[P0]], %{{.*}}[%{{.*}}] : memref<512xi8>, vector<4xi8>
// CHECK-COUNT-15:  vector.store %{{.*}} : memref<512xi8>, vector<4xi8>
// CHECK-NOT:     vector.scatter
// CHECK:         bufferization.to_tensor
func.func @conv_tile_store(%x: tensor<2x8x4x4x!x>) -> tensor<2x16x4x4x!y> {
  %w = arith.constant dense<2> : tensor<16x8x3x3xi8>
  %qw = quant.scast %w : tensor<16x8x3x3xi8> to tensor<16x8x3x3x!w>
  %y = qc.conv2d %x, %qw strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<2x8x4x4x!x>, tensor<16x8x3x3x!w> -> tensor<2x16x4x4x!y>
  return %y : tensor<2x16x4x4x!y>
}

// -----

// The module's target chooses the kernel when isa is auto: neoverse-v1 has
// i8mm, cortex-a76 only dotprod.
// DEFAULT-LABEL: func.func @target_i8mm
// DEFAULT:         qc.mmla_u8s8
// DEFAULT-NOT:     qc.dot_u8s8
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05:2>
module attributes {qc.target = "neoverse-v1"} {
  func.func @target_i8mm(%x: tensor<4x8x!x>) -> tensor<4x16x!y> {
    %w = arith.constant dense<3> : tensor<16x8xi8>
    %qw = quant.scast %w : tensor<16x8xi8> to tensor<16x8x!w>
    %y = qc.fully_connected %x, %qw : tensor<4x8x!x>, tensor<16x8x!w> -> tensor<4x16x!y>
    return %y : tensor<4x16x!y>
  }
}

// -----

// DEFAULT-LABEL: func.func @target_dotprod
// DEFAULT:         qc.dot_u8s8
// DEFAULT-NOT:     qc.mmla_u8s8
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05:2>
module attributes {qc.target = "cortex-a76"} {
  func.func @target_dotprod(%x: tensor<4x8x!x>) -> tensor<4x16x!y> {
    %w = arith.constant dense<3> : tensor<16x8xi8>
    %qw = quant.scast %w : tensor<16x8xi8> to tensor<16x8x!w>
    %y = qc.fully_connected %x, %qw : tensor<4x8x!x>, tensor<16x8x!w> -> tensor<4x16x!y>
    return %y : tensor<4x16x!y>
  }
}

// -----

// Ops the kernel does not take stay for the reference lowering.
// CHECK-LABEL: func.func @float_scale
// CHECK:         qc.fully_connected
// CHECK-NOT:     qc.mmla_u8s8
!x = !quant.uniform<u8:f32, 0.1:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05:2>
func.func @float_scale(%x: tensor<4x8x!x>) -> tensor<4x16x!y> {
  %w = arith.constant dense<3> : tensor<16x8xi8>
  %qw = quant.scast %w : tensor<16x8xi8> to tensor<16x8x!w>
  %y = qc.fully_connected %x, %qw mode = float_scale : tensor<4x8x!x>, tensor<16x8x!w> -> tensor<4x16x!y>
  return %y : tensor<4x16x!y>
}
