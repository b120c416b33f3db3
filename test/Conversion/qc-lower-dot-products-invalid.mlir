// A module whose recorded target is no CPU that LLVM knows: an error at the
// module, naming the attribute and the name.
// RUN: quant-opt %s -qc-lower-dot-products -verify-diagnostics
// An explicit isa does not look at the recorded target.
// RUN: quant-opt %s -qc-lower-dot-products=isa=generic | FileCheck %s

// CHECK-LABEL: func.func @bad
// CHECK-NOT:     llvm.call_intrinsic
// CHECK:         vector.shuffle

// expected-error @+1 {{qc.target: unknown target CPU 'sparc-t9' (expected host, aarch64, or an x86-64 or AArch64 CPU name as for clang -mcpu}}
module attributes {qc.target = "sparc-t9"} {
  func.func @bad(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
    %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
    return %0 : vector<16xi32>
  }
}
