// RUN: quant-opt %s --qc-prepare-entry-points | FileCheck %s
// RUN: quant-opt %s --qc-prepare-entry-points=emit-c-interface=false | FileCheck %s --check-prefix=NOCI

// CHECK-LABEL: func.func @public(
// CHECK-SAME: attributes {llvm.emit_c_interface, qc_runner.signature = (tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, memref<2xi4>) -> tensor<?x4xf32>}
// NOCI-LABEL: func.func @public(
// NOCI-SAME: attributes {qc_runner.signature = (tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>>, memref<2xi4>) -> tensor<?x4xf32>}
func.func @public(%a: tensor<?x4x!quant.uniform<u8:f32, 0.1:128>>, %b: memref<2xi4>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x4x!quant.uniform<u8:f32, 0.1:128>>
  %e = tensor.empty(%d) : tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}

// A signature recorded earlier is kept.
// CHECK-LABEL: func.func @recorded(
// CHECK-SAME: qc_runner.signature = (tensor<4xf16>) -> ()
func.func @recorded(%a: tensor<4xi16>) attributes {qc_runner.signature = (tensor<4xf16>) -> ()} {
  return
}

// Private functions and declarations are left alone.
// CHECK-LABEL: func.func private @private(
// CHECK-NOT: attributes
// CHECK-LABEL: func.func private @declared(
// CHECK-NOT: attributes
func.func private @private(%a: tensor<4xf32>) {
  return
}
func.func private @declared(%a: memref<4xf32>)
