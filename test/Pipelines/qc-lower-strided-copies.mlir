// RUN: quant-opt %s --qc-lower-strided-copies | FileCheck %s

// A copy into a strided subview becomes linalg.copy (loops later) instead of
// a call to the memrefCopy runtime function.
// CHECK-LABEL: func.func @strided(
// CHECK: %[[SV:.*]] = memref.subview
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<2x3xf32>) outs(%[[SV]] : memref<2x3xf32, strided<[6, 1]>>)
func.func @strided(%src: memref<2x3xf32>, %dst: memref<2x6xf32>) {
  %sv = memref.subview %dst[0, 0] [2, 3] [1, 1] : memref<2x6xf32> to memref<2x3xf32, strided<[6, 1]>>
  memref.copy %src, %sv : memref<2x3xf32> to memref<2x3xf32, strided<[6, 1]>>
  return
}

// Copies between identity layouts stay memref.copy (they become memcpy).
// CHECK-LABEL: func.func @dense(
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @dense(%src: memref<2x3xf32>, %dst: memref<2x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32> to memref<2x3xf32>
  return
}
