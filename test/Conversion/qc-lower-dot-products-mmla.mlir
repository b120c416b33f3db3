// qc.mmla_u8s8: one usmmla per 2x2 block with i8mm (also when the module's
// qc.target is an i8mm CPU), the portable form with every other
// instruction set. The portable form's numbers are checked bit for bit in
// test/Integration/IntegerOps/fully-connected*.py and, against usmmla
// under qemu, in test/Integration/Microkernels/aarch64-qemu.test.
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=neon-i8mm | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=cpu=neoverse-v1 | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=avx512-vnni | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=avx2 | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -split-input-file -qc-lower-dot-products=isa=neon-dotprod | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -split-input-file -qc-lower-to-llvm=dot-isa=neon-i8mm | FileCheck %s --check-prefix=LLVM

// I8MM-LABEL: func.func @block
// I8MM-SAME:    (%[[ACC:.*]]: vector<4xi32>, %[[A:.*]]: vector<16xi8>, %[[W:.*]]: vector<16xi8>)
// I8MM:         %[[R:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"(%[[ACC]], %[[A]], %[[W]]) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// I8MM:         return %[[R]]
// I8MM-NOT:     qc.mmla_u8s8

// Lane 2i + j, product k: lhs byte 8i + k times rhs byte 8j + k; the
// products ordered k-major, so that product k of the 4 lanes is one slice.
// GENERIC-LABEL: func.func @block
// GENERIC-SAME:    (%[[ACC:.*]]: vector<4xi32>, %[[A:.*]]: vector<16xi8>, %[[W:.*]]: vector<16xi8>)
// GENERIC-NOT:     llvm.call_intrinsic
// GENERIC:         %[[AS:.*]] = vector.shuffle %[[A]], %[[A]] [0, 0, 8, 8, 1, 1, 9, 9, 2, 2, 10, 10, 3, 3, 11, 11, 4, 4, 12, 12, 5, 5, 13, 13, 6, 6, 14, 14, 7, 7, 15, 15] : vector<16xi8>, vector<16xi8>
// GENERIC:         %[[WS:.*]] = vector.shuffle %[[W]], %[[W]] [0, 8, 0, 8, 1, 9, 1, 9, 2, 10, 2, 10, 3, 11, 3, 11, 4, 12, 4, 12, 5, 13, 5, 13, 6, 14, 6, 14, 7, 15, 7, 15] : vector<16xi8>, vector<16xi8>
// GENERIC:         %[[AX:.*]] = arith.extui %[[AS]] : vector<32xi8> to vector<32xi32>
// GENERIC:         %[[WX:.*]] = arith.extsi %[[WS]] : vector<32xi8> to vector<32xi32>
// GENERIC:         %[[P:.*]] = arith.muli %[[AX]], %[[WX]] : vector<32xi32>
// GENERIC:         %[[P0:.*]] = vector.extract_strided_slice %[[P]] {offsets = [0], sizes = [4], strides = [1]}
// GENERIC:         %[[S0:.*]] = arith.addi %[[ACC]], %[[P0]] : vector<4xi32>
// GENERIC-COUNT-6: arith.addi
// GENERIC:         %[[P7:.*]] = vector.extract_strided_slice %[[P]] {offsets = [28], sizes = [4], strides = [1]}
// GENERIC:         %[[S7:.*]] = arith.addi %{{.*}}, %[[P7]] : vector<4xi32>
// GENERIC:         return %[[S7]]
// LLVM-LABEL: llvm.func @block
// LLVM:         llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"
func.func @block(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %0 = qc.mmla_u8s8 %acc, %a, %w : vector<16xi8> -> vector<4xi32>
  return %0 : vector<4xi32>
}

// -----

// Two blocks: one usmmla each on its 16-byte and 4-lane slices.
// I8MM-LABEL: func.func @two_blocks
// I8MM:         vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<32xi8> to vector<16xi8>
// I8MM:         llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"
// I8MM:         vector.insert_strided_slice %{{.*}} {offsets = [0], strides = [1]} : vector<4xi32> into vector<8xi32>
// I8MM:         vector.extract_strided_slice %{{.*}} {offsets = [16], sizes = [16], strides = [1]} : vector<32xi8> to vector<16xi8>
// I8MM:         llvm.call_intrinsic "llvm.aarch64.neon.usmmla.v4i32.v16i8"
// I8MM:         vector.insert_strided_slice %{{.*}} {offsets = [4], strides = [1]} : vector<4xi32> into vector<8xi32>
// I8MM-NOT:     usmmla
// GENERIC-LABEL: func.func @two_blocks
// GENERIC:         vector.shuffle %{{.*}} [0, 0, 8, 8, 16, 16, 24, 24, 1, 1, 9, 9, 17, 17, 25, 25,
// GENERIC:         arith.muli %{{.*}} : vector<64xi32>
// GENERIC-COUNT-8: arith.addi %{{.*}} : vector<8xi32>
// GENERIC-NOT:     arith.addi
func.func @two_blocks(%acc: vector<8xi32>, %a: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %0 = qc.mmla_u8s8 %acc, %a, %w : vector<32xi8> -> vector<8xi32>
  return %0 : vector<8xi32>
}

// -----

// The module's target picks usmmla when isa is auto.
// I8MM-LABEL: func.func @target
// I8MM:         llvm.aarch64.neon.usmmla
// GENERIC-LABEL: func.func @target
// GENERIC-NOT:   llvm.call_intrinsic
module attributes {qc.target = "neoverse-n2"} {
  func.func @target(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
    %0 = qc.mmla_u8s8 %acc, %a, %w : vector<16xi8> -> vector<4xi32>
    return %0 : vector<4xi32>
  }
}
