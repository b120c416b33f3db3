// Elementwise add of two static f32 tensors: outputs, human summary and JSON.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(0); np.save('%t/a.npy', rng.standard_normal((2, 3), dtype=np.float32)); np.save('%t/b.npy', rng.standard_normal((2, 3), dtype=np.float32))"
// RUN: quant-runner %s --input %t/a.npy --input %t/b.npy --output-dir %t/out | FileCheck %s
// RUN: %python -c "import numpy as np; a, b, r = (np.load('%t/' + f) for f in ('a.npy', 'b.npy', 'out/result0.npy')); assert r.dtype == np.float32 and r.shape == (2, 3); assert np.array_equal(r, a + b), r"
// RUN: quant-runner %s --input %t/a.npy --input %t/b.npy --output-dir %t/out2 --json | FileCheck %s --check-prefix=JSON
// RUN: cmp %t/out/result0.npy %t/out2/result0.npy

// CHECK: @add: 2 input(s), 1 result(s)
// CHECK-NEXT: result0: float32[2,3] -> {{.*}}out{{/|\\}}result0.npy
// CHECK-NEXT: timings: parse {{.*}}, lower {{.*}}, jit {{.*}}, run {{.*}}

// JSON: "function": "add"
// JSON: "inputs": [
// JSON: "dtype": "float32"
// JSON: "path": "{{.*}}a.npy"
// JSON: "type": "tensor<2x3xf32>"
// JSON: "outputs": [
// JSON: "dtype": "float32",
// JSON-NEXT: "index": 0,
// JSON-NEXT: "path": "{{.*}}result0.npy",
// JSON-NEXT: "shape": [
// JSON-NEXT: 2,
// JSON-NEXT: 3
// JSON-NEXT: ],
// JSON-NEXT: "type": "tensor<2x3xf32>"
// JSON: "timings": {
// JSON-DAG: "jit_s":
// JSON-DAG: "lower_s":
// JSON-DAG: "parse_s":
// JSON-DAG: "run_s":

func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %r = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>)
                  outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
