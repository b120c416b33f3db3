// Several results of different types and ranks; results that alias an
// argument, each other or a constant are still returned as separate
// caller-owned copies (the runner frees every buffer once).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.arange(6, dtype=np.float32).reshape(2, 3))"
// RUN: quant-runner %s --input %t/x.npy --output-dir %t/out | FileCheck %s
// RUN: %python -c "import numpy as np; x = np.load('%t/x.npy'); r = [np.load('%t/out/result%%d.npy' %% i) for i in range(6)]; assert np.array_equal(r[0], x * 2) and np.array_equal(r[1], x * 2); assert np.array_equal(r[2], x); assert np.array_equal(r[3], x.reshape(6)); assert r[4].dtype == np.int32 and np.array_equal(r[4], [1, 2, 3]); assert r[5].shape == () and r[5].dtype == np.float32 and r[5] == 15.0"

// CHECK: @results: 1 input(s), 6 result(s)
// CHECK-NEXT: result0: float32[2,3]
// CHECK-NEXT: result1: float32[2,3]
// CHECK-NEXT: result2: float32[2,3]
// CHECK-NEXT: result3: float32[6]
// CHECK-NEXT: result4: int32[3]
// CHECK-NEXT: result5: float32[]

func.func @results(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<6xf32>,
        tensor<3xi32>, tensor<f32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %d = linalg.add ins(%x, %x : tensor<2x3xf32>, tensor<2x3xf32>)
                  outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %c = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %zero = arith.constant 0.0 : f32
  %s0 = tensor.empty() : tensor<f32>
  %s1 = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.reduce ins(%flat : tensor<6xf32>) outs(%s1 : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32
    }
  return %d, %d, %x, %flat, %c, %sum
      : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<6xf32>,
        tensor<3xi32>, tensor<f32>
}
