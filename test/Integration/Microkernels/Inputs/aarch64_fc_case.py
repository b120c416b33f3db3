# Writes two chained quantized fully connected layers with odd sizes (M = 7:
# one full 4-row tile, then two row pairs, the last with a padding row;
# K = 75: a masked K tail; N = 37 and 19: masked column tiles), i8
# activations into the first (packed xor 0x80), u8 into the second, its
# input (.npy for quant-runner, raw bytes for the AArch64 harness) and the C
# harness that calls the compiled function on AArch64 (under qemu).
# Usage: aarch64_fc_case.py WORKDIR
import os
import sys

import numpy as np

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(11)

M, K, N1, N2 = 7, 75, 37, 19
x = rng.integers(-128, 128, size=(M, K)).astype(np.int8)
w1 = rng.integers(-127, 128, size=(N1, K))
w2 = rng.integers(-127, 128, size=(N2, N1))
b1 = rng.integers(-3000, 3000, size=N1)
s1 = ",".join("%.6g" % s for s in rng.uniform(0.002, 0.006, size=N1))
s2 = ",".join("%.6g" % s for s in rng.uniform(0.001, 0.003, size=N2))


def dense(a):
    return "dense<%s>" % np.array2string(
        np.asarray(a), separator=",", threshold=10**9).replace("\n", "")


xq = "!quant.uniform<i8:f32, 0.05:-3>"
w1q = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % s1
b1q = "!quant.uniform<i32:f32:0, {%s}>" % ",".join(
    "%.9g" % (0.05 * float(s)) for s in s1.split(","))
y1q = "!quant.uniform<u8:f32, 0.1:5>"
w2q = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % s2
y2q = "!quant.uniform<i8:f32, 0.2:1>"
module = f"""
func.func @model(%x: tensor<{M}x{K}x{xq}>) -> tensor<{M}x{N2}x{y2q}> {{
  %w1 = arith.constant {dense(w1)} : tensor<{N1}x{K}xi8>
  %qw1 = quant.scast %w1 : tensor<{N1}x{K}xi8> to tensor<{N1}x{K}x{w1q}>
  %b1 = arith.constant {dense(b1)} : tensor<{N1}xi32>
  %qb1 = quant.scast %b1 : tensor<{N1}xi32> to tensor<{N1}x{b1q}>
  %y1 = qc.fully_connected %x, %qw1, %qb1 clamp_min = 0.0
     : tensor<{M}x{K}x{xq}>, tensor<{N1}x{K}x{w1q}>, tensor<{N1}x{b1q}> -> tensor<{M}x{N1}x{y1q}>
  %w2 = arith.constant {dense(w2)} : tensor<{N2}x{N1}xi8>
  %qw2 = quant.scast %w2 : tensor<{N2}x{N1}xi8> to tensor<{N2}x{N1}x{w2q}>
  %y2 = qc.fully_connected %y1, %qw2 : tensor<{M}x{N1}x{y1q}>, tensor<{N2}x{N1}x{w2q}> -> tensor<{M}x{N2}x{y2q}>
  return %y2 : tensor<{M}x{N2}x{y2q}>
}}
"""
with open(os.path.join(work, "module.mlir"), "w") as f:
    f.write(module)
np.save(os.path.join(work, "input.npy"), x)
x.tofile(os.path.join(work, "input.bin"))

harness = f"""
#include <stdint.h>
#include <stdio.h>

struct Mat {{ int8_t *alloc, *aligned; int64_t offset, sizes[2], strides[2]; }};
void _mlir_ciface_model(struct Mat *result, struct Mat *x);

int main(int argc, char **argv) {{
  static int8_t data[{M * K}];
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(data, 1, sizeof data, f) != sizeof data) return 2;
  fclose(f);
  struct Mat x = {{data, data, 0, {{{M}, {K}}}, {{{K}, 1}}}};
  struct Mat y;
  _mlir_ciface_model(&y, &x);
  if (y.sizes[0] != {M} || y.sizes[1] != {N2}) return 3;
  f = fopen(argv[2], "wb");
  if (!f) return 4;
  for (int64_t i = 0; i < y.sizes[0]; ++i)
    fwrite(y.aligned + y.offset + i * y.strides[0], 1, y.sizes[1], f);
  fclose(f);
  printf("wrote %lld bytes\\n", (long long)(y.sizes[0] * y.sizes[1]));
  return 0;
}}
"""
with open(os.path.join(work, "harness.c"), "w") as f:
    f.write(harness)
