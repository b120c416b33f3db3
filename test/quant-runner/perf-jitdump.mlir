// --perf-jitdump: the JIT describes its functions to perf in a jitdump file
// under $JITDUMPDIR; without the option none is written.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t/with %t/without
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.ones((4,), dtype=np.float32))"
// RUN: env JITDUMPDIR=%t/with quant-runner %s --input %t/a.npy --perf-jitdump | FileCheck %s
// RUN: %python -c "import glob; d = glob.glob('%t/with/.debug/jit/*/jit-*.dump'); print(len(d), 'jitdump'); data = open(d[0], 'rb').read(); print('JiTD' if data[:4] in (b'JiTD', b'DTiJ') else 'bad magic', b'twice' in data)" | FileCheck %s --check-prefix=DUMP
// RUN: env JITDUMPDIR=%t/without quant-runner %s --input %t/a.npy | FileCheck %s
// RUN: %python -c "import glob; print(len(glob.glob('%t/without/**/*.dump', recursive=True)), 'jitdump')" | FileCheck %s --check-prefix=NONE

// CHECK: @twice: 1 input(s), 1 result(s)
// DUMP: 1 jitdump
// DUMP-NEXT: JiTD True
// NONE: 0 jitdump
func.func @twice(%a: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>)
                  outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
