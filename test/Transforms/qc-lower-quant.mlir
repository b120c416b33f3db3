// RUN: quant-opt %s -split-input-file -qc-lower-quant | FileCheck %s
// The output carries no qc op and no quantized type anywhere.
// RUN: quant-opt %s -split-input-file -qc-lower-quant | FileCheck %s --check-prefix=CLEAN
// CLEAN-NOT: qc.
// CLEAN-NOT: !quant
// CLEAN-NOT: quant.scast
// The lowered IR is well-formed and keeps verifying after canonicalization.
// RUN: quant-opt %s -split-input-file -qc-lower-quant -canonicalize -verify-each | FileCheck %s --check-prefix=CLEAN

// Per-tensor i8, default rounding: divide in f32, round half to even before
// adding the zero point, NaN -> 0 (so the result is zp), clamp in float to
// [qmin - zp, qmax - zp] (exact in f32), convert, add zp, truncate.
// CHECK-LABEL: func.func @quantize_i8
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>) -> tensor<4xi8>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4xi8>
// CHECK:         %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]]], iterator_types = ["parallel"]} ins(%[[X]] : tensor<4xf32>) outs(%[[E]] : tensor<4xi8>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: i8):
// CHECK-DAG:       %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:       %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:       %[[LO:.*]] = arith.constant -1.310000e+02 : f32
// CHECK-DAG:       %[[HI:.*]] = arith.constant 1.240000e+02 : f32
// CHECK-DAG:       %[[ZP:.*]] = arith.constant 3 : i32
// CHECK:           %[[T:.*]] = arith.divf %[[IN]], %[[S]] : f32
// CHECK-NEXT:      %[[R:.*]] = math.roundeven %[[T]] : f32
// CHECK-NEXT:      %[[NAN:.*]] = arith.cmpf uno, %[[R]], %[[R]] : f32
// CHECK-NEXT:      %[[R1:.*]] = arith.select %[[NAN]], %[[ZERO]], %[[R]] : f32
// CHECK-NEXT:      %[[R2:.*]] = arith.maximumf %[[R1]], %[[LO]] : f32
// CHECK-NEXT:      %[[R3:.*]] = arith.minimumf %[[R2]], %[[HI]] : f32
// CHECK-NEXT:      %[[I:.*]] = arith.fptosi %[[R3]] : f32 to i32
// CHECK-NEXT:      %[[Q:.*]] = arith.addi %[[I]], %[[ZP]] : i32
// CHECK-NEXT:      %[[Q8:.*]] = arith.trunci %[[Q]] : i32 to i8
// CHECK-NEXT:      linalg.yield %[[Q8]] : i8
// CHECK:         return %[[G]] : tensor<4xi8>
func.func @quantize_i8(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// half_away_from_zero uses math.round; a zero point of 0 adds nothing.
// CHECK-LABEL: func.func @quantize_half_away
// CHECK:         arith.divf
// CHECK-NEXT:    math.round %{{.*}} : f32
// CHECK-NOT:     arith.addi
// CHECK:         arith.trunci %{{.*}} : i32 to i8
func.func @quantize_half_away(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  %q = qc.quantize %x rounding = half_away_from_zero : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.25>>
}

// -----

// u8: storage i8 (the bits of 0..255); the float window is [0-128, 255-128].
// The scale 0.1 is rounded to f32 (1.000000e-01 is the f32 nearest 0.1).
// CHECK-LABEL: func.func @quantize_u8
// CHECK-SAME:    -> tensor<2x3xi8>
// CHECK-DAG:     arith.constant 1.000000e-01 : f32
// CHECK-DAG:     %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK-DAG:     %[[ZP:.*]] = arith.constant 128 : i32
// CHECK:         arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK:         arith.minimumf %{{.*}}, %[[HI]] : f32
// CHECK:         arith.addi %{{.*}}, %[[ZP]] : i32
// CHECK-NEXT:    arith.trunci %{{.*}} : i32 to i8
func.func @quantize_u8(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:128>> {
  %q = qc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.1:128>>
  return %q : tensor<2x3x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// Narrow range i8<-127:127> with zp -2: window [-125, 129].
// CHECK-LABEL: func.func @quantize_narrow
// CHECK-DAG:     arith.constant -1.250000e+02 : f32
// CHECK-DAG:     arith.constant 1.290000e+02 : f32
// CHECK-DAG:     arith.constant -2 : i32
func.func @quantize_narrow(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5:-2>> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5:-2>>
  return %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5:-2>>
}

// -----

// i4 and u4 storage are i4 tensors; i16 stays in an i32 wide type.
// CHECK-LABEL: func.func @quantize_sub_byte_and_i16
// CHECK-SAME:    -> (tensor<4xi4>, tensor<4xi4>, tensor<4xi16>)
// CHECK:         arith.constant -7.000000e+00 : f32
// CHECK:         arith.constant 8.000000e+00 : f32
// CHECK:         arith.trunci %{{.*}} : i32 to i4
// CHECK:         arith.constant -8.000000e+00 : f32
// CHECK:         arith.constant 7.000000e+00 : f32
// CHECK:         arith.trunci %{{.*}} : i32 to i4
// CHECK:         arith.constant -3.276800e+04 : f32
// CHECK:         arith.constant 3.276700e+04 : f32
// CHECK:         arith.trunci %{{.*}} : i32 to i16
func.func @quantize_sub_byte_and_i16(%x: tensor<4xf32>) -> (tensor<4x!quant.uniform<i4:f32, 0.25:-1>>, tensor<4x!quant.uniform<u4:f32, 0.25:8>>, tensor<4x!quant.uniform<i16:f32, 0.001>>) {
  %a = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i4:f32, 0.25:-1>>
  %b = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u4:f32, 0.25:8>>
  %c = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.001>>
  return %a, %b, %c : tensor<4x!quant.uniform<i4:f32, 0.25:-1>>, tensor<4x!quant.uniform<u4:f32, 0.25:8>>, tensor<4x!quant.uniform<i16:f32, 0.001>>
}

// -----

// i32 storage with f32 compute: qmax - zp is not exact in f32, so the float
// clamp only keeps fptosi in range (+-2^33) and the exact clamp is done on
// i64 after adding the zero point.
// CHECK-LABEL: func.func @quantize_i32
// CHECK-DAG:     %[[LO:.*]] = arith.constant -8.58993459E+9 : f32
// CHECK-DAG:     %[[HI:.*]] = arith.constant 8.58993459E+9 : f32
// CHECK-DAG:     %[[ZP:.*]] = arith.constant 7 : i64
// CHECK-DAG:     %[[QMIN:.*]] = arith.constant -2147483648 : i64
// CHECK-DAG:     %[[QMAX:.*]] = arith.constant 2147483647 : i64
// CHECK:         arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK-NEXT:    arith.minimumf %{{.*}}, %[[HI]] : f32
// CHECK-NEXT:    %[[I:.*]] = arith.fptosi %{{.*}} : f32 to i64
// CHECK-NEXT:    %[[A:.*]] = arith.addi %[[I]], %[[ZP]] : i64
// CHECK-NEXT:    %[[B:.*]] = arith.maxsi %[[A]], %[[QMIN]] : i64
// CHECK-NEXT:    %[[C:.*]] = arith.minsi %[[B]], %[[QMAX]] : i64
// CHECK-NEXT:    arith.trunci %[[C]] : i64 to i32
func.func @quantize_i32(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i32:f32, 0.001:7>> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 0.001:7>>
  return %q : tensor<4x!quant.uniform<i32:f32, 0.001:7>>
}

// -----

// f64 computes in f64, where the i32 window is exact: no integer clamp.
// CHECK-LABEL: func.func @quantize_f64_i32
// CHECK-DAG:     arith.constant 0xC1E0000000E00000 : f64
// CHECK-DAG:     arith.constant 0x41DFFFFFFE000000 : f64
// CHECK:         arith.divf %{{.*}}, %{{.*}} : f64
// CHECK:         arith.fptosi %{{.*}} : f64 to i64
// CHECK-NOT:     arith.maxsi
// CHECK:         arith.trunci %{{.*}} : i64 to i32
func.func @quantize_f64_i32(%x: tensor<4xf64>) -> tensor<4x!quant.uniform<i32:f64, 0.001:7>> {
  %q = qc.quantize %x : tensor<4xf64> -> tensor<4x!quant.uniform<i32:f64, 0.001:7>>
  return %q : tensor<4x!quant.uniform<i32:f64, 0.001:7>>
}

// -----

// f16 and bf16 are extended to f32 and divided by the f32 scale; bf16 by
// moving its bits to the high half (exact, whatever the host's bf16
// instructions do with subnormals).
// CHECK-LABEL: func.func @quantize_half
// CHECK:         ^bb0(%[[IN:.*]]: f16,
// CHECK:           %[[W:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK-NEXT:      arith.divf %[[W]], %{{.*}} : f32
// CHECK:         ^bb0(%[[IN2:.*]]: bf16,
// CHECK:           %[[B:.*]] = arith.bitcast %[[IN2]] : bf16 to i16
// CHECK-NEXT:      %[[E:.*]] = arith.extui %[[B]] : i16 to i32
// CHECK-NEXT:      %[[C16:.*]] = arith.constant 16 : i32
// CHECK-NEXT:      %[[S:.*]] = arith.shli %[[E]], %[[C16]] : i32
// CHECK-NEXT:      %[[W2:.*]] = arith.bitcast %[[S]] : i32 to f32
// CHECK-NEXT:      arith.divf %[[W2]], %{{.*}} : f32
func.func @quantize_half(%x: tensor<4xf16>, %y: tensor<4xbf16>) -> (tensor<4x!quant.uniform<i8:f16, 0.1>>, tensor<4x!quant.uniform<i8:bf16, 0.1>>) {
  %a = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f16, 0.1>>
  %b = qc.quantize %y : tensor<4xbf16> -> tensor<4x!quant.uniform<i8:bf16, 0.1>>
  return %a, %b : tensor<4x!quant.uniform<i8:f16, 0.1>>, tensor<4x!quant.uniform<i8:bf16, 0.1>>
}

// -----

// Per-axis along dimension 1 of a rank-3 tensor: scales and zero points are
// constant tensors read through the map (d0, d1, d2) -> (d1); differing zero
// points need the exact integer clamp after the wide float window.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$AX1:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK-DAG:     %[[SC:.*]] = arith.constant dense<[1.000000e-01, 2.000000e-01, 4.000000e-01]> : tensor<3xf32>
// CHECK-DAG:     %[[ZPS:.*]] = arith.constant dense<[0, 5, -5]> : tensor<3xi32>
// CHECK:         linalg.generic {indexing_maps = [#[[$ID3]], #[[$AX1]], #[[$AX1]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}}, %[[SC]], %[[ZPS]] : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xi32>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %[[S:.*]]: f32, %[[ZP:.*]]: i32, %{{.*}}: i8):
// CHECK-DAG:       %[[LO:.*]] = arith.constant -1.330000e+02 : f32
// CHECK-DAG:       %[[HI:.*]] = arith.constant 1.320000e+02 : f32
// CHECK-DAG:       %[[QMIN:.*]] = arith.constant -128 : i32
// CHECK-DAG:       %[[QMAX:.*]] = arith.constant 127 : i32
// CHECK:           arith.divf %[[IN]], %[[S]] : f32
// CHECK:           arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK:           arith.minimumf %{{.*}}, %[[HI]] : f32
// CHECK:           %[[A:.*]] = arith.addi %{{.*}}, %[[ZP]] : i32
// CHECK-NEXT:      %[[B:.*]] = arith.maxsi %[[A]], %[[QMIN]] : i32
// CHECK-NEXT:      %[[C:.*]] = arith.minsi %[[B]], %[[QMAX]] : i32
// CHECK-NEXT:      arith.trunci %[[C]] : i32 to i8
func.func @quantize_per_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1, 0.2:5, 0.4:-5}>> {
  %q = qc.quantize %x : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1, 0.2:5, 0.4:-5}>>
  return %q : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1, 0.2:5, 0.4:-5}>>
}

// -----

// Per-axis with equal zero points (symmetric weights, narrow range): the
// zero point is a scalar and the float window is already exact.
// CHECK-DAG: #[[$AX0:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @quantize_per_axis_symmetric
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[$AX0]], #{{.*}}]
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : tensor<2x5xf32>, tensor<2xf32>)
// CHECK:           arith.constant -1.270000e+02 : f32
// CHECK:           arith.constant 1.270000e+02 : f32
// CHECK-NOT:       arith.maxsi
// CHECK-NOT:       arith.addi
// CHECK:           linalg.yield
func.func @quantize_per_axis_symmetric(%x: tensor<2x5xf32>) -> tensor<2x5x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.125}>> {
  %q = qc.quantize %x : tensor<2x5xf32> -> tensor<2x5x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.125}>>
  return %q : tensor<2x5x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.125}>>
}

// -----

// Dynamic dimensions size the result from the input; a dynamic quantized
// axis is checked at run time against the number of channels.
// CHECK-LABEL: func.func @quantize_dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<?x?xf32>) -> tensor<?x?xi8>
// CHECK:         %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[D1:.*]] = tensor.dim %[[X]], %[[C1]] : tensor<?x?xf32>
// CHECK-NEXT:    %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT:    %[[OK:.*]] = arith.cmpi eq, %[[D1]], %[[C2]] : index
// CHECK-NEXT:    cf.assert %[[OK]], "qc-lower-quant: dimension 1 of a per-axis quantized tensor must have 2 elements"
// CHECK:         %[[A:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK:         %[[B:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK:         tensor.empty(%[[A]], %[[B]]) : tensor<?x?xi8>
func.func @quantize_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?x!quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>> {
  %q = qc.quantize %x : tensor<?x?xf32> -> tensor<?x?x!quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>>
  return %q : tensor<?x?x!quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>>
}

// -----

// Dequantize: extend (sign or zero), subtract zp in the wide type, convert,
// multiply by the f32 scale; 16-bit floats are rounded once at the end.
// CHECK-LABEL: func.func @dequantize
// CHECK-SAME:    (%[[A:.*]]: tensor<4xi8>, %[[B:.*]]: tensor<4xi8>, %[[C:.*]]: tensor<?xi32>, %[[D:.*]]: tensor<4xi4>)
// CHECK:         ins(%[[A]] : tensor<4xi8>)
// CHECK:           %[[E:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT:      %[[S:.*]] = arith.subi %[[E]], %{{.*}} : i32
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[S]] : i32 to f32
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[F]], %{{.*}} : f32
// CHECK-NEXT:      linalg.yield %[[M]] : f32
// CHECK:         ins(%[[B]] : tensor<4xi8>)
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.truncf %{{.*}} : f32 to f16
// CHECK:         tensor.dim %[[C]]
// CHECK:         ins(%[[C]] : tensor<?xi32>)
// CHECK:           arith.extsi %{{.*}} : i32 to i64
// CHECK-NEXT:      arith.subi
// CHECK-NEXT:      arith.sitofp %{{.*}} : i64 to f32
// bf16 is rounded to nearest even with integer ops (keeps subnormals, which
// the x86 vcvtneps2bf16 that arith.truncf may become would flush).
// CHECK:         ins(%[[D]] : tensor<4xi4>)
// CHECK:           arith.extsi %{{.*}} : i4 to i32
// CHECK-NOT:       arith.subi
// CHECK:           %[[Y:.*]] = arith.mulf
// CHECK-NEXT:      %[[BITS:.*]] = arith.bitcast %[[Y]] : f32 to i32
// CHECK-NEXT:      %[[C16:.*]] = arith.constant 16 : i32
// CHECK-NEXT:      %[[SH:.*]] = arith.shrui %[[BITS]], %[[C16]] : i32
// CHECK-NEXT:      %[[C1:.*]] = arith.constant 1 : i32
// CHECK-NEXT:      %[[LSB:.*]] = arith.andi %[[SH]], %[[C1]] : i32
// CHECK-NEXT:      %[[C7F:.*]] = arith.constant 32767 : i32
// CHECK-NEXT:      %[[BIAS:.*]] = arith.addi %[[LSB]], %[[C7F]] : i32
// CHECK-NEXT:      %[[SUM:.*]] = arith.addi %[[BITS]], %[[BIAS]] : i32
// CHECK-NEXT:      %[[HI:.*]] = arith.shrui %[[SUM]], %[[C16]] : i32
// CHECK-NEXT:      %[[H16:.*]] = arith.trunci %[[HI]] : i32 to i16
// CHECK-NEXT:      %[[BF:.*]] = arith.bitcast %[[H16]] : i16 to bf16
// CHECK-NEXT:      linalg.yield %[[BF]] : bf16
func.func @dequantize(%a: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>,
                      %b: tensor<4x!quant.uniform<u8:f16, 0.5:128>>,
                      %c: tensor<?x!quant.uniform<i32:f32, 0.001:-1000>>,
                      %d: tensor<4x!quant.uniform<i4:bf16, 0.25>>)
    -> (tensor<4xf32>, tensor<4xf16>, tensor<?xf32>, tensor<4xbf16>) {
  %0 = qc.dequantize %a : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %1 = qc.dequantize %b : tensor<4x!quant.uniform<u8:f16, 0.5:128>> -> tensor<4xf16>
  %2 = qc.dequantize %c : tensor<?x!quant.uniform<i32:f32, 0.001:-1000>> -> tensor<?xf32>
  %3 = qc.dequantize %d : tensor<4x!quant.uniform<i4:bf16, 0.25>> -> tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf16>, tensor<?xf32>, tensor<4xbf16>
}

// -----

// Per-axis dequantize on the last axis of a rank-4 tensor.
// CHECK-DAG: #[[$AX3:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @dequantize_per_axis
// CHECK-DAG:     %[[ZPS:.*]] = arith.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-DAG:     %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[$AX3]], #[[$AX3]], #{{.*}}]
// CHECK-SAME:      ins(%{{.*}}, %[[ZPS]], %[[SC]] : tensor<1x2x3x2xi8>, tensor<2xi32>, tensor<2xf32>)
func.func @dequantize_per_axis(%q: tensor<1x2x3x2x!quant.uniform<i8:f32:3, {0.5:1, 0.25:2}>>) -> tensor<1x2x3x2xf32> {
  %0 = qc.dequantize %q : tensor<1x2x3x2x!quant.uniform<i8:f32:3, {0.5:1, 0.25:2}>> -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

// -----

// Integer requantize, single rounding: ratio 0.001 / 0.05 = 0.02 gives
// multiplier round(0.64 * 2^31) = 1374389535 and shift 31 + 5 = 36; the
// rounding term is 2^35. i32 input with zp 0 cannot overflow i64.
// CHECK-LABEL: func.func @requantize_single
// CHECK-SAME:    (%[[X:.*]]: tensor<4xi32>) -> tensor<4xi8>
// CHECK:         ^bb0(%[[IN:.*]]: i32, %{{.*}}: i8):
// CHECK-DAG:       %[[M:.*]] = arith.constant 1374389535 : i64
// CHECK-DAG:       %[[S:.*]] = arith.constant 36 : i64
// CHECK-DAG:       %[[R:.*]] = arith.constant 34359738368 : i64
// CHECK-DAG:       %[[ZP:.*]] = arith.constant -3 : i64
// CHECK-DAG:       %[[QMIN:.*]] = arith.constant -128 : i64
// CHECK-DAG:       %[[QMAX:.*]] = arith.constant 127 : i64
// CHECK:           %[[V:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK-NEXT:      %[[P:.*]] = arith.muli %[[V]], %[[M]] : i64
// CHECK-NEXT:      %[[T:.*]] = arith.addi %[[P]], %[[R]] : i64
// CHECK-NEXT:      %[[SH:.*]] = arith.shrsi %[[T]], %[[S]] : i64
// CHECK-NEXT:      %[[O:.*]] = arith.addi %[[SH]], %[[ZP]] : i64
// CHECK-NEXT:      %[[C1:.*]] = arith.maxsi %[[O]], %[[QMIN]] : i64
// CHECK-NEXT:      %[[C2:.*]] = arith.minsi %[[C1]], %[[QMAX]] : i64
// CHECK-NEXT:      %[[Q:.*]] = arith.trunci %[[C2]] : i64 to i8
// CHECK-NEXT:      linalg.yield %[[Q]] : i8
func.func @requantize_single(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  %q = qc.requantize %x mode = single_round : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// Double rounding with shift 36 > 31: the rounding term is 2^35 + 2^30 for
// d >= 0 and 2^35 - 2^30 for d < 0, selected on the sign of d = q - zp_in.
// CHECK-LABEL: func.func @requantize_double
// CHECK-DAG:       %[[ZPIN:.*]] = arith.constant 4 : i64
// CHECK-DAG:       %[[RPOS:.*]] = arith.constant 35433480192 : i64
// CHECK-DAG:       %[[RNEG:.*]] = arith.constant 33285996544 : i64
// CHECK-DAG:       %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK:           %[[V:.*]] = arith.extsi %{{.*}} : i16 to i64
// CHECK-NEXT:      %[[D:.*]] = arith.subi %[[V]], %[[ZPIN]] : i64
// CHECK-NEXT:      %[[P:.*]] = arith.muli %[[D]], %{{.*}} : i64
// CHECK-NEXT:      %[[NN:.*]] = arith.cmpi sge, %[[D]], %[[ZERO]] : i64
// CHECK-NEXT:      %[[R:.*]] = arith.select %[[NN]], %[[RPOS]], %[[RNEG]] : i64
// CHECK-NEXT:      %[[T:.*]] = arith.addi %[[P]], %[[R]] : i64
// CHECK-NEXT:      arith.shrsi %[[T]], %{{.*}} : i64
func.func @requantize_double(%x: tensor<4x!quant.uniform<i16:f32, 0.001:4>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>> {
  %q = qc.requantize %x mode = double_round : tensor<4x!quant.uniform<i16:f32, 0.001:4>> -> tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// Double rounding with a shift <= 31 has one rounding term: no select.
// Ratio 0.5 / 0.25 = 2: multiplier 2^30, shift 29, term 2^28.
// CHECK-LABEL: func.func @requantize_double_small_shift
// CHECK-DAG:       arith.constant 1073741824 : i64
// CHECK-DAG:       arith.constant 29 : i64
// CHECK-DAG:       arith.constant 268435456 : i64
// CHECK-NOT:       arith.select
// CHECK:           linalg.yield
func.func @requantize_double_small_shift(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  %q = qc.requantize %x mode = double_round : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.25>>
}

// -----

// i32 input with zp -2^31 (|d| up to 2^32 - 1) and a multiplier near 2^31 at
// shift 61: d * M + R could overflow i64, so the split form is used:
// (p >> s) + ((p & (2^s - 1)) >= 2^s - R).
// CHECK-LABEL: func.func @requantize_split
// CHECK-DAG:       %[[M:.*]] = arith.constant 2040109466 : i64
// CHECK-DAG:       %[[S:.*]] = arith.constant 61 : i64
// CHECK-DAG:       %[[MASK:.*]] = arith.constant 2305843009213693951 : i64
// CHECK-DAG:       %[[THR:.*]] = arith.constant 1152921504606846976 : i64
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %[[M]] : i64
// CHECK-NEXT:      %[[H:.*]] = arith.shrsi %[[P]], %[[S]] : i64
// CHECK-NEXT:      %[[L:.*]] = arith.andi %[[P]], %[[MASK]] : i64
// CHECK-NEXT:      %[[C:.*]] = arith.cmpi sge, %[[L]], %[[THR]] : i64
// CHECK-NEXT:      %[[E:.*]] = arith.extui %[[C]] : i1 to i64
// CHECK-NEXT:      arith.addi %[[H]], %[[E]] : i64
func.func @requantize_split(%x: tensor<4x!quant.uniform<i32:f32, 0.95:-2147483648>>) -> tensor<4x!quant.uniform<i8:f32, 1073741824.0>> {
  %q = qc.requantize %x mode = single_round : tensor<4x!quant.uniform<i32:f32, 0.95:-2147483648>> -> tensor<4x!quant.uniform<i8:f32, 1073741824.0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1073741824.0>>
}

// -----

// Float requantize: f32(d) * f32(s_in / s_out), round half to even, then
// the same saturation as quantize (u8 output, window [-128, 127]).
// CHECK-LABEL: func.func @requantize_float
// CHECK-DAG:       %[[RHO:.*]] = arith.constant 2.000000e-02 : f32
// CHECK:           %[[V:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[V]] : i64 to f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[F]], %[[RHO]] : f32
// CHECK-NEXT:      %[[R:.*]] = math.roundeven %[[P]] : f32
// CHECK-NEXT:      arith.maximumf %[[R]], %{{.*}} : f32
// CHECK-NEXT:      arith.minimumf
// CHECK-NEXT:      arith.fptosi %{{.*}} : f32 to i32
// CHECK-NEXT:      arith.addi
// CHECK-NEXT:      arith.trunci %{{.*}} : i32 to i8
func.func @requantize_float(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<u8:f32, 0.05:128>> {
  %q = qc.requantize %x mode = float_scale : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.05:128>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.05:128>>
}

// -----

// Per-axis input, per-tensor output: per-channel shifts and rounding terms
// are constant tensors along the axis; the multiplier, equal on every
// channel (ratios 0.02, 0.04, 0.08 share a mantissa), is a scalar.
// CHECK-DAG: #[[$AXR:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @requantize_per_axis
// CHECK-DAG:     %[[SS:.*]] = arith.constant dense<[36, 35, 34]> : tensor<3xi64>
// CHECK-DAG:     %[[RS:.*]] = arith.constant dense<[34359738368, 17179869184, 8589934592]> : tensor<3xi64>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[$AXR]], #[[$AXR]], #{{.*}}]
// CHECK-SAME:      ins(%{{.*}}, %[[SS]], %[[RS]] : tensor<4x3xi32>, tensor<3xi64>, tensor<3xi64>)
// CHECK-NEXT:    ^bb0(%{{.*}}: i32, %[[S:.*]]: i64, %[[R:.*]]: i64, %{{.*}}: i8):
// CHECK:           %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i64
// CHECK-NEXT:      %[[T:.*]] = arith.addi %[[P]], %[[R]] : i64
// CHECK-NEXT:      arith.shrsi %[[T]], %[[S]] : i64
func.func @requantize_per_axis(%x: tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>>) -> tensor<4x3x!quant.uniform<i8:f32, 0.05:-3>> {
  %q = qc.requantize %x mode = single_round : tensor<4x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.004}>> -> tensor<4x3x!quant.uniform<i8:f32, 0.05:-3>>
  return %q : tensor<4x3x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// fake_quant is one generic: quantize to the clamped integer, then
// (q - zp) * scale, back in the float type. No storage cast, nothing folds.
// CHECK-LABEL: func.func @fake_quant
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf16>) -> tensor<2x3xf16>
// CHECK:         %[[G:.*]] = linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<2x3xf16>) outs(%{{.*}} : tensor<2x3xf16>)
// CHECK:           arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT:      arith.divf
// CHECK-NEXT:      math.round %{{.*}} : f32
// CHECK:           %[[Q:.*]] = arith.addi %{{.*}}, %[[ZP:.*]] : i32
// CHECK-NEXT:      %[[D:.*]] = arith.subi %[[Q]], %[[ZP]] : i32
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK-NEXT:      %[[Y:.*]] = arith.mulf %[[F]], %{{.*}} : f32
// CHECK-NEXT:      %[[H:.*]] = arith.truncf %[[Y]] : f32 to f16
// CHECK-NEXT:      linalg.yield %[[H]] : f16
// CHECK:         return %[[G]]
func.func @fake_quant(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = qc.fake_quant %x as !quant.uniform<u8:f16, 0.1:128> rounding = half_away_from_zero : tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

// Per-axis fake_quant along dimension 0.
// CHECK-LABEL: func.func @fake_quant_per_axis
// CHECK:         linalg.generic {indexing_maps = [#[[ID:.*]], #[[FAX:.*]], #[[FAX]], #[[ID]]]
// CHECK-SAME:      ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2xf32>, tensor<2xi32>)
// CHECK:           arith.maxsi
// CHECK:           arith.mulf
// CHECK-NOT:       arith.trunci
// CHECK:           linalg.yield %{{.*}} : f32
func.func @fake_quant_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.fake_quant %x as !quant.uniform<i8:f32:0, {0.1:1, 0.2:-1}> : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Function boundaries: quantized arguments, results and calls become storage
// types; the quant.scast pairs fold away; observers disappear.
// CHECK-LABEL: func.func private @produce(tensor<4xf32>) -> tensor<4xi8>
// CHECK-LABEL: func.func @boundary
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>, %[[Q:.*]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xf32>)
// CHECK:         %[[P:.*]] = call @produce(%[[X]]) : (tensor<4xf32>) -> tensor<4xi8>
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4xi8>)
// CHECK:         %[[D:.*]] = linalg.generic {{.*}} ins(%[[Q]] : tensor<4xi8>)
// CHECK:         return %[[R]], %[[D]] : tensor<4xi8>, tensor<4xf32>
!q8 = !quant.uniform<i8:f32, 0.5:1>
!q8b = !quant.uniform<i8:f32, 0.25:-1>
func.func private @produce(tensor<4xf32>) -> tensor<4x!q8>
func.func @boundary(%x: tensor<4xf32>, %q: tensor<4x!q8>) -> (tensor<4x!q8b>, tensor<4xf32>) {
  %o = qc.observe %x id "boundary.x" : tensor<4xf32>
  %p = call @produce(%o) : (tensor<4xf32>) -> tensor<4x!q8>
  %r = qc.requantize %p mode = double_round : tensor<4x!q8> -> tensor<4x!q8b>
  %d = qc.dequantize %q : tensor<4x!q8> -> tensor<4xf32>
  return %r, %d : tensor<4x!q8b>, tensor<4xf32>
}

// -----

// A quantize feeding a dequantize leaves no cast between the generics.
// CHECK-LABEL: func.func @chain
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi4>)
// CHECK:         } -> tensor<4xi4>
// CHECK-NEXT:    %{{.*}} = tensor.empty() : tensor<4xf32>
// CHECK-NEXT:    linalg.generic {{.*}} ins(%[[A]] : tensor<4xi4>)
func.func @chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u4:f32, 0.5:8>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<u4:f32, 0.5:8>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
