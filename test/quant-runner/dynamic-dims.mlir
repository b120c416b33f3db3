// Dynamic dimensions take the sizes of the inputs; --batch-size splits the
// first dimension and concatenates the results.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(2); np.save('%t/x.npy', rng.standard_normal((10, 6), dtype=np.float32)); np.save('%t/w.npy', rng.standard_normal((6, 4), dtype=np.float32)); np.save('%t/y.npy', rng.standard_normal((3, 5), dtype=np.float32))"
// RUN: quant-runner %s --function linear --input %t/x.npy --input %t/w.npy --output-dir %t/all
// RUN: quant-runner %s --function linear --input %t/x.npy --input %t/w.npy --output-dir %t/batched --batch-size 4 --json | FileCheck %s --check-prefix=BATCH
// RUN: %python -c "import numpy as np; x, w = np.load('%t/x.npy'), np.load('%t/w.npy'); ref = np.maximum(x @ w, 0); a, b = np.load('%t/all/result0.npy'), np.load('%t/batched/result0.npy'); assert a.shape == (10, 4) and b.shape == (10, 4); assert np.allclose(a, ref, atol=1e-5) and np.allclose(b, ref, atol=1e-5)"
// RUN: quant-runner %s --function scale2d --input %t/y.npy --output-dir %t/s | FileCheck %s --check-prefix=DYN
// RUN: %python -c "import numpy as np; y = np.load('%t/y.npy'); r = np.load('%t/s/result0.npy'); assert r.shape == (3, 5) and np.array_equal(r, y * 3)"
// A static first dimension equal to the batch size is split too (models
// exported with batch 1); the weight input goes whole to every call.
// RUN: quant-runner %s --function static_batch --input %t/x.npy --input %t/w.npy --batch-size 1 --output-dir %t/sb | FileCheck %s --check-prefix=STATIC
// RUN: %python -c "import numpy as np; x, w = np.load('%t/x.npy'), np.load('%t/w.npy'); r = np.load('%t/sb/result0.npy'); assert r.shape == (10, 4) and np.allclose(r, x @ w, atol=1e-5)"
// RUN: not quant-runner %s --function scale2d --input %t/y.npy --batch-size 2 --labels %t/x.npy 2>&1 | FileCheck %s --check-prefix=LABELS

// 10 rows in batches of 4: 3 calls, results concatenated back to 10 rows.
// BATCH: "batch_size": 4,
// BATCH: "calls": 3,
// BATCH: "outputs": [
// BATCH: "shape": [
// BATCH-NEXT: 10,
// BATCH-NEXT: 4
// BATCH-NEXT: ],
// BATCH-NEXT: "type": "tensor<?x4xf32>"

// STATIC: @static_batch: 2 input(s), 1 result(s), 10 batch(es) of 1
// STATIC-NEXT: result0: float32[10,4]

// DYN: result0: float32[3,5]
// LABELS: error: labels must be integers (int64), got float32[10,6]

func.func @linear(%x: tensor<?x6xf32>, %w: tensor<6x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x6xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<?x6xf32>, tensor<6x4xf32>)
                      outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %relu = linalg.max ins(%mm, %acc : tensor<?x4xf32>, tensor<?x4xf32>)
                     outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %relu : tensor<?x4xf32>
}

func.func @scale2d(%y: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %three = arith.constant 3.0 : f32
  %d0 = tensor.dim %y, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %y, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<?x?xf32>) outs(%e : tensor<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %three : f32
    linalg.yield %m : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func @static_batch(%x: tensor<1x6xf32>, %w: tensor<6x4xf32>) -> tensor<1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<1x6xf32>, tensor<6x4xf32>)
                      outs(%acc : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %mm : tensor<1x4xf32>
}
