// Every supported element type across the boundary: i4 (one per byte,
// sign-extended from the low nibble), u4 (zero-extended), i8 and u8 storage,
// f16, i1 (bool), ui8, i16, i32, i64, f64.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; d = '%t/'; np.save(d + 'i4a.npy', np.array([7, -8, -1, 3], np.int8)); np.save(d + 'i4b.npy', np.array([1, -1, -1, 4], np.int8)); np.save(d + 'u4.npy', np.array([0, 15, 8, 7], np.uint8)); np.save(d + 'h.npy', np.array([1.5, -2, 0.25], np.float16)); np.save(d + 'p.npy', np.array([True, False, True])); np.save(d + 'w.npy', np.array([200, 3], np.uint8))"
// RUN: quant-runner %s --function sub_byte --input %t/i4a.npy --input %t/i4b.npy --input %t/u4.npy --input %t/h.npy --input %t/p.npy --input %t/w.npy --output-dir %t/out | FileCheck %s
// RUN: %python -c "import numpy as np; r = [np.load('%t/out/result%%d.npy' %% i) for i in range(7)]; assert r[0].dtype == np.int8 and r[0].tolist() == [-8, 7, -2, 7], r[0]; assert r[1].tolist() == [7, -8, -1, 3]; assert r[2].dtype == np.uint8 and r[2].tolist() == [0, 15, 8, 7]; assert r[3].dtype == np.int8 and r[3].tolist() == [0, 15, 8, 7]; assert r[4].dtype == np.float16 and r[4].tolist() == [2.25, 4.0, 0.0625]; assert r[5].dtype == np.bool_ and r[5].tolist() == [False, True, False]; assert r[6].dtype == np.uint8 and r[6].tolist() == [200, 3]"
// RUN: %python -c "import numpy as np; d = '%t/'; np.save(d + 'q8.npy', np.array([-128, -1, 0, 127], np.int8)); np.save(d + 'u8.npy', np.array([0, 128, 255, 1], np.uint8)); np.save(d + 'i16.npy', np.array([-32768, 32767], np.int16)); np.save(d + 'i32.npy', np.array([-2**31, 5], np.int32)); np.save(d + 'i64.npy', np.array([2**40, -3], np.int64)); np.save(d + 'f64.npy', np.array([0.1, -1e300]))"
// RUN: quant-runner %s --function wide --input %t/q8.npy --input %t/u8.npy --input %t/i16.npy --input %t/i32.npy --input %t/i64.npy --input %t/f64.npy --output-dir %t/wide
// RUN: %python -c "import numpy as np; r = [np.load('%t/wide/result%%d.npy' %% i) for i in range(6)]; assert r[0].dtype == np.int8 and r[0].tolist() == [-128, -1, 0, 127]; assert r[1].dtype == np.uint8 and r[1].tolist() == [0, 128, 255, 1]; assert r[2].dtype == np.int16 and r[2].tolist() == [-32767, -32768]; assert r[3].dtype == np.int32 and r[3].tolist() == [-2**31 + 1, 6]; assert r[4].dtype == np.int64 and r[4].tolist() == [2**40 + 1, -2]; assert r[5].dtype == np.float64 and r[5].tolist() == [0.2, -2e300]"

// CHECK: result0: int8[4]
// CHECK-NEXT: result1: int8[4]
// CHECK-NEXT: result2: uint8[4]
// CHECK-NEXT: result3: int8[4]
// CHECK-NEXT: result4: float16[3]
// CHECK-NEXT: result5: bool[3]
// CHECK-NEXT: result6: uint8[2]

#m = affine_map<(d0) -> (d0)>
!u4 = !quant.uniform<u4:f32, 1.0>
func.func @sub_byte(%a: tensor<4xi4>, %b: tensor<4xi4>, %u: tensor<4x!u4>,
                    %h: tensor<3xf16>, %p: tensor<3xi1>, %w: tensor<2xui8>)
    -> (tensor<4xi4>, tensor<4xi8>, tensor<4x!u4>, tensor<4xi8>,
        tensor<3xf16>, tensor<3xi1>, tensor<2xui8>) {
  // i4 arithmetic wraps: 7 + 1 = -8, -8 + -1 = 7.
  %e4 = tensor.empty() : tensor<4xi4>
  %s = linalg.add ins(%a, %b : tensor<4xi4>, tensor<4xi4>) outs(%e4 : tensor<4xi4>) -> tensor<4xi4>
  %e8 = tensor.empty() : tensor<4xi8>
  %x = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
      ins(%a : tensor<4xi4>) outs(%e8 : tensor<4xi8>) {
  ^bb0(%i: i4, %o: i8):
    %y = arith.extsi %i : i4 to i8
    linalg.yield %y : i8
  } -> tensor<4xi8>
  %us = quant.scast %u : tensor<4x!u4> to tensor<4xi4>
  %z = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
      ins(%us : tensor<4xi4>) outs(%e8 : tensor<4xi8>) {
  ^bb0(%i: i4, %o: i8):
    %y = arith.extui %i : i4 to i8
    linalg.yield %y : i8
  } -> tensor<4xi8>
  %eh = tensor.empty() : tensor<3xf16>
  %hh = linalg.mul ins(%h, %h : tensor<3xf16>, tensor<3xf16>) outs(%eh : tensor<3xf16>) -> tensor<3xf16>
  %eb = tensor.empty() : tensor<3xi1>
  %np = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
      ins(%p : tensor<3xi1>) outs(%eb : tensor<3xi1>) {
  ^bb0(%i: i1, %o: i1):
    %t = arith.constant true
    %y = arith.xori %i, %t : i1
    linalg.yield %y : i1
  } -> tensor<3xi1>
  return %s, %x, %u, %z, %hh, %np, %w
      : tensor<4xi4>, tensor<4xi8>, tensor<4x!u4>, tensor<4xi8>, tensor<3xf16>,
        tensor<3xi1>, tensor<2xui8>
}

!u8 = !quant.uniform<u8:f32, 0.5:128>
func.func @wide(%q: tensor<4xi8>, %u: tensor<4x!u8>, %a: tensor<2xi16>,
                %b: tensor<2xi32>, %c: tensor<2xi64>, %d: tensor<2xf64>)
    -> (tensor<4xi8>, tensor<4x!u8>, tensor<2xi16>, tensor<2xi32>,
        tensor<2xi64>, tensor<2xf64>) {
  %one16 = arith.constant dense<1> : tensor<2xi16>
  %e16 = tensor.empty() : tensor<2xi16>
  %a1 = linalg.add ins(%a, %one16 : tensor<2xi16>, tensor<2xi16>) outs(%e16 : tensor<2xi16>) -> tensor<2xi16>
  %one32 = arith.constant dense<1> : tensor<2xi32>
  %e32 = tensor.empty() : tensor<2xi32>
  %b1 = linalg.add ins(%b, %one32 : tensor<2xi32>, tensor<2xi32>) outs(%e32 : tensor<2xi32>) -> tensor<2xi32>
  %one64 = arith.constant dense<1> : tensor<2xi64>
  %e64 = tensor.empty() : tensor<2xi64>
  %c1 = linalg.add ins(%c, %one64 : tensor<2xi64>, tensor<2xi64>) outs(%e64 : tensor<2xi64>) -> tensor<2xi64>
  %ef = tensor.empty() : tensor<2xf64>
  %d2 = linalg.add ins(%d, %d : tensor<2xf64>, tensor<2xf64>) outs(%ef : tensor<2xf64>) -> tensor<2xf64>
  return %q, %u, %a1, %b1, %c1, %d2
      : tensor<4xi8>, tensor<4x!u8>, tensor<2xi16>, tensor<2xi32>,
        tensor<2xi64>, tensor<2xf64>
}
