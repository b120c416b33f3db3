// --labels: top-1 accuracy of the first result taken as logits [N, C];
// --benchmark: warm-up, timed runs, median per batch and per sample.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// Logits are the input itself (identity), so the accuracy is known: rows 0-2
// have their maximum at the label, row 3 at class 0 with label 2, row 4 ties
// at classes 1 and 2 (argmax takes the first) with label 2.
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[0, 5, 1], [9, 1, 1], [0, 0, 3], [4, 1, 2], [0, 7, 7]], np.float32)); np.save('%t/y.npy', np.array([1, 0, 2, 2, 2], np.int64)); np.save('%t/y32.npy', np.array([1, 0, 2, 2, 2], np.int32)); np.save('%t/ybad.npy', np.array([1, 0, 3, 2, 2], np.int64)); np.save('%t/yshort.npy', np.array([1, 0], np.int64))"
// RUN: quant-runner %s --input %t/x.npy --labels %t/y.npy | FileCheck %s --check-prefix=TEXT
// TEXT: top-1 accuracy: 0.6000 (3/5)
// RUN: quant-runner %s --input %t/x.npy --labels %t/y32.npy --batch-size 2 --json | FileCheck %s --check-prefix=JSON
// JSON: "accuracy": {
// JSON-NEXT: "correct": 3,
// JSON-NEXT: "top1": 0.59999999999999998,
// JSON-NEXT: "total": 5
// JSON: "calls": 3,
// RUN: not quant-runner %s --input %t/x.npy --labels %t/ybad.npy 2>&1 | FileCheck %s --check-prefix=BADLABEL
// BADLABEL: error: label at index 2 is outside [0, 3)
// RUN: not quant-runner %s --input %t/x.npy --labels %t/yshort.npy 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: error: labels int64[2] do not match the logits float32[5,3]: expected shape [5]

// RUN: quant-runner %s --input %t/x.npy --benchmark --repeat 7 --json | FileCheck %s --check-prefix=BENCH
// BENCH: "benchmark": {
// BENCH-NEXT: "batch": 5,
// BENCH-NEXT: "mean_ms": {{[0-9.e+-]+}},
// BENCH-NEXT: "median_ms": {{[0-9.e+-]+}},
// BENCH-NEXT: "median_per_sample_ms": {{[0-9.e+-]+}},
// BENCH-NEXT: "min_ms": {{[0-9.e+-]+}},
// BENCH-NEXT: "repeats": 7,
// BENCH-NEXT: "warmup": 2
// RUN: quant-runner %s --input %t/x.npy --benchmark --batch-size 2 | FileCheck %s --check-prefix=BENCHTEXT
// BENCHTEXT: benchmark: median {{[0-9.]+}} {{[mu]?}}s per batch of 2, {{[0-9.]+}} {{[mu]?}}s per sample ({{[0-9]+}} runs after 2 warm-up)

func.func @logits(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %r = linalg.copy ins(%x : tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}
