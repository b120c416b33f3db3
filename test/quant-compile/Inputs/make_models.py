"""Writes small synthetic ONNX models with the structures real models have,
plus calibration and evaluation inputs, for the quant-compile tests.

  make_models.py OUTDIR

resblock.onnx: conv+bias+relu, a residual add of two differently scaled
branches (one scaled by 4), global average pooling, flatten, gemm.
transformer.onnx: one transformer encoder block on [N, 8, 16]: layer norm,
Q/K/V projections, attention with two activation inputs to MatMul
(Q K^T and P V), softmax, output projection, residual, layer norm, an MLP
with GELU written through Erf, residual.
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1]
rng = np.random.default_rng(7)


def const(name, arr):
    return numpy_helper.from_array(arr.astype(np.float32), name)


def resblock():
    c = 8
    inits = [
        const("w1", rng.normal(0, 0.4, (c, 3, 3, 3))),
        const("b1", rng.normal(0, 0.1, (c,))),
        const("w2", rng.normal(0, 0.3, (c, c, 3, 3))),
        const("b2", rng.normal(0, 0.1, (c,))),
        const("four", np.array(4.0)),
        const("wf", rng.normal(0, 0.5, (5, c))),
        const("bf", rng.normal(0, 0.1, (5,))),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["r1", "four"], ["r1x4"], name="scale4"),
        helper.make_node("Add", ["c2", "r1x4"], ["s"], name="add1"),
        helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "resblock",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/resblock.onnx")
    np.save(f"{out}/resblock_calib.npy", rng.normal(0, 1, (64, 3, 8, 8)).astype(np.float32))
    np.save(f"{out}/resblock_eval.npy", rng.normal(0, 1, (32, 3, 8, 8)).astype(np.float32))


def transformer():
    s, d, f = 8, 16, 32
    p = lambda *shape, sd=0.25: rng.normal(0, sd, shape)
    inits = [
        const("ln1_g", 1 + p(d, sd=0.1)), const("ln1_b", p(d, sd=0.1)),
        const("wq", p(d, d)), const("wk", p(d, d)), const("wv", p(d, d)),
        const("wo", p(d, d)), const("bo", p(d, sd=0.1)),
        const("scale", np.array(1.0 / np.sqrt(d))),
        const("ln2_g", 1 + p(d, sd=0.1)), const("ln2_b", p(d, sd=0.1)),
        const("w1", p(d, f)), const("b1", p(f, sd=0.1)),
        const("w2", p(f, d)), const("b2", p(d, sd=0.1)),
        const("half", np.array(0.5)), const("one", np.array(1.0)),
        const("rsqrt2", np.array(1.0 / np.sqrt(2.0))),
    ]
    N = helper.make_node
    nodes = [
        N("LayerNormalization", ["x", "ln1_g", "ln1_b"], ["h"], name="ln1", axis=-1),
        N("MatMul", ["h", "wq"], ["q"], name="q_proj"),
        N("MatMul", ["h", "wk"], ["k"], name="k_proj"),
        N("MatMul", ["h", "wv"], ["v"], name="v_proj"),
        N("Transpose", ["k"], ["kt"], name="k_t", perm=[0, 2, 1]),
        N("MatMul", ["q", "kt"], ["qk"], name="scores"),
        N("Mul", ["qk", "scale"], ["qks"], name="scores_scaled"),
        N("Softmax", ["qks"], ["pr"], name="softmax", axis=-1),
        N("MatMul", ["pr", "v"], ["att"], name="context"),
        N("MatMul", ["att", "wo"], ["o"], name="o_proj"),
        N("Add", ["o", "bo"], ["ob"], name="o_bias"),
        N("Add", ["x", "ob"], ["r1"], name="residual1"),
        N("LayerNormalization", ["r1", "ln2_g", "ln2_b"], ["h2"], name="ln2", axis=-1),
        N("MatMul", ["h2", "w1"], ["m1"], name="fc1"),
        N("Add", ["m1", "b1"], ["m1b"], name="fc1_bias"),
        N("Mul", ["m1b", "rsqrt2"], ["e0"], name="gelu_scale"),
        N("Erf", ["e0"], ["e1"], name="gelu_erf"),
        N("Add", ["e1", "one"], ["e2"], name="gelu_add"),
        N("Mul", ["m1b", "e2"], ["e3"], name="gelu_mul"),
        N("Mul", ["e3", "half"], ["g"], name="gelu_half"),
        N("MatMul", ["g", "w2"], ["m2"], name="fc2"),
        N("Add", ["m2", "b2"], ["m2b"], name="fc2_bias"),
        N("Add", ["r1", "m2b"], ["y"], name="residual2"),
    ]
    graph = helper.make_graph(
        nodes, "transformer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", s, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", s, d])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/transformer.onnx")
    np.save(f"{out}/transformer_calib.npy", rng.normal(0, 1, (64, s, d)).astype(np.float32))
    np.save(f"{out}/transformer_eval.npy", rng.normal(0, 1, (32, s, d)).astype(np.float32))


resblock()
transformer()
