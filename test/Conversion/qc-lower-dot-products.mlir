// RUN: quant-opt %s -qc-lower-dot-products=isa=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -qc-lower-dot-products=isa=neon-i8mm | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s -qc-lower-dot-products=isa=neon-dotprod | FileCheck %s --check-prefix=DOTPROD
// RUN: quant-opt %s -qc-lower-dot-products | FileCheck %s --check-prefix=HOST
// RUN: not quant-opt %s -qc-lower-dot-products=isa=neon 2>&1 | FileCheck %s --check-prefix=ISA

// ISA: unknown isa 'neon' (expected host, avx512-vnni, neon-i8mm, neon-dotprod or generic)
// HOST-NOT: qc.dot_u8s8

// VNNI-LABEL: func.func @dots
// VNNI:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// VNNI:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.128"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// VNNI-NOT:     qc.dot_u8s8

// 16 lanes: four usdot on 4 lanes and 16 bytes each.
// I8MM-LABEL: func.func @dots
// I8MM-COUNT-4: llvm.call_intrinsic "llvm.aarch64.neon.usdot.v4i32.v16i8"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// I8MM:         vector.insert_strided_slice %{{.*}} {offsets = [12], strides = [1]} : vector<4xi32> into vector<16xi32>
// 8 lanes: two; 4 lanes: one.
// I8MM-COUNT-2: llvm.aarch64.neon.usdot
// I8MM:         vector.insert_strided_slice %{{.*}} {offsets = [4], strides = [1]} : vector<4xi32> into vector<8xi32>
// I8MM:         llvm.aarch64.neon.usdot
// I8MM-NOT:     llvm.aarch64.neon.usdot
// I8MM-NOT:     qc.dot_u8s8

// sdot on the flipped bytes, minus sdot(-128, w).
// DOTPROD-LABEL: func.func @dots
// DOTPROD:       %[[M128:.*]] = arith.constant dense<-128> : vector<16xi8>
// DOTPROD:       %[[ZERO:.*]] = arith.constant dense<0> : vector<4xi32>
// DOTPROD:       %[[A0:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<64xi8> to vector<16xi8>
// DOTPROD:       %[[W0:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<64xi8> to vector<16xi8>
// DOTPROD:       %[[F0:.*]] = arith.xori %[[A0]], %[[M128]] : vector<16xi8>
// DOTPROD:       %[[D0:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%{{.*}}, %[[F0]], %[[W0]])
// DOTPROD:       %[[C0:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%[[ZERO]], %[[M128]], %[[W0]])
// DOTPROD:       arith.subi %[[D0]], %[[C0]] : vector<4xi32>
// DOTPROD-NOT:   usdot
// DOTPROD-NOT:   qc.dot_u8s8

// GENERIC-LABEL: func.func @dots
// GENERIC-SAME:    (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>
// GENERIC:         %[[AU:.*]] = arith.extui %[[A]] : vector<64xi8> to vector<64xi32>
// GENERIC:         %[[WS:.*]] = arith.extsi %[[W]] : vector<64xi8> to vector<64xi32>
// GENERIC:         %[[P:.*]] = arith.muli %[[AU]], %[[WS]] : vector<64xi32>
// GENERIC:         %[[P0:.*]] = vector.shuffle %[[P]], %[[P]] [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60]
// GENERIC:         %[[S0:.*]] = arith.addi %[[ACC]], %[[P0]] : vector<16xi32>
// GENERIC:         %[[P1:.*]] = vector.shuffle %[[P]], %[[P]] [1, 5, 9,
// GENERIC:         %[[S1:.*]] = arith.addi %[[S0]], %[[P1]]
// GENERIC:         %[[P2:.*]] = vector.shuffle %[[P]], %[[P]] [2, 6, 10,
// GENERIC:         %[[S2:.*]] = arith.addi %[[S1]], %[[P2]]
// GENERIC:         %[[P3:.*]] = vector.shuffle %[[P]], %[[P]] [3, 7, 11,
// GENERIC:         %[[S3:.*]] = arith.addi %[[S2]], %[[P3]]
// GENERIC:         return %[[S3]]
// GENERIC-NOT:   qc.dot_u8s8
func.func @dots(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>,
                %acc8: vector<8xi32>, %a8: vector<32xi8>,
                %acc4: vector<4xi32>, %a4: vector<16xi8>) -> (vector<16xi32>, vector<8xi32>, vector<4xi32>) {
  %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
  %1 = qc.dot_u8s8 %acc8, %a8, %a8 : vector<32xi8> -> vector<8xi32>
  %2 = qc.dot_u8s8 %acc4, %a4, %a4 : vector<16xi8> -> vector<4xi32>
  return %0, %1, %2 : vector<16xi32>, vector<8xi32>, vector<4xi32>
}
