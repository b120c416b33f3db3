// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops -canonicalize | FileCheck %s
// The kernels go all the way down with the rest of the pipeline; on hosts
// without AVX-512 VNNI the dot products take the portable path.
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: not quant-opt %s -split-input-file -qc-vectorize-integer-ops=isa=sse2 2>&1 | FileCheck %s --check-prefix=ISA
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops=parallel=false -canonicalize | FileCheck %s --check-prefix=SERIAL

// ISA: qc-vectorize-integer-ops: unknown isa 'sse2' (expected auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic)

// LLVM-NOT: qc.
// LLVM-NOT: quant.
// LLVM: omp.parallel
// LLVM: omp.wsloop

// Lowered for one thread (openmp=false, what quant-runner --num-threads 1
// does): the same kernels, their parallel loops sequential, no OpenMP.
// RUN: quant-opt %s -split-input-file -qc-vectorize-integer-ops -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm=openmp=false | FileCheck %s --check-prefix=NOOMP
// NOOMP-NOT: omp.
// NOOMP: llvm.func @fc(
// NOOMP-NOT: omp.
// NOOMP: llvm.cond_br
// NOOMP-NOT: omp.

// SERIAL-NOT: scf.parallel
// SERIAL: qc.dot_u8s8
// SERIAL-NOT: scf.parallel

// Fully connected, i8 activations (zero point -3, read as bytes xor 0x80),
// K = 5 padded to 8, N = 3 in one 16-lane column tile.
!x = !quant.uniform<i8:f32, 0.1:-3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03}>
!b = !quant.uniform<i32:f32:0, {0.001, 0.002, 0.003}>
!y = !quant.uniform<u8:f32, 0.05:10>
// Weights packed [N/16][K/4][16][4]: group 0 holds k = 0..3 of each channel,
// group 1 k = 4 and three zero bytes.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_weights : memref<128xi8> = dense<"0x01020304FFFEFDFC7F81000100000000{{0+}}05000000FB000000FF000000{{0+}}"> {alignment = 64 : i64}
// The bias absorbs -(zx + 128) * sum_k w: 100 - 125 * 15, -200 + 125 * 15.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_bias : memref<16xi32> = dense<[-1775, 1675, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_multiplier : memref<16xi32>
// Shifts 36, 35, 35 (the padding copies the last channel's), each block of
// 16 channels stored as its 8 even channels, then its 8 odd ones less 32.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_shift : memref<16xi64> = dense<[36, 35, 35, 35, 35, 35, 35, 35, 3, 3, 3, 3, 3, 3, 3, 3]>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_round_pos : memref<16xi64>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_round_neg : memref<16xi64>
// CHECK-LABEL: func.func @fc
// CHECK:         %[[XS:.*]] = quant.scast %{{.*}} : tensor<?x5x!quant.uniform<i8{{.*}}>> to tensor<?x5xi8>
// CHECK:         %[[PACK:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK:         scf.for
// CHECK:           arith.xori %{{.*}}, %c-128_i8 : i8
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x3xi8>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[OUT]]
// Full tiles of 16 rows (one 16-lane column vector: 16 accumulators), in
// parallel.
// Every row of a tile is addressed from the first one's base (rows of
// Kp = 8 bytes). The two 4-byte groups of K are unrolled (no loop): 16 dot
// products each.
// CHECK:         scf.parallel (%[[M0:.*]]) = (%c0) to (%{{.*}}) step (%c16)
// CHECK:           %[[BASE:.*]] = arith.muli %[[M0]], %c8 : index
// CHECK:           arith.addi %[[BASE]], %c8 : index
// CHECK-NOT:       scf.for
// CHECK:           vector.load %{{.*}} : memref<128xi8>, vector<64xi8>
// CHECK:           vector.load %[[PACK]][%{{.*}}] : memref<?xi8>, vector<4xi8>
// CHECK:           vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK:           qc.dot_u8s8 %{{.*}}, %{{.*}}, %{{.*}} : vector<64xi8> -> vector<16xi32>
// CHECK-COUNT-15:  qc.dot_u8s8
// CHECK:           vector.load %{{.*}} : memref<128xi8>, vector<64xi8>
// CHECK-COUNT-16:  qc.dot_u8s8
// Epilogue: bias, the i64 multiply/round/shift of qc.requantize (the
// rounding term picked by the sign: double_round with shifts above 31) on
// the even and the odd i32 lanes as i64 lanes of the same register (every
// shift >= 32, positive multipliers), one blend, then clamp (ReLU and u8,
// less the zero point) and zero point in i32, narrowing, masked store of
// the 3 valid lanes.
// CHECK:           vector.{{create|constant}}_mask {{.*}} : vector<16xi1>
// CHECK:           %[[ACC:.*]] = arith.addi %{{.*}} : vector<16xi32>
// CHECK:           %[[X:.*]] = vector.bitcast %[[ACC]] : vector<16xi32> to vector<8xi64>
// CHECK:           %[[HI:.*]] = arith.shli %[[X]], %[[C32:.*]] : vector<8xi64>
// CHECK:           %[[EVEN:.*]] = arith.shrsi %[[HI]], %[[C32]] : vector<8xi64>
// CHECK:           %[[ODD:.*]] = arith.shrsi %[[X]], %[[C32]] : vector<8xi64>
// CHECK:           %[[PE:.*]] = arith.muli %[[EVEN]], %{{.*}} : vector<8xi64>
// CHECK:           arith.cmpi sge, %[[PE]]
// CHECK:           arith.select
// CHECK:           arith.shrsi
// CHECK:           %[[PO:.*]] = arith.muli %[[ODD]], %{{.*}} : vector<8xi64>
// CHECK:           arith.cmpi sge, %[[PO]]
// CHECK:           arith.select
// CHECK:           arith.shrsi
// CHECK:           vector.shuffle %{{.*}}, %{{.*}} [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31] : vector<16xi32>, vector<16xi32>
// CHECK:           arith.maxsi %{{.*}} : vector<16xi32>
// CHECK:           arith.minsi %{{.*}} : vector<16xi32>
// CHECK:           arith.addi %{{.*}} : vector<16xi32>
// CHECK:           arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK:           vector.maskedstore %[[FLAT]]
// Remainder rows one at a time, in parallel with their column tiles (here
// one, so the loop is 1-D once canonicalized).
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%c1)
// CHECK-COUNT-2:   qc.dot_u8s8
// CHECK-NOT:       qc.dot_u8s8
// CHECK:           vector.maskedstore %[[FLAT]]
// CHECK:         %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK:         %[[R:.*]] = quant.scast %[[T]] : tensor<?x3xi8> to tensor<?x3x!quant.uniform<u8
// CHECK:         return %[[R]]
func.func @fc(%x: tensor<?x5x!x>) -> tensor<?x3x!y> {
  %wc = arith.constant dense<[[1, 2, 3, 4, 5], [-1, -2, -3, -4, -5], [127, -127, 0, 1, -1]]> : tensor<3x5xi8>
  %w = quant.scast %wc : tensor<3x5xi8> to tensor<3x5x!w>
  %bc = arith.constant dense<[100, -200, 300]> : tensor<3xi32>
  %b = quant.scast %bc : tensor<3xi32> to tensor<3x!b>
  %y = qc.fully_connected %x, %w, %b clamp_min = 0.0 : tensor<?x5x!x>, tensor<3x5x!w>, tensor<3x!b> -> tensor<?x3x!y>
  return %y : tensor<?x3x!y>
}

// -----

// N = 40 > 16: two 16-lane vectors per tile, 8 rows, N padded to 64. u8
// rows of a multiple of 4 bytes are read in place: no packing copy.
!x = !quant.uniform<u8:f32, 0.1:0>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05>
// CHECK-LABEL: func.func @fc_wide
// CHECK:         %[[XB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<19x64xi8> to memref<19x64xi8>
// CHECK:         %[[ROWS:.*]] = memref.collapse_shape %[[XB]] {{\[\[}}0, 1]] : memref<19x64xi8> into memref<1216xi8>
// CHECK-NOT:     memref.alloc{{.*}}xi8>
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<19x40xi8>
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c16) step (%c8)
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK:             scf.for {{.*}} -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK:               vector.load %[[ROWS]]
// CHECK-COUNT-16:      qc.dot_u8s8
// CHECK-NOT:           arith.xori
// The 3 rows left: (row, column tile) pairs in parallel.
// CHECK:         scf.parallel (%{{.*}}, %{{.*}}) = (%c16, %c0) to (%c19, %c64) step (%c1, %c32)
// CHECK-COUNT-2:   qc.dot_u8s8
func.func @fc_wide(%x: tensor<19x64x!x>) -> tensor<19x40x!y> {
  %wc = arith.constant dense<3> : tensor<40x64xi8>
  %w = quant.scast %wc : tensor<40x64xi8> to tensor<40x64x!w>
  %y = qc.fully_connected %x, %w : tensor<19x64x!x>, tensor<40x64x!w> -> tensor<19x40x!y>
  return %y : tensor<19x40x!y>
}

// -----

// Convolution: NCHW -> NHWC bytes padded with the zero point (7), C = 3
// padded to 4, K = 3*3*4; rows are output pixels, results scattered into
// the NCHW output planes. 5 x 5 planes: per image one tile of 16 pixels
// (in parallel over images and tiles), then the other 9 one at a time.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>
!y = !quant.uniform<i8:f32, 0.05:-2>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_weights : memref<576xi8>
// The bias is -7 * sum(w) = -7 * 27.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_bias : memref<16xi32> = dense<[-189, -189, 0,
// CHECK-LABEL: func.func @conv
// The channel tail (C = 3 of 4) is padding too, so every pixel of the
// 11 x 11 padded images gets the zero point's 4 bytes, then the packing
// overwrites the interior's first 3.
// CHECK:         %[[PACK:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%{{.*}}) step (%c1)
// CHECK:           scf.for %{{.*}} = %c0 to %c11 step %c1
// CHECK:             scf.for %{{.*}} = %c0 to %c11 step %c1
// CHECK:               vector.store %{{.*}}, %[[PACK]][%{{.*}}] : memref<?xi8>, vector<4xi8>
// CHECK:           memref.store %{{.*}}, %[[PACK]]
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x2x5x5xi8>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[OUT]]
// (The tile dimension, one iteration, is folded away.)
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%{{.*}}) step (%c1)
// Taps (3 x 3); the one channel group of each tap is not a loop.
// CHECK:           scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK:             scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK-NOT:           scf.for
// CHECK-COUNT-16:      qc.dot_u8s8
// single_round: one rounding term whatever the sign, no select.
// CHECK-NOT:       arith.cmpi sge
// CHECK:           vector.scatter %[[FLAT]]
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK:           scf.for %{{.*}} = %c16 to %c25 step %c1
// CHECK:             qc.dot_u8s8
// CHECK-NOT:         qc.dot_u8s8
// CHECK:             vector.scatter %[[FLAT]]
func.func @conv(%x: tensor<?x3x9x9x!x>) -> tensor<?x2x5x5x!y> {
  %wc = arith.constant dense<1> : tensor<2x3x3x3xi8>
  %w = quant.scast %wc : tensor<2x3x3x3xi8> to tensor<2x3x3x3x!w>
  %y = qc.conv2d %x, %w strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 mode = single_round
     : tensor<?x3x9x9x!x>, tensor<2x3x3x3x!w> -> tensor<?x2x5x5x!y>
  return %y : tensor<?x2x5x5x!y>
}

// -----

// 16 channels, W = 8, 8 x 8 output planes: the input is transposed 16
// channels x 8 pixels at a time; each tile of 16 pixels goes back as two
// transposed halves of 8 pixels, stored as 8 consecutive bytes per channel.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
// The packing writes all 16 channel bytes of the 8 x 8 interior pixels, so
// only the border of the 10 x 10 padded images is filled with the zero
// point's byte (7), one 16-byte store per pixel: the top row, the left and
// right pixels of the interior rows, the bottom row; then the interior is
// packed, image by image in parallel.
// CHECK-LABEL: func.func @conv_vector_pack
// CHECK:         %[[ZP:.*]] = arith.constant dense<7> : vector<16xi8>
// CHECK:         %[[PACK:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK-NOT:     vector<64xi8>
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%{{.*}}) step (%c1)
// CHECK:           scf.for %{{.*}} = %c0 to %c10 step %c1
// CHECK:             vector.store %[[ZP]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c1 to %c9 step %c1
// CHECK:             vector.store %[[ZP]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c1 to %c9 step %c1
// CHECK:             vector.store %[[ZP]], %[[PACK]]
// CHECK:           scf.for %{{.*}} = %c0 to %c10 step %c1
// CHECK:             vector.store %[[ZP]], %[[PACK]]
// CHECK:           vector.load %{{.*}} : memref<?x16x8x8xi8>, vector<8xi8>
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
// CHECK:         vector.store %{{.*}} : memref<?xi8>, vector<16xi8>
// CHECK:         qc.dot_u8s8
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
// CHECK-COUNT-16: vector.store %{{.*}} : memref<?xi8>, vector<8xi8>
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
// CHECK-COUNT-16: vector.store %{{.*}} : memref<?xi8>, vector<8xi8>
// CHECK-NOT:     vector.scatter
func.func @conv_vector_pack(%x: tensor<?x16x8x8x!x>) -> tensor<?x16x8x8x!y> {
  %wc = arith.constant dense<1> : tensor<16x16x3x3xi8>
  %w = quant.scast %wc : tensor<16x16x3x3xi8> to tensor<16x16x3x3x!w>
  %y = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!x>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!y>
  return %y : tensor<?x16x8x8x!y>
}

// -----

// int4 weights: two per byte, offset by 8; each 64-byte weight vector is
// loaded as 32 bytes and unpacked with and/shift/subtract.
!x = !quant.uniform<u8:f32, 0.1:0>
!w = !quant.uniform<i4<-7:7>:f32, 0.1>
!y = !quant.uniform<i8:f32, 0.05>
// Byte u = (w[u] + 8) | (w[u + 32] + 8) << 4; w[0..7] = 1 -7 7 0 -1 2 3 4,
// the rest 0: 0x89 0x81 0x8F 0x88 0x87 0x8A 0x8B 0x8C, then 0x88.
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_weights : memref<32xi8> = dense<[-119, -127, -113, -120, -121, -118, -117, -116, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120]>
// CHECK-LABEL: func.func @fc_int4
// CHECK:         %[[V:.*]] = vector.load %{{.*}} : memref<32xi8>, vector<32xi8>
// CHECK:         %[[LO:.*]] = arith.andi %[[V]], %{{.*}} : vector<32xi8>
// CHECK:         %[[LO8:.*]] = arith.subi %[[LO]], %{{.*}} : vector<32xi8>
// CHECK:         %[[HI:.*]] = arith.shrui %[[V]], %{{.*}} : vector<32xi8>
// CHECK:         %[[HI8:.*]] = arith.subi %[[HI]], %{{.*}} : vector<32xi8>
// CHECK:         %[[W:.*]] = vector.shuffle %[[LO8]], %[[HI8]] [0, 1, 2, {{.*}}, 63] : vector<32xi8>, vector<32xi8>
// CHECK:         qc.dot_u8s8 %{{.*}}, %{{.*}}, %[[W]]
func.func @fc_int4(%x: tensor<2x4x!x>) -> tensor<2x2x!y> {
  %wc = arith.constant dense<[[1, -7, 7, 0], [-1, 2, 3, 4]]> : tensor<2x4xi4>
  %w = quant.scast %wc : tensor<2x4xi4> to tensor<2x4x!w>
  %y = qc.fully_connected %x, %w : tensor<2x4x!x>, tensor<2x4x!w> -> tensor<2x2x!y>
  return %y : tensor<2x2x!y>
}

// -----

// Left for the reference lowering: float_scale, grouped convolutions,
// weights that are not constants.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<i8:f32, 0.05>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:     qc.dot_u8s8
// CHECK:         qc.fully_connected {{.*}} mode = float_scale
// CHECK:         qc.conv2d {{.*}} groups = 2
// CHECK:         qc.fully_connected
// CHECK-NOT:     qc.dot_u8s8
func.func @left_alone(%x: tensor<2x4x!x>, %img: tensor<1x4x3x3x!x>, %wa: tensor<3x4x!w>) -> (tensor<2x3x!y>, tensor<1x4x3x3x!y>, tensor<2x3x!y>) {
  %wc = arith.constant dense<1> : tensor<3x4xi8>
  %w = quant.scast %wc : tensor<3x4xi8> to tensor<3x4x!w>
  %a = qc.fully_connected %x, %w mode = float_scale : tensor<2x4x!x>, tensor<3x4x!w> -> tensor<2x3x!y>
  %gc = arith.constant dense<1> : tensor<4x2x1x1xi8>
  %g = quant.scast %gc : tensor<4x2x1x1xi8> to tensor<4x2x1x1x!w>
  %b = qc.conv2d %img, %g strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2
     : tensor<1x4x3x3x!x>, tensor<4x2x1x1x!w> -> tensor<1x4x3x3x!y>
  %c = qc.fully_connected %x, %wa : tensor<2x4x!x>, tensor<3x4x!w> -> tensor<2x3x!y>
  return %a, %b, %c : tensor<2x3x!y>, tensor<1x4x3x3x!y>, tensor<2x3x!y>
}

// -----

// Two chained convolutions, the first result used only by the second: the
// first kernel writes each output pixel's 16 channels, xor 0x80 (the second
// reads signed bytes), into the second's packed input (padded NHWC, filled
// with its zero point's byte 3 ^ 0x80 = -125 on the border only, since the
// first kernel writes every interior byte), one 16-byte store per pixel;
// the second packs nothing and reads that buffer.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!m = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<u8:f32, 0.05>
// CHECK-LABEL: func.func @conv_chain
// CHECK-DAG:     %[[PADNEXT:.*]] = arith.constant dense<-125> : vector<16xi8>
// CHECK-DAG:     %[[FLIP:.*]] = arith.constant dense<-128> : vector<16xi8>
// CHECK:         vector.load %{{.*}} : memref<?x16x8x8xi8>, vector<8xi8>
// CHECK:         %[[NEXT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK:         vector.store %[[PADNEXT]], %[[NEXT]][%{{.*}}] : memref<?xi8>, vector<16xi8>
// CHECK:         scf.parallel
// CHECK-COUNT-16:  qc.dot_u8s8
// CHECK:           %[[B:.*]] = arith.xori %{{.*}}, %[[FLIP]] : vector<16xi8>
// CHECK:           vector.store %[[B]], %[[NEXT]][%{{.*}}] : memref<?xi8>, vector<16xi8>
// CHECK-NOT:     memref<?x16x8x8xi8>, vector<8xi8>
// CHECK:         scf.parallel
// CHECK:           vector.load %[[NEXT]][%{{.*}}] : memref<?xi8>, vector<4xi8>
// CHECK:           qc.dot_u8s8
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
// CHECK-NOT:     qc.conv2d
// The first result's placeholder is gone.
// CHECK-NOT:     bufferization.alloc_tensor
func.func @conv_chain(%x: tensor<?x16x8x8x!x>) -> tensor<?x16x8x8x!y> {
  %wc = arith.constant dense<1> : tensor<16x16x3x3xi8>
  %w = quant.scast %wc : tensor<16x16x3x3xi8> to tensor<16x16x3x3x!w>
  %m = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!x>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!m>
  %y = qc.conv2d %m, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!m>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!y>
  return %y : tensor<?x16x8x8x!y>
}

// -----

// The first result is also returned: both kernels write NCHW planes, the
// second packs its input itself.
!x = !quant.uniform<u8:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
// CHECK-LABEL: func.func @conv_chain_two_users
// CHECK:         vector.load %{{.*}} : memref<?x16x8x8xi8>, vector<8xi8>
// CHECK:         scf.parallel
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
// CHECK:         vector.load %{{.*}} : memref<?x16x8x8xi8>, vector<8xi8>
// CHECK:         scf.parallel
// CHECK:         vector.shuffle {{.*}} : vector<128xi8>, vector<128xi8>
func.func @conv_chain_two_users(%x: tensor<?x16x8x8x!x>) -> (tensor<?x16x8x8x!y>, tensor<?x16x8x8x!y>) {
  %wc = arith.constant dense<1> : tensor<16x16x3x3xi8>
  %w = quant.scast %wc : tensor<16x16x3x3xi8> to tensor<16x16x3x3x!w>
  %m = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!x>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!y>
  %y = qc.conv2d %m, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!y>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!y>
  return %m, %y : tensor<?x16x8x8x!y>, tensor<?x16x8x8x!y>
}

// -----

// 4-bit activations (16 channels, W = 8): the input buffer holds i4, so the
// packing goes element by element (zero-extended), not by byte vectors.
!x = !quant.uniform<u4:f32, 0.02:7>
!w = !quant.uniform<i8:f32, 0.01>
!y = !quant.uniform<u8:f32, 0.05>
// CHECK-LABEL: func.func @conv_u4_input
// CHECK-NOT:     vector<8xi8>
// CHECK:         tensor.extract %{{.*}} : tensor<?x16x8x8xi4>
// CHECK:         arith.extui %{{.*}} : i4 to i8
// CHECK:         qc.dot_u8s8
func.func @conv_u4_input(%x: tensor<?x16x8x8x!x>) -> tensor<?x16x8x8x!y> {
  %wc = arith.constant dense<1> : tensor<16x16x3x3xi8>
  %w = quant.scast %wc : tensor<16x16x3x3xi8> to tensor<16x16x3x3x!w>
  %y = qc.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1
     : tensor<?x16x8x8x!x>, tensor<16x16x3x3x!w> -> tensor<?x16x8x8x!y>
  return %y : tensor<?x16x8x8x!y>
}

// -----

// Scale ratio 0.6 >= 0.5: shift 31, below 32, so the lanes are sign-extended
// to i64 (the even/odd form needs every shift >= 32), the rounding term is
// the same for both signs (no select), and the zero point and clamp run in
// i64. The shift global keeps the channel order.
!x = !quant.uniform<u8:f32, 1.0:2>
!w = !quant.uniform<i8:f32, 0.6>
!y = !quant.uniform<i8:f32, 1.0:-4>
// CHECK-DAG: memref.global "private" constant @__qc_ukernel_shift : memref<16xi64> = dense<31>
// CHECK-LABEL: func.func @fc_shift_below_32
// CHECK:         qc.dot_u8s8
// CHECK:         %[[ACC:.*]] = arith.addi %{{.*}} : vector<16xi32>
// CHECK-NEXT:    %[[D:.*]] = arith.extsi %[[ACC]] : vector<16xi32> to vector<16xi64>
// CHECK-NEXT:    arith.muli %[[D]], %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.addi %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.shrsi %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.addi %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.maxsi %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.minsi %{{.*}} : vector<16xi64>
// CHECK-NEXT:    arith.trunci %{{.*}} : vector<16xi64> to vector<16xi8>
func.func @fc_shift_below_32(%x: tensor<?x8x!x>) -> tensor<?x4x!y> {
  %wc = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [-1, -2, -3, -4, -5, -6, -7, -8], [127, -127, 0, 1, -1, 2, 3, 4], [0, 0, 1, 0, 0, 0, 0, 0]]> : tensor<4x8xi8>
  %w = quant.scast %wc : tensor<4x8xi8> to tensor<4x8x!w>
  %y = qc.fully_connected %x, %w : tensor<?x8x!x>, tensor<4x8x!w> -> tensor<?x4x!y>
  return %y : tensor<?x4x!y>
}
