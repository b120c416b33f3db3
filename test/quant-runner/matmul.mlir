// linalg.matmul with a zero-filled accumulator, and an i8 x i8 -> i32 matmul.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(1); np.save('%t/a.npy', rng.standard_normal((7, 33), dtype=np.float32)); np.save('%t/b.npy', rng.standard_normal((33, 5), dtype=np.float32)); np.save('%t/qa.npy', rng.integers(-128, 128, (7, 33), dtype=np.int8)); np.save('%t/qb.npy', rng.integers(-128, 128, (33, 5), dtype=np.int8))"
// RUN: quant-runner %s --function matmul --input %t/a.npy --input %t/b.npy --output-dir %t/f
// RUN: %python -c "import numpy as np; a, b, r = (np.load('%t/' + f) for f in ('a.npy', 'b.npy', 'f/result0.npy')); assert r.shape == (7, 5) and r.dtype == np.float32; assert np.allclose(r, a @ b, rtol=1e-5, atol=1e-5), abs(r - a @ b).max()"
// RUN: quant-runner %s --function @matmul_i8 --input %t/qa.npy --input %t/qb.npy --output-dir %t/q
// RUN: %python -c "import numpy as np; a, b, r = (np.load('%t/' + f) for f in ('qa.npy', 'qb.npy', 'q/result0.npy')); assert r.dtype == np.int32; assert np.array_equal(r, a.astype(np.int32) @ b.astype(np.int32))"

func.func @matmul(%a: tensor<7x33xf32>, %b: tensor<33x5xf32>) -> tensor<7x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<7x5xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<7x5xf32>) -> tensor<7x5xf32>
  %r = linalg.matmul ins(%a, %b : tensor<7x33xf32>, tensor<33x5xf32>)
                     outs(%acc : tensor<7x5xf32>) -> tensor<7x5xf32>
  return %r : tensor<7x5xf32>
}

func.func @matmul_i8(%a: tensor<7x33xi8>, %b: tensor<33x5xi8>) -> tensor<7x5xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<7x5xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<7x5xi32>) -> tensor<7x5xi32>
  %r = linalg.matmul ins(%a, %b : tensor<7x33xi8>, tensor<33x5xi8>)
                     outs(%acc : tensor<7x5xi32>) -> tensor<7x5xi32>
  return %r : tensor<7x5xi32>
}
