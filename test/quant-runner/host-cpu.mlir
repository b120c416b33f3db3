// Code is generated for the host CPU and its features: on an AVX-512 host a
// vectorizable loop uses zmm registers; --host-cpu=false targets a generic
// x86-64 (SSE only). --dump-object writes the JIT'd machine code.
// REQUIRES: numpy, x86-avx512vnni
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/v.npy', np.arange(1024, dtype=np.float32))"
// RUN: quant-runner %s --input %t/v.npy --input %t/v.npy --output-dir %t/host --dump-object %t/host.o
// RUN: llvm-objdump -d %t/host.o | FileCheck %s --check-prefix=HOST
// RUN: quant-runner %s --input %t/v.npy --input %t/v.npy --output-dir %t/generic --dump-object %t/generic.o --host-cpu=false
// RUN: llvm-objdump -d %t/generic.o | FileCheck %s --check-prefix=GENERIC
// RUN: cmp %t/host/result0.npy %t/generic/result0.npy
// RUN: quant-runner %s --input %t/v.npy --input %t/v.npy --json | FileCheck %s --check-prefix=JSON

// HOST: vaddps {{.*}}zmm
// GENERIC-NOT: {{[yz]mm}}
// GENERIC: addps {{.*}}xmm
// GENERIC-NOT: {{[yz]mm}}
// JSON: "host_cpu": "{{[a-z0-9_-]+}}"
// JSON-NOT: "host_cpu": "generic"

func.func @add(%a: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<1024xf32> {
  %e = tensor.empty() : tensor<1024xf32>
  %r = linalg.add ins(%a, %b : tensor<1024xf32>, tensor<1024xf32>)
                  outs(%e : tensor<1024xf32>) -> tensor<1024xf32>
  return %r : tensor<1024xf32>
}
