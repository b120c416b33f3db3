// RUN: quant-opt %s -split-input-file -qc-vectorize-pool-add -canonicalize | FileCheck %s
// What it leaves goes through the reference lowering; all of it reaches LLVM.
// RUN: quant-opt %s -split-input-file -qc-vectorize-pool-add -qc-lower-integer-ops -qc-lower-quant -qc-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// LLVM-NOT: qc.
// LLVM-NOT: quant.
// LLVM-NOT: linalg.

// qc.add, 1024 elements (a multiple of 16: no tail): the reference's f32
// operations on 16 lanes. sa / sy = 0.5, sb / sy = 0.25; zero points 128,
// -3 and 10; ReLU6 clamp: storage bounds [10, 130].
!a = !quant.uniform<u8:f32, 0.05:128>
!b = !quant.uniform<i8:f32, 0.025:-3>
!y = !quant.uniform<u8:f32, 0.1:10>
func.func @add_static(%a: tensor<1x16x8x8x!a>, %b: tensor<1x16x8x8x!b>) -> tensor<1x16x8x8x!y> {
  %y = qc.add %a, %b clamp_min = 0.0 clamp_max = 12.0 : tensor<1x16x8x8x!a>, tensor<1x16x8x8x!b> -> tensor<1x16x8x8x!y>
  return %y : tensor<1x16x8x8x!y>
}
// CHECK-LABEL: func.func @add_static
// CHECK-DAG: %[[RA:.*]] = arith.constant dense<5.000000e-01> : vector<16xf32>
// CHECK-DAG: %[[RB:.*]] = arith.constant dense<2.500000e-01> : vector<16xf32>
// CHECK-DAG: %[[ZA:.*]] = arith.constant dense<128> : vector<16xi32>
// CHECK-DAG: %[[ZB:.*]] = arith.constant dense<-3> : vector<16xi32>
// CHECK-DAG: %[[LO:.*]] = arith.constant dense<-5.120000e+02> : vector<16xf32>
// CHECK-DAG: %[[HI:.*]] = arith.constant dense<5.120000e+02> : vector<16xf32>
// The zero point 10 is also the lower bound.
// CHECK-DAG: %[[ZY:.*]] = arith.constant dense<10> : vector<16xi32>
// CHECK-DAG: %[[QHI:.*]] = arith.constant dense<130> : vector<16xi32>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x8x8xi8>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:   %[[X:.*]] = vector.load %{{.*}}[%[[I]]] : memref<1024xi8>, vector<16xi8>
// CHECK:   %[[Y:.*]] = vector.load %{{.*}}[%[[I]]] : memref<1024xi8>, vector<16xi8>
// CHECK:   %[[XW:.*]] = arith.extui %[[X]] : vector<16xi8> to vector<16xi32>
// CHECK:   %[[XS:.*]] = arith.subi %[[XW]], %[[ZA]]
// CHECK:   %[[XF:.*]] = arith.sitofp %[[XS]] : vector<16xi32> to vector<16xf32>
// CHECK:   %[[XM:.*]] = arith.mulf %[[XF]], %[[RA]]
// CHECK:   %[[YW:.*]] = arith.extsi %[[Y]] : vector<16xi8> to vector<16xi32>
// CHECK:   %[[YS:.*]] = arith.subi %[[YW]], %[[ZB]]
// CHECK:   %[[YF:.*]] = arith.sitofp %[[YS]]
// CHECK:   %[[YM:.*]] = arith.mulf %[[YF]], %[[RB]]
// CHECK:   %[[S:.*]] = arith.addf %[[XM]], %[[YM]] : vector<16xf32>
// CHECK:   %[[R:.*]] = math.roundeven %[[S]] : vector<16xf32>
// CHECK:   %[[R1:.*]] = arith.maximumf %[[R]], %[[LO]]
// CHECK:   %[[R2:.*]] = arith.minimumf %[[R1]], %[[HI]]
// CHECK:   %[[I32:.*]] = arith.fptosi %[[R2]] : vector<16xf32> to vector<16xi32>
// CHECK:   %[[Z:.*]] = arith.addi %[[I32]], %[[ZY]]
// CHECK:   %[[C1:.*]] = arith.maxsi %[[Z]], %[[ZY]]
// CHECK:   %[[C2:.*]] = arith.minsi %[[C1]], %[[QHI]]
// CHECK:   %[[T:.*]] = arith.trunci %[[C2]] : vector<16xi32> to vector<16xi8>
// CHECK:   vector.store %[[T]], %{{.*}}[%[[I]]] : memref<1024xi8>, vector<16xi8>
// CHECK: }
// CHECK-NOT: vector.maskedload
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NOT: qc.add

// -----

// A dynamic shape: the tail runs masked.
!a = !quant.uniform<i8:f32, 0.05>
!y = !quant.uniform<i8:f32, 0.1:-2>
func.func @add_dynamic(%a: tensor<?x3x5x!a>, %b: tensor<?x3x5x!a>) -> tensor<?x3x5x!y> {
  %y = qc.add %a, %b : tensor<?x3x5x!a>, tensor<?x3x5x!a> -> tensor<?x3x5x!y>
  return %y : tensor<?x3x5x!y>
}
// CHECK-LABEL: func.func @add_dynamic
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x3x5xi8>
// CHECK: scf.for
// CHECK:   vector.load
// CHECK:   vector.store
// CHECK: scf.for %[[I:.*]] =
// CHECK:   %[[M:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK:   vector.maskedload %{{.*}}[%[[I]]], %[[M]]
// CHECK:   vector.maskedload %{{.*}}[%[[I]]], %[[M]]
// CHECK:   vector.maskedstore %{{.*}}[%[[I]]], %[[M]]

// -----

// Global average pooling of a 7 x 7 plane: three full vectors of 16 and a
// masked tail of 1, one reduction, sum - 49 * zx, then the f32 epilogue
// with m = f32(0.2 / (0.1 * 49)).
!x = !quant.uniform<u8:f32, 0.2:100>
!y = !quant.uniform<i8:f32, 0.1:5>
func.func @global_avg(%x: tensor<?x64x7x7x!x>) -> tensor<?x64x1x1x!y> {
  %y = qc.avg_pool2d %x kernel = [7, 7] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<?x64x7x7x!x> -> tensor<?x64x1x1x!y>
  return %y : tensor<?x64x1x1x!y>
}
// CHECK-LABEL: func.func @global_avg
// CHECK-DAG: %[[TAILMASK:.*]] = arith.constant dense<[true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK-DAG: %[[C49:.*]] = arith.constant 49 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK-DAG: %[[SUB:.*]] = arith.constant 4900 : i32
// CHECK-DAG: %[[M:.*]] = arith.constant 0.0408163257 : f32
// CHECK: scf.for %[[P:.*]] =
// CHECK:   %[[BASE:.*]] = arith.muli %[[P]], %[[C49]]
// CHECK:   %[[ACC:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C48]] step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (vector<16xi32>) {
// CHECK:     vector.load %{{.*}} : memref<?xi8>, vector<16xi8>
// CHECK:     arith.extui {{.*}} : vector<16xi8> to vector<16xi32>
// CHECK:     arith.addi %[[A]]
// CHECK:   %[[AT:.*]] = arith.addi %[[BASE]], %[[C48]]
// CHECK:   %[[T:.*]] = vector.maskedload %{{.*}}[%[[AT]]], %[[TAILMASK]]
// CHECK:   %[[TW:.*]] = arith.extui %[[T]]
// CHECK:   %[[ALL:.*]] = arith.addi %[[ACC]], %[[TW]]
// CHECK:   %[[SUM:.*]] = vector.reduction <add>, %[[ALL]] : vector<16xi32> into i32
// CHECK:   %[[D:.*]] = arith.subi %[[SUM]], %[[SUB]] : i32
// CHECK:   %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK:   %[[PR:.*]] = arith.mulf %[[F]], %[[M]] : f32
// CHECK:   math.roundeven %[[PR]] : f32
// CHECK:   arith.fptosi
// CHECK:   arith.trunci {{.*}} : i32 to i8
// CHECK:   memref.store {{.*}}[%[[P]]] : memref<?xi8>
// CHECK-NOT: qc.avg_pool2d

// -----

// Not global (a 3 x 3 window): left to qc-lower-integer-ops.
!x = !quant.uniform<u8:f32, 0.2:100>
func.func @avg_window(%x: tensor<1x4x9x9x!x>) -> tensor<1x4x4x4x!x> {
  %y = qc.avg_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x9x9x!x> -> tensor<1x4x4x4x!x>
  return %y : tensor<1x4x4x4x!x>
}
// CHECK-LABEL: func.func @avg_window
// CHECK: qc.avg_pool2d

// -----

// A 2 x 2 stride-2 max pool of u8 storage, 28 -> 14: per output row, one
// 28-byte load per window row, the even and odd bytes picked by shuffles.
#in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @max_pool(%x: tensor<?x16x28x28xi8>) -> tensor<?x16x14x14xi8> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i8
  %n = tensor.dim %x, %c0 : tensor<?x16x28x28xi8>
  %e = tensor.empty(%n) : tensor<?x16x14x14xi8>
  %init = linalg.fill ins(%zero : i8) outs(%e : tensor<?x16x14x14xi8>) -> tensor<?x16x14x14xi8>
  %w = tensor.empty() : tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [#in, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : tensor<?x16x28x28xi8>, tensor<2x2xf32>) outs(%init : tensor<?x16x14x14xi8>) {
  ^bb0(%in: i8, %k: f32, %o: i8):
    %m = arith.maxui %o, %in : i8
    linalg.yield %m : i8
  } -> tensor<?x16x14x14xi8>
  return %r : tensor<?x16x14x14xi8>
}
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x16x14x14xi8>
// CHECK: scf.for %[[P:.*]] =
// CHECK:   scf.for %[[R:.*]] =
// CHECK:     %[[R0:.*]] = vector.load %{{.*}} : memref<?xi8>, vector<28xi8>
// CHECK:     %[[E0:.*]] = vector.shuffle %[[R0]], %[[R0]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26] : vector<28xi8>, vector<28xi8>
// CHECK:     %[[O0:.*]] = vector.shuffle %[[R0]], %[[R0]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27]
// CHECK:     %[[M0:.*]] = arith.maxui %[[E0]], %[[O0]] : vector<14xi8>
// CHECK:     %[[R1:.*]] = vector.load %{{.*}} : memref<?xi8>, vector<28xi8>
// CHECK:     %[[E1:.*]] = vector.shuffle %[[R1]], %[[R1]] [0, 2,
// CHECK:     %[[M1:.*]] = arith.maxui %[[M0]], %[[E1]]
// CHECK:     %[[O1:.*]] = vector.shuffle %[[R1]], %[[R1]] [1, 3,
// CHECK:     %[[M2:.*]] = arith.maxui %[[M1]], %[[O1]]
// CHECK:     vector.store %[[M2]], %{{.*}} : memref<?xi8>, vector<14xi8>
// CHECK-NOT: linalg.generic

// -----

// A fill that is not the identity of max (signed 5) joins the max; rows of
// 40 outputs go in a chunk of 32 and one of 8. Unit stride: each window
// column is its own load, no shuffle.
#in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @max_pool_fill(%x: tensor<1x2x3x41xi8>) -> tensor<1x2x2x40xi8> {
  %five = arith.constant 5 : i8
  %e = tensor.empty() : tensor<1x2x2x40xi8>
  %init = linalg.fill ins(%five : i8) outs(%e : tensor<1x2x2x40xi8>) -> tensor<1x2x2x40xi8>
  %w = tensor.empty() : tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [#in, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : tensor<1x2x3x41xi8>, tensor<2x2xf32>) outs(%init : tensor<1x2x2x40xi8>) {
  ^bb0(%in: i8, %k: f32, %o: i8):
    %m = arith.maxsi %in, %o : i8
    linalg.yield %m : i8
  } -> tensor<1x2x2x40xi8>
  return %r : tensor<1x2x2x40xi8>
}
// CHECK-LABEL: func.func @max_pool_fill
// CHECK-DAG: %[[F32:.*]] = arith.constant dense<5> : vector<32xi8>
// CHECK-DAG: %[[F8:.*]] = arith.constant dense<5> : vector<8xi8>
// CHECK-NOT: vector.shuffle
// CHECK: %[[A:.*]] = vector.load {{.*}} vector<32xi8>
// CHECK: %[[M:.*]] = arith.maxsi %[[A]], %[[F32]] : vector<32xi8>
// CHECK: %[[B:.*]] = vector.load {{.*}} vector<32xi8>
// CHECK: arith.maxsi %[[M]], %[[B]] : vector<32xi8>
// CHECK: vector.store {{.*}} vector<32xi8>
// CHECK: %[[C:.*]] = vector.load {{.*}} vector<8xi8>
// CHECK: arith.maxsi %[[C]], %[[F8]] : vector<8xi8>
// CHECK: vector.store {{.*}} vector<8xi8>
// CHECK-NOT: vector.shuffle

// -----

// Left alone: a float max pool, and an integer one whose init is not a
// constant fill.
#in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @not_int_pool(%x: tensor<1x2x4x4xf32>, %init: tensor<1x2x2x2xf32>, %xi: tensor<1x2x4x4xi8>, %initi: tensor<1x2x2x2xi8>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi8>) {
  %w = tensor.empty() : tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [#in, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %k: f32, %o: f32):
    %m = arith.maximumf %o, %in : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  %ri = linalg.generic {indexing_maps = [#in, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%xi, %w : tensor<1x2x4x4xi8>, tensor<2x2xf32>) outs(%initi : tensor<1x2x2x2xi8>) {
  ^bb0(%in: i8, %k: f32, %o: i8):
    %m = arith.maxsi %o, %in : i8
    linalg.yield %m : i8
  } -> tensor<1x2x2x2xi8>
  return %r, %ri : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi8>
}
// CHECK-LABEL: func.func @not_int_pool
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i8
