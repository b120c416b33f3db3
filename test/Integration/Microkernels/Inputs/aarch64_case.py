# Writes a quantized conv + fully-connected model with static shapes, its
# input (.npy for quant-runner, raw bytes for the AArch64 harness) and the C
# harness that calls the compiled function on AArch64 (under qemu).
# Usage: aarch64_case.py WORKDIR
import os
import sys

import numpy as np

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(7)

N, C, H, W, F, K = 3, 16, 8, 8, 32, 3
HID = 40
x = rng.integers(-128, 128, size=(N, C, H, W)).astype(np.int8)
wc = rng.integers(-127, 128, size=(F, C, K, K))
wf = rng.integers(-127, 128, size=(HID, F * H * W // 4))
bc = rng.integers(-5000, 5000, size=F)
scales_c = ",".join("%.6g" % s for s in rng.uniform(0.002, 0.006, size=F))
scales_f = ",".join("%.6g" % s for s in rng.uniform(0.001, 0.003, size=HID))


def dense(a):
    return "dense<%s>" % np.array2string(
        np.asarray(a), separator=",", threshold=10**9).replace("\n", "")


xq = "!quant.uniform<i8:f32, 0.05:-3>"
wcq = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % scales_c
ycq = "!quant.uniform<u8:f32, 0.1:5>"
bcq = "!quant.uniform<i32:f32:0, {%s}>" % ",".join(
    "%.9g" % (0.05 * float(s)) for s in scales_c.split(","))
wfq = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % scales_f
yfq = "!quant.uniform<i8:f32, 0.2:1>"
P = F * H * W // 4  # the conv output, flattened 4 rows at a time
module = f"""
func.func @model(%x: tensor<{N}x{C}x{H}x{W}x{xq}>) -> tensor<{N * 4}x{HID}x{yfq}> {{
  %wc = arith.constant {dense(wc)} : tensor<{F}x{C}x{K}x{K}xi8>
  %qwc = quant.scast %wc : tensor<{F}x{C}x{K}x{K}xi8> to tensor<{F}x{C}x{K}x{K}x{wcq}>
  %bc = arith.constant {dense(bc)} : tensor<{F}xi32>
  %qbc = quant.scast %bc : tensor<{F}xi32> to tensor<{F}x{bcq}>
  %y = qc.conv2d %x, %qwc, %qbc strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 clamp_min = 0.0
     : tensor<{N}x{C}x{H}x{W}x{xq}>, tensor<{F}x{C}x{K}x{K}x{wcq}>, tensor<{F}x{bcq}> -> tensor<{N}x{F}x{H}x{W}x{ycq}>
  %ys = quant.scast %y : tensor<{N}x{F}x{H}x{W}x{ycq}> to tensor<{N}x{F}x{H}x{W}xi8>
  %flat = tensor.collapse_shape %ys [[0, 1, 2, 3]] : tensor<{N}x{F}x{H}x{W}xi8> into tensor<{N * F * H * W}xi8>
  %rows = tensor.expand_shape %flat [[0, 1]] output_shape [{N * 4}, {P}] : tensor<{N * F * H * W}xi8> into tensor<{N * 4}x{P}xi8>
  %a = quant.scast %rows : tensor<{N * 4}x{P}xi8> to tensor<{N * 4}x{P}x{ycq}>
  %wf = arith.constant {dense(wf)} : tensor<{HID}x{P}xi8>
  %qwf = quant.scast %wf : tensor<{HID}x{P}xi8> to tensor<{HID}x{P}x{wfq}>
  %z = qc.fully_connected %a, %qwf : tensor<{N * 4}x{P}x{ycq}>, tensor<{HID}x{P}x{wfq}> -> tensor<{N * 4}x{HID}x{yfq}>
  return %z : tensor<{N * 4}x{HID}x{yfq}>
}}
"""
with open(os.path.join(work, "module.mlir"), "w") as f:
    f.write(module)
np.save(os.path.join(work, "input.npy"), x)
x.tofile(os.path.join(work, "input.bin"))

harness = f"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct In {{ int8_t *alloc, *aligned; int64_t offset, sizes[4], strides[4]; }};
struct Out {{ int8_t *alloc, *aligned; int64_t offset, sizes[2], strides[2]; }};
void _mlir_ciface_model(struct Out *result, struct In *x);

int main(int argc, char **argv) {{
  static int8_t data[{N * C * H * W}];
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(data, 1, sizeof data, f) != sizeof data) return 2;
  fclose(f);
  struct In x = {{data, data, 0, {{{N}, {C}, {H}, {W}}},
                 {{{C * H * W}, {H * W}, {W}, 1}}}};
  struct Out y;
  _mlir_ciface_model(&y, &x);
  if (y.sizes[0] != {N * 4} || y.sizes[1] != {HID}) return 3;
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
