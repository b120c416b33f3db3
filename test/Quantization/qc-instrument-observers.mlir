// RUN: quant-opt %s -split-input-file -qc-instrument-observers -verify-diagnostics | FileCheck %s

// CHECK: module attributes {qc.observer_axes = [-1, 0], qc.observers = ["input:0", "fc.weight"]}
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[B:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<?x4xf32> to memref<?x4xf32>
// CHECK: %[[U:.*]] = memref.cast %[[B]] : memref<?x4xf32> to memref<*xf32>
// CHECK: %[[I:.*]] = arith.constant 0 : i64
// CHECK: call @__qc_observe(%[[I]], %[[U]]) : (i64, memref<*xf32>) -> ()
// CHECK: arith.constant 1 : i64
// CHECK: call @__qc_observe
// CHECK-NOT: qc.observe
// CHECK: return %[[X]]
// CHECK: func.func private @__qc_observe(i64, memref<*xf32>)
func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = qc.observe %x id "input:0" : tensor<?x4xf32>
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %1 = qc.observe %w id "fc.weight" axis 0 : tensor<4x3xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{calibration supports f32 tensors only, got 'f16'}}
  %0 = qc.observe %x id "h" : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// expected-error @+1 {{symbol '__qc_observe' is reserved for the calibration runtime}}
func.func private @__qc_observe(i32)
func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qc.observe %x id "a" : tensor<4xf32>
  return %0 : tensor<4xf32>
}
