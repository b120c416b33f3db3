// An instruction set the pass does not know: an error at the op the pass
// runs on, naming the choices (the bad CPU and qc.target names are in
// qc-lower-dot-products.mlir and qc-lower-dot-products-invalid.mlir).
// RUN: quant-opt %s -qc-lower-dot-products=isa=avx3 -verify-diagnostics

// expected-error @+1 {{qc-lower-dot-products: unknown isa 'avx3' (expected auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic)}}
module {
  func.func @dot(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
    %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
    return %0 : vector<16xi32>
  }
}
