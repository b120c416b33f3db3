# Models written in PyTorch, exported to ONNX by torch.onnx.export, imported
# by quant-translate and run by quant-runner (the float path of
# qc-lower-to-llvm, tiled and vectorized): outputs match PyTorch's own to
# 1e-4 relative, at a batch size other than the export's (dynamic batch).
#  * a residual CNN: conv + BatchNorm + ReLU, a residual add, a strided
#    conv, max pool, global average pool, Linear;
#  * a small transformer block: Q/K/V projections, attention with two
#    activation inputs to MatMul, Softmax, output projection, residual,
#    LayerNorm, an MLP with GELU (exported through Erf), LayerNorm.
# REQUIRES: torch, numpy
# RUN: rm -rf %t && mkdir -p %t && %python %s %t | FileCheck %s
# CHECK: residual_cnn: {{[0-9]+}} values, max relative error {{.*}}, ok
# CHECK: transformer: {{[0-9]+}} values, max relative error {{.*}}, ok
import os
import subprocess
import sys

import numpy as np
import torch
from torch import nn

work = sys.argv[1]
torch.manual_seed(0)


class ResidualCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1),
                                  nn.BatchNorm2d(16), nn.ReLU())
        self.body = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1),
                                  nn.BatchNorm2d(16), nn.ReLU(),
                                  nn.Conv2d(16, 16, 3, padding=1),
                                  nn.BatchNorm2d(16))
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.relu(x + self.body(x))
        x = self.pool(torch.relu(self.down(x)))
        x = x.mean(dim=(2, 3))
        return self.head(x)


class Transformer(nn.Module):
    def __init__(self, d=32, hidden=64):
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(d, d) for _ in range(3))
        self.o = nn.Linear(d, d)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(),
                                 nn.Linear(hidden, d))
        self.scale = d ** -0.5

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        att = torch.softmax(torch.matmul(q, k.transpose(1, 2)) * self.scale,
                            dim=-1)
        x = self.ln1(x + self.o(torch.matmul(att, v)))
        return self.ln2(x + self.mlp(x))


def check(name, model, shape, export_batch, run_batch):
    model.eval()
    # BatchNorm statistics that are not the identity.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    onnx_path = os.path.join(work, name + ".onnx")
    example = torch.randn(export_batch, *shape)
    torch.onnx.export(model, example, onnx_path, input_names=["x"],
                      output_names=["y"], opset_version=17,
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    x = torch.randn(run_batch, *shape)
    with torch.no_grad():
        want = model(x).numpy()
    x_path = os.path.join(work, name + "_x.npy")
    np.save(x_path, x.numpy())
    mlir = os.path.join(work, name + ".mlir")
    out = os.path.join(work, name + "_out")
    subprocess.run(["quant-translate", "--import-onnx", onnx_path, "-o", mlir],
                   check=True)
    subprocess.run(["quant-runner", mlir, "--input", x_path, "--output-dir",
                    out], check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(out, "result0.npy"))
    if got.shape != want.shape:
        raise SystemExit("%s: shape %s, expected %s" % (name, got.shape,
                                                        want.shape))
    scale = float(np.max(np.abs(want)))
    err = float(np.max(np.abs(got - want))) / scale
    ok = err <= 1e-4 and np.allclose(got, want, rtol=1e-4, atol=1e-5 * scale)
    print("%s: %d values, max relative error %.2e, %s" % (
        name, want.size, err, "ok" if ok else "MISMATCH"))
    if not ok:
        raise SystemExit(1)


check("residual_cnn", ResidualCNN(), (3, 16, 16), export_batch=2, run_batch=5)
check("transformer", Transformer(), (12, 32), export_batch=2, run_batch=3)
