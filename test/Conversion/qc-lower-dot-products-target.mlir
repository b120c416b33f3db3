// The target recorded on the module (quant-compile --target sets qc.target)
// chooses the dot-product instructions when isa is auto (the default), in
// qc-lower-dot-products and through qc-lower-to-llvm; an explicit isa, cpu
// or target-cpu wins (qc-lower-dot-products-invalid.mlir: an unknown name).
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products | FileCheck %s --check-prefix=AUTO
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=cpu=znver4 | FileCheck %s --check-prefix=ZNVER4
// RUN: quant-opt %s -split-input-file -qc-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: quant-opt %s -split-input-file -qc-lower-to-llvm=target-cpu=x86-64-v3 | FileCheck %s --check-prefix=LLVM-V3

// AUTO-LABEL: func.func @v3
// AUTO-COUNT-4: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AUTO-NOT:     vpdpbusd
// GENERIC-LABEL: func.func @v3
// GENERIC-NOT:   llvm.call_intrinsic
// ZNVER4-LABEL: func.func @v3
// ZNVER4:       llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// LLVM-LABEL: llvm.func @v3
// LLVM-COUNT-4: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// LLVM-NOT:     vpdpbusd
module attributes {qc.target = "x86-64-v3"} {
  func.func @v3(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
    %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
    return %0 : vector<16xi32>
  }
}

// -----

// AUTO-LABEL: func.func @znver5
// AUTO:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// LLVM-LABEL: llvm.func @znver5
// LLVM:          llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// LLVM-V3-LABEL: llvm.func @znver5
// LLVM-V3:       llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// LLVM-V3:       llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// LLVM-V3-NOT:   vpdpbusd
module attributes {qc.target = "znver5"} {
  func.func @znver5(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
    %0 = qc.dot_u8s8 %acc, %a, %w {rhs_fits_i7} : vector<64xi8> -> vector<16xi32>
    return %0 : vector<16xi32>
  }
}

// -----

// AUTO-LABEL: func.func @arm
// AUTO-COUNT-4: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%{{.*}}, %{{.*}}, %{{.*}})
module attributes {qc.target = "cortex-a76"} {
  func.func @arm(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
    %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
    return %0 : vector<16xi32>
  }
}
