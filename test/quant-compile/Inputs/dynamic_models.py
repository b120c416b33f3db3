"""Models and numpy reference for the dynamic quantization test.

  dynamic_models.py make OUTDIR
      writes mlp.onnx (Gemm+bias+Relu, two MatMuls sharing their input, Add,
      bias, Gemm without transB), seq.onnx (MatMul of a [B, S, D] input by a
      [D, F] weight, bias, Relu, MatMul) and their inputs mlp_x.npy, seq_x.npy.
  dynamic_models.py check OUTDIR MODEL FLOAT.npy DYN.npy [--sqnr-min DB]
                    [--per-tensor]
      recomputes MODEL with the dynamic-quantization arithmetic of
      docs/DynamicQuantization.md in numpy (float32 steps, written from the
      document, not from the pass) and compares it with DYN.npy (the output of
      the module quant-compile --dynamic wrote) element by element: values
      must be equal (0 ulp). Also prints the SQNR of DYN.npy against the
      float model's output FLOAT.npy.
"""
import sys
import numpy as np

F32 = np.float32


def w_quant(w, per_channel=True):
    """int8 symmetric narrow-range weights [K, N], per column."""
    w = w.astype(F32)
    amax = np.abs(w.astype(np.float64)).max(axis=0)
    if not per_channel:
        amax = np.full_like(amax, amax.max())
    s = np.where(amax > 0, amax / 127.0, 1.0)
    s = np.maximum(s, np.float64(np.finfo(F32).tiny)).astype(F32)
    q = np.clip(np.rint(w / s[None, :]), -127, 127).astype(np.int32)
    return q, s


PER_CHANNEL = True


def dyn_matmul(x, w):
    """x [..., K] f32 times constant w [K, N] with run-time u8 activations."""
    shape = x.shape
    x = x.reshape(-1, shape[-1]).astype(F32)
    mn = min(F32(0), np.nanmin(x) if x.size else F32(0))
    mx = max(F32(0), np.nanmax(x) if x.size else F32(0))
    s = F32(F32(mx - mn) / F32(255))
    if s == 0:
        s = F32(1)
    s = max(s, np.finfo(F32).tiny)
    zf = np.rint(-(F32(mn / s)))
    zp = np.int32(0 if np.isnan(zf) else np.clip(zf, 0, 255))
    t = x / s
    r = np.where(np.isnan(t), F32(0), np.rint(t))
    q = np.clip(np.clip(r, -256, 256).astype(np.int32) + zp, 0, 255)
    wq, ws = w_quant(w, PER_CHANNEL)
    acc = (q.astype(np.int64) - zp) @ wq.astype(np.int64)
    assert np.abs(acc).max(initial=0) < 2**31
    y = acc.astype(np.int32).astype(F32) * (s * ws)[None, :]
    return y.reshape(shape[:-1] + (w.shape[1],))


def relu(v):
    return np.maximum(v, F32(0))


def mlp(p, x, mm):
    h = relu(mm(x, p["w1"].T) + p["b1"])
    s = mm(h, p["wa"]) + mm(h, p["wb"])
    s = s + p["bs"]
    return mm(s, p["w3"]) + p["b3"]


def seq(p, x, mm):
    h = relu(mm(x, p["w1"]) + p["b1"])
    return mm(h, p["w2"])


MODELS = {"mlp": mlp, "seq": seq}


def make(out):
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    rng = np.random.default_rng(11)
    g = lambda *s, sd=0.3: rng.normal(0, sd, s).astype(F32)
    N = helper.make_node

    def save(name, params, nodes, x_shape, y_shape, x):
        inits = [numpy_helper.from_array(v, k) for k, v in params.items()]
        graph = helper.make_graph(
            nodes, name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
            inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        onnx.checker.check_model(model)
        onnx.save(model, f"{out}/{name}.onnx")
        np.savez(f"{out}/{name}_params.npz", **params)
        np.save(f"{out}/{name}_x.npy", x)

    w3 = g(8, 5)
    w3[:, 4] = 0  # an all-zero output channel (scale 1)
    p = {"w1": g(32, 16), "b1": g(32, sd=0.1), "wa": g(32, 8), "wb": g(32, 8, sd=0.05),
         "bs": g(8, sd=0.1), "w3": w3, "b3": g(5, sd=0.1)}
    x = g(64, 16, sd=1.0)
    x[3, 5] = 7.5  # one outlier widens the range
    save("mlp", p, [
        N("Gemm", ["x", "w1", "b1"], ["g1"], name="fc1", transB=1),
        N("Relu", ["g1"], ["h"], name="relu1"),
        N("MatMul", ["h", "wa"], ["a"], name="fc_a"),
        N("MatMul", ["h", "wb"], ["b"], name="fc_b"),
        N("Add", ["a", "b"], ["s0"], name="sum"),
        N("Add", ["s0", "bs"], ["s"], name="bias_s"),
        N("Gemm", ["s", "w3", "b3"], ["y"], name="fc3"),
    ], ["N", 16], ["N", 5], x)

    p = {"w1": g(16, 12), "b1": g(12, sd=0.1), "w2": g(12, 6)}
    x = (g(8, 6, 16, sd=1.0) + F32(0.7))  # asymmetric range
    save("seq", p, [
        N("MatMul", ["x", "w1"], ["m1"], name="proj"),
        N("Add", ["m1", "b1"], ["a1"], name="proj_bias"),
        N("Relu", ["a1"], ["h"], name="act"),
        N("MatMul", ["h", "w2"], ["y"], name="out"),
    ], ["B", 6, 16], ["B", 6, 6], x)


def check(out, name, float_path, dyn_path, sqnr_min):
    p = dict(np.load(f"{out}/{name}_params.npz"))
    x = np.load(f"{out}/{name}_x.npy")
    ref = MODELS[name](p, x, dyn_matmul)
    dyn = np.load(dyn_path)
    flt = np.load(float_path)
    ok = True
    if dyn.shape != ref.shape or dyn.dtype != np.float32:
        print(f"FAIL: output {dyn.shape} {dyn.dtype}, reference {ref.shape}")
        return False
    bad = int(np.count_nonzero(dyn != ref))
    def ordered(a):  # float32 bits on a line where neighbours differ by 1
        b = a.view(np.int32).astype(np.int64)
        return np.where(b < 0, np.int64(-2**31) - b, b)
    ulp = int(np.abs(ordered(dyn) - ordered(ref)).max(initial=0))
    print(f"{name}: {bad} of {ref.size} elements differ from the reference "
          f"(max {ulp} ulp)")
    if bad:
        ok = False
        i = np.argwhere(dyn != ref)[0]
        print(f"FAIL: first at {tuple(i)}: {dyn[tuple(i)]!r} vs {ref[tuple(i)]!r}")
    f = flt.astype(np.float64)
    sqnr = 10 * np.log10((f ** 2).sum() / max(((f - dyn) ** 2).sum(), 1e-30))
    print(f"{name}: SQNR vs float {sqnr:.1f} dB")
    if sqnr < sqnr_min:
        print(f"FAIL: SQNR below {sqnr_min} dB")
        ok = False
    # The float model run by quant-runner agrees with a numpy float forward.
    fref = MODELS[name](p, x, lambda a, w: (a.astype(np.float64) @ w).astype(F32))
    if not np.allclose(flt, fref, rtol=1e-4, atol=1e-4):
        print("FAIL: the float output does not match the numpy float model")
        ok = False
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("mode"); ap.add_argument("out"); ap.add_argument("model")
        ap.add_argument("float_out"); ap.add_argument("dyn_out")
        ap.add_argument("--sqnr-min", type=float, default=30.0)
        ap.add_argument("--per-tensor", action="store_true")
        a = ap.parse_args()
        PER_CHANNEL = not a.per_tensor
        ok = check(a.out, a.model, a.float_out, a.dyn_out, a.sqnr_min)
        print("PASS" if ok else "FAIL")
        sys.exit(0 if ok else 1)
