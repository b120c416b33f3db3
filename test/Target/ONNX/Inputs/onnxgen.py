"""Tiny helpers to write ONNX test models from lit tests.

    import onnxgen as g
    g.save(out_dir, "name", nodes=[...], inputs=[g.inp("x", [1, 3])],
           outputs=[g.out("y")], inits=[g.init("w", array)], opset=13)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TensorProto = TensorProto
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def inp(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def out(name, dtype=F, shape=None):
    return helper.make_tensor_value_info(name, dtype, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name, **attrs)


def model(nodes, inputs, outputs, inits=(), opset=13, graph_name="g",
          ir_version=8, value_info=()):
    graph = helper.make_graph(nodes, graph_name, inputs, outputs,
                              initializer=list(inits), value_info=list(value_info))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    return m


def save(out_dir, name, *args, **kwargs):
    os.makedirs(out_dir, exist_ok=True)
    m = model(*args, **kwargs)
    path = os.path.join(out_dir, name + ".onnx")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return path


def setup():
    """Returns the output directory given on the command line."""
    import sys
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    return out_dir


def rand(*shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)
