// RUN: quant-opt %s -qc-lower-dot-products=isa=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -qc-lower-dot-products=isa=neon-i8mm | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s -qc-lower-dot-products=isa=neon-dotprod | FileCheck %s --check-prefix=DOTPROD
// RUN: quant-opt %s -qc-lower-dot-products=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -qc-lower-dot-products | FileCheck %s --check-prefix=HOST
// RUN: quant-opt %s -qc-lower-dot-products=isa=host | FileCheck %s --check-prefix=HOST
// RUN: not quant-opt %s -qc-lower-dot-products=isa=neon 2>&1 | FileCheck %s --check-prefix=ISA
// RUN: not quant-opt %s -qc-lower-dot-products=isa=avx2-7bit 2>&1 | FileCheck %s --check-prefix=ISA7

// The choice for a CPU named as for clang -mcpu, from LLVM's target parser:
// AVX2 without AVX-512 VNNI (x86-64-v4 has AVX-512 but no VNNI), VNNI,
// AArch64 with dotprod only or with i8mm, and neither.
// RUN: quant-opt %s -qc-lower-dot-products=cpu=x86-64-v3 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -qc-lower-dot-products=cpu=haswell | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -qc-lower-dot-products=cpu=x86-64-v4 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -qc-lower-dot-products=cpu=alderlake | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -qc-lower-dot-products=cpu=znver4 | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=cpu=znver5 | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=cpu=sapphirerapids | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=cpu=cascadelake | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -qc-lower-dot-products=cpu=cortex-a76 | FileCheck %s --check-prefix=DOTPROD
// RUN: quant-opt %s -qc-lower-dot-products=cpu=neoverse-v1 | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s -qc-lower-dot-products=cpu=x86-64 | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -qc-lower-dot-products=cpu=aarch64 | FileCheck %s --check-prefix=GENERIC
// RUN: quant-opt %s -qc-lower-dot-products=cpu=host | FileCheck %s --check-prefix=HOST
// RUN: not quant-opt %s -qc-lower-dot-products=cpu=pentium9 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not quant-opt %s -qc-lower-dot-products="isa=avx2 cpu=znver4" 2>&1 | FileCheck %s --check-prefix=BOTH

// ISA: unknown isa 'neon' (expected auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic)
// ISA7: unknown isa 'avx2-7bit'
// CPU: unknown target CPU 'pentium9' (expected host, aarch64, or an x86-64 or AArch64 CPU name
// BOTH: give isa or cpu, not both (isa 'avx2', cpu 'znver4')
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
// I8MM-LABEL: func.func @dots_group
// I8MM-COUNT-4: llvm.aarch64.neon.usdot

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

// AVX2 on 8-bit weights: per 8 lanes, bytes 4i, 4i+1 then 4i+2, 4i+3 of
// every lane gathered by one shuffle and widened to i16 (activations zero-,
// weights sign-extended), one vpmaddwd per half; never the saturating
// vpmaddubsw.
// AVX2-LABEL: func.func @dots
// AVX2-SAME:    (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>
// AVX2:         %[[ACC0:.*]] = vector.extract_strided_slice %[[ACC]] {offsets = [0], sizes = [8], strides = [1]} : vector<16xi32> to vector<8xi32>
// AVX2:         %[[AP:.*]] = vector.shuffle %[[A]], %[[A]] [0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31] : vector<64xi8>, vector<64xi8>
// AVX2:         %[[AW:.*]] = arith.extui %[[AP]] : vector<32xi8> to vector<32xi16>
// AVX2:         %[[WP:.*]] = vector.shuffle %[[W]], %[[W]] [0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31] : vector<64xi8>, vector<64xi8>
// AVX2:         %[[WW:.*]] = arith.extsi %[[WP]] : vector<32xi8> to vector<32xi16>
// AVX2:         %[[AL:.*]] = vector.extract_strided_slice %[[AW]] {offsets = [0], sizes = [16], strides = [1]} : vector<32xi16> to vector<16xi16>
// AVX2:         %[[WL:.*]] = vector.extract_strided_slice %[[WW]] {offsets = [0], sizes = [16], strides = [1]} : vector<32xi16> to vector<16xi16>
// AVX2:         %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[AL]], %[[WL]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2:         %[[S0:.*]] = arith.addi %[[ACC0]], %[[P0]] : vector<8xi32>
// AVX2:         %[[AH:.*]] = vector.extract_strided_slice %[[AW]] {offsets = [16], sizes = [16], strides = [1]}
// AVX2:         %[[WH:.*]] = vector.extract_strided_slice %[[WW]] {offsets = [16], sizes = [16], strides = [1]}
// AVX2:         %[[P1:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[AH]], %[[WH]])
// AVX2:         %[[S1:.*]] = arith.addi %[[S0]], %[[P1]] : vector<8xi32>
// AVX2:         %[[R0:.*]] = vector.insert_strided_slice %[[S1]], %[[ACC]] {offsets = [0], strides = [1]} : vector<8xi32> into vector<16xi32>
// AVX2:         vector.extract_strided_slice %[[ACC]] {offsets = [8], sizes = [8], strides = [1]}
// AVX2:         vector.shuffle %[[A]], %[[A]] [32, 33, 36, 37, 40, 41, 44, 45, 48, 49, 52, 53, 56, 57, 60, 61, 34, 35, 38, 39, 42, 43, 46, 47, 50, 51, 54, 55, 58, 59, 62, 63]
// AVX2-COUNT-2: llvm.x86.avx2.pmadd.wd
// AVX2:         %[[R1:.*]] = vector.insert_strided_slice %{{.*}}, %[[R0]] {offsets = [8], strides = [1]} : vector<8xi32> into vector<16xi32>
// 8 lanes: two 256-bit vpmaddwd; 4 lanes: two 128-bit ones.
// AVX2-COUNT-2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2-COUNT-2: llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%{{.*}}, %{{.*}}) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// AVX2:         return %[[R1]]
// AVX2-NOT:     pmadd.ub.sw
// AVX2-NOT:     qc.dot_u8s8

// The kernels' activations: one 4-byte group broadcast to all lanes. Its
// widened pairs are computed on the scalar (b0 | b1 << 16, b2 | b3 << 16)
// and broadcast; only the weights are shuffled.
// AVX2-LABEL: func.func @dots_group
// AVX2-SAME:    (%[[ACC:.*]]: vector<16xi32>, %[[X:.*]]: i32, %[[W:.*]]: vector<64xi8>
// AVX2:         %[[WP:.*]] = vector.shuffle %[[W]], %[[W]] [0, 1, 4, 5,
// AVX2:         %[[WW:.*]] = arith.extsi %[[WP]] : vector<32xi8> to vector<32xi16>
// AVX2:         %[[FF:.*]] = arith.constant 255 : i32
// AVX2:         %[[B0:.*]] = arith.andi %[[X]], %[[FF]] : i32
// AVX2:         %[[C8:.*]] = arith.constant 8 : i32
// AVX2:         %[[FF00:.*]] = arith.constant 65280 : i32
// AVX2:         %[[B1M:.*]] = arith.andi %[[X]], %[[FF00]] : i32
// AVX2:         %[[B1:.*]] = arith.shli %[[B1M]], %[[C8]] : i32
// AVX2:         %[[LO:.*]] = arith.ori %[[B0]], %[[B1]] : i32
// AVX2:         %[[LOV:.*]] = vector.broadcast %[[LO]] : i32 to vector<8xi32>
// AVX2:         %[[LOW:.*]] = vector.bitcast %[[LOV]] : vector<8xi32> to vector<16xi16>
// AVX2:         %[[WL:.*]] = vector.extract_strided_slice %[[WW]] {offsets = [0], sizes = [16], strides = [1]}
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[LOW]], %[[WL]])
// AVX2:         %[[C16:.*]] = arith.constant 16 : i32
// AVX2:         %[[B2S:.*]] = arith.shrui %[[X]], %[[C16]] : i32
// AVX2:         %[[B2:.*]] = arith.andi %[[B2S]], %{{.*}} : i32
// AVX2:         %[[FF0000:.*]] = arith.constant 16711680 : i32
// AVX2:         %[[B3S:.*]] = arith.shrui %[[X]], %{{.*}} : i32
// AVX2:         %[[B3:.*]] = arith.andi %[[B3S]], %[[FF0000]] : i32
// AVX2:         %[[HI:.*]] = arith.ori %[[B2]], %[[B3]] : i32
// AVX2:         %[[HIV:.*]] = vector.broadcast %[[HI]] : i32 to vector<8xi32>
// AVX2:         %[[HIW:.*]] = vector.bitcast %[[HIV]] : vector<8xi32> to vector<16xi16>
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[HIW]], %{{.*}})
// The second 8 lanes reuse both broadcasts.
// AVX2:         vector.shuffle %[[W]], %[[W]] [32, 33, 36, 37,
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[LOW]], %{{.*}})
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[HIW]], %{{.*}})
// AVX2:         return

// With rhs_fits_i7: vpmaddubsw on the bytes (pairs into saturating i16,
// exact for weights in [-64, 63]), then vpmaddwd by ones (the two pairs of
// each lane into i32).
// AVX2-LABEL: func.func @dots_i7
// AVX2-SAME:    (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>
// AVX2:         %[[ACC0:.*]] = vector.extract_strided_slice %[[ACC]] {offsets = [0], sizes = [8], strides = [1]} : vector<16xi32> to vector<8xi32>
// AVX2:         %[[A0:.*]] = vector.extract_strided_slice %[[A]] {offsets = [0], sizes = [32], strides = [1]} : vector<64xi8> to vector<32xi8>
// AVX2:         %[[W0:.*]] = vector.extract_strided_slice %[[W]] {offsets = [0], sizes = [32], strides = [1]} : vector<64xi8> to vector<32xi8>
// AVX2:         %[[H0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[A0]], %[[W0]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// AVX2:         %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// AVX2:         %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[H0]], %[[ONES]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2:         %[[S0:.*]] = arith.addi %[[ACC0]], %[[P0]] : vector<8xi32>
// AVX2:         %[[R0:.*]] = vector.insert_strided_slice %[[S0]], %[[ACC]] {offsets = [0], strides = [1]}
// AVX2:         vector.extract_strided_slice %[[A]] {offsets = [32], sizes = [32], strides = [1]}
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// AVX2:         llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2:         %[[R1:.*]] = vector.insert_strided_slice %{{.*}}, %[[R0]] {offsets = [8], strides = [1]}
// 4 lanes: the 128-bit forms.
// AVX2:         %[[H2:.*]] = llvm.call_intrinsic "llvm.x86.ssse3.pmadd.ub.sw.128"(%{{.*}}, %{{.*}}) : (vector<16xi8>, vector<16xi8>) -> vector<8xi16>
// AVX2:         llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%[[H2]], %{{.*}}) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// AVX2:         return %[[R1]]
// AVX2-NOT:     qc.dot_u8s8

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

func.func @dots_group(%acc: vector<16xi32>, %x: i32, %w: vector<64xi8>) -> vector<16xi32> {
  %s = vector.broadcast %x : i32 to vector<16xi32>
  %a = vector.bitcast %s : vector<16xi32> to vector<64xi8>
  %0 = qc.dot_u8s8 %acc, %a, %w : vector<64xi8> -> vector<16xi32>
  return %0 : vector<16xi32>
}

// The 7-bit promise changes the AVX2 lowering only.
// VNNI-LABEL: func.func @dots_i7
// VNNI:         llvm.x86.avx512.vpdpbusd.512
// I8MM-LABEL: func.func @dots_i7
// I8MM-COUNT-5: llvm.aarch64.neon.usdot
// DOTPROD-LABEL: func.func @dots_i7
// DOTPROD:       llvm.aarch64.neon.sdot
// GENERIC-LABEL: func.func @dots_i7
// GENERIC-NOT:   llvm.call_intrinsic
func.func @dots_i7(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>,
                   %acc4: vector<4xi32>, %a4: vector<16xi8>) -> (vector<16xi32>, vector<4xi32>) {
  %0 = qc.dot_u8s8 %acc, %a, %w {rhs_fits_i7} : vector<64xi8> -> vector<16xi32>
  %1 = qc.dot_u8s8 %acc4, %a4, %a4 {rhs_fits_i7} : vector<16xi8> -> vector<4xi32>
  return %0, %1 : vector<16xi32>, vector<4xi32>
}
