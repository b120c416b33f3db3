// Dynamic sizes that must agree are checked at run time: a mismatch is a
// clean error naming the op's location, not an out-of-bounds read. The
// check costs one comparison per op.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/r3.npy', np.ones((3, 4), np.float32)); np.save('%t/r5.npy', np.full((5, 4), 2, np.float32))"
// RUN: not quant-runner %s --input %t/r3.npy --input %t/r5.npy 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: not quant-runner %s --input %t/r5.npy --input %t/r3.npy --json 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: quant-runner: error: @add: a run-time check failed: dimension #0 of input/output operand #1 is incompatible with inferred dimension size (at {{.*}}runtime-checks.mlir:[[@LINE+9]]:8)
// MISMATCH-NOT: ERROR: Runtime op verification failed
// RUN: quant-runner %s --input %t/r5.npy --input %t/r5.npy --output-dir %t/ok
// RUN: %python -c "import numpy as np; assert np.array_equal(np.load('%t/ok/result0.npy'), np.full((5, 4), 4, np.float32))"

func.func @add(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?x4xf32>
  %r = linalg.add ins(%a, %b : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
