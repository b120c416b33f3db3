"""Independent numpy reference of the QC numerics contract (docs/Numerics.md)
and the harness that checks the lowered, JIT-run qc ops against it bit for bit.

The reference is written from the contract, not from the lowering: numpy's
float32/float64 operations are IEEE correctly rounded, np.rint rounds half to
even, and the integer requantization is done in Python's unbounded integers.

A test builds a list of `Case`s and calls `run_cases`, which
  1. writes modules (a few dozen cases each) with a public function @main
     taking every case's input and returning every case's result (quantized
     types at the boundary),
  2. runs `quant-opt -qc-lower-quant` on it and `quant-runner` on the result,
  3. compares every result element with the reference, bits included
     (-0.0 differs from +0.0), and prints the number of values compared.
"""

import math
import os
import subprocess
import sys

import numpy as np

# ---------------------------------------------------------------------------
# Quantized types
# ---------------------------------------------------------------------------


class QType:
    """A !quant.uniform type: `bits`-bit storage, per-tensor or per-axis."""

    def __init__(self, bits, signed=True, scales=(1.0,), zps=None, axis=None,
                 narrow=None, expressed="f32"):
        self.bits = bits
        self.signed = signed
        self.scales = [float(s) for s in scales]
        self.zps = [int(z) for z in (zps if zps is not None
                                      else [0] * len(self.scales))]
        assert len(self.zps) == len(self.scales)
        self.axis = axis
        assert axis is not None or len(self.scales) == 1
        self.narrow = narrow
        self.expressed = expressed

    @property
    def qmin(self):
        if self.narrow:
            return self.narrow[0]
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def qmax(self):
        if self.narrow:
            return self.narrow[1]
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def mlir(self):
        storage = ("i" if self.signed else "u") + str(self.bits)
        if self.narrow:
            storage += "<%d:%d>" % self.narrow
        # '%.17e' round-trips every double and always has a '.', which the
        # MLIR float literal grammar requires.
        params = ["%.17e:%d" % (s, z) for s, z in zip(self.scales, self.zps)]
        if self.axis is None:
            return "!quant.uniform<%s:%s, %s>" % (storage, self.expressed,
                                                  params[0])
        return "!quant.uniform<%s:%s:%d, {%s}>" % (
            storage, self.expressed, self.axis, ", ".join(params))

    def per_element(self, values, shape, dtype):
        """Broadcasts per-channel `values` to an array of `shape`."""
        arr = np.asarray(values, dtype=dtype)
        if self.axis is None:
            return np.broadcast_to(arr.reshape(()), shape)
        bshape = [1] * len(shape)
        bshape[self.axis] = len(values)
        return np.broadcast_to(arr.reshape(bshape), shape)


# ---------------------------------------------------------------------------
# The reference numerics
# ---------------------------------------------------------------------------

FLOAT_DTYPES = {"f16": np.float16, "f32": np.float32, "f64": np.float64}


def compute_dtype(ftype):
    """f64 computes in f64; f16, bf16 and f32 in f32."""
    return np.float64 if ftype == "f64" else np.float32


def round_to_bf16(x):
    """float32 -> nearest bfloat16 (ties to even), returned as float32."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    bits = x.view(np.uint32).astype(np.uint64)
    nan = np.isnan(x)
    lsb = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + lsb) & 0xFFFF0000).astype(np.uint32)
    out = rounded.view(np.float32).copy()
    out[nan] = np.float32("nan")
    return out


def round_half_away(t):
    """Nearest integer, ties away from zero, exactly (via float64)."""
    t64 = np.asarray(t, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = np.trunc(t64)
        frac = t64 - whole  # exact
        bump = np.where(np.abs(frac) >= 0.5, np.sign(t64), 0.0)
    return (whole + bump).astype(t.dtype)


def saturate(r, zp, qmin, qmax):
    """clamp(r + zp, qmin, qmax) for integer-valued or infinite float r."""
    r = np.clip(np.asarray(r, dtype=np.float64), -2.0 ** 40, 2.0 ** 40)
    return np.clip(r.astype(np.int64) + zp, qmin, qmax)


def quantize(x, ftype, qt, rounding="half_even"):
    """q = clamp(round(x / scale) + zp, qmin, qmax); NaN -> zp. int64."""
    c = compute_dtype(ftype)
    xc = np.asarray(x).astype(c)
    sc = qt.per_element(np.asarray(qt.scales, np.float64).astype(c),
                        xc.shape, c)
    zp = qt.per_element(qt.zps, xc.shape, np.int64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = (xc / sc).astype(c)
    r = np.rint(t) if rounding == "half_even" else round_half_away(t)
    nan = np.isnan(t)
    r = np.where(nan, 0.0, r)
    q = saturate(r, zp, qt.qmin, qt.qmax)
    return np.where(nan, zp, q)


def dequantize(q, ftype, qt):
    """(q - zp) * scale in the compute type, rounded to ftype."""
    c = compute_dtype(ftype)
    q = np.asarray(q, dtype=np.int64)
    zp = qt.per_element(qt.zps, q.shape, np.int64)
    sc = qt.per_element(np.asarray(qt.scales, np.float64).astype(c),
                        q.shape, c)
    with np.errstate(over="ignore"):
        y = ((q - zp).astype(c) * sc).astype(c)
        if ftype == "f16":
            return y.astype(np.float16)
        if ftype == "bf16":
            return round_to_bf16(y)
    return y


def fake_quant(x, ftype, qt, rounding="half_even"):
    return dequantize(quantize(x, ftype, qt, rounding), ftype, qt)


def requant_multiplier(ratio):
    """TOSA 32-bit convention; None when the shift would be below 2."""
    m, e = math.frexp(ratio)
    mult = math.floor(math.ldexp(m, 31) + 0.5)  # half away; exact here
    if mult == 1 << 31:
        mult //= 2
        e += 1
    shift = 31 - e
    if shift < 2:
        return None
    if shift > 62:
        mult >>= min(31, shift - 62)
        shift = 62
    return mult, shift


def apply_scale(d, mult, shift, double_round):
    """floor((d * mult + round) / 2^shift) in unbounded integers."""
    rnd = 1 << (shift - 1)
    if double_round and shift > 31:
        rnd += (1 << 30) if d >= 0 else -(1 << 30)
    return (d * mult + rnd) >> shift


def requantize(q, qin, qout, mode):
    """qc.requantize in all three modes; q holds input storage values."""
    q = np.asarray(q, dtype=np.int64)
    shape = q.shape
    axis = qin.axis if qin.axis is not None else qout.axis
    channels = np.zeros(shape, dtype=np.int64)
    if axis is not None:
        channels = np.broadcast_to(
            np.arange(shape[axis]).reshape(
                [-1 if i == axis else 1 for i in range(len(shape))]), shape)

    def at(qt, values, c):
        return values[c if qt.axis is not None else 0]

    out = np.empty(shape, dtype=np.int64)
    for idx in np.ndindex(*shape):
        c = int(channels[idx])
        ratio = at(qin, qin.scales, c) / at(qout, qout.scales, c)
        d = int(q[idx]) - at(qin, qin.zps, c)
        zp_out = at(qout, qout.zps, c)
        if mode == "float_scale":
            with np.errstate(over="ignore"):
                p = np.float32(d) * np.float32(ratio)
            t = np.rint(p)
            out[idx] = saturate(t, zp_out, qout.qmin, qout.qmax)
            continue
        mult, shift = requant_multiplier(ratio)
        t = apply_scale(d, mult, shift, mode == "double_round")
        out[idx] = min(max(t + zp_out, qout.qmin), qout.qmax)
    return out


# ---------------------------------------------------------------------------
# Storage <-> npy
# ---------------------------------------------------------------------------


def storage_npy_dtype(bits):
    return {8: np.int8, 16: np.int16, 32: np.int32}.get(bits, np.int8)


def to_storage_bits(values, bits):
    """Storage values (signed or unsigned) as the signed N-bit pattern."""
    v = np.asarray(values, dtype=np.int64) & ((1 << bits) - 1)
    v = np.where(v >= 1 << (bits - 1), v - (1 << bits), v)
    return v.astype(storage_npy_dtype(bits) if bits >= 8 else np.int8)


# ---------------------------------------------------------------------------
# Cases and the harness
# ---------------------------------------------------------------------------


class Case:
    """One op applied to one input.

    op: "quantize", "dequantize", "requantize" or "fake_quant".
    quantize / fake_quant: x is a float array (float16/32/64, or float32
      holding bfloat16 values when ftype == "bf16").
    dequantize / requantize: x holds storage values (int64, in the storage
      range of the input type).
    dynamic: dimensions written as '?' in the function signature.
    """

    def __init__(self, name, op, x, qtype=None, ftype="f32",
                 rounding="half_even", qout=None, mode=None, dynamic=()):
        self.name = name
        self.op = op
        self.x = np.asarray(x)
        self.qtype = qtype
        self.ftype = ftype
        self.rounding = rounding
        self.qout = qout
        self.mode = mode
        self.dynamic = set(dynamic)
        if qtype is not None and op != "requantize":
            qtype.expressed = ftype
        if op == "requantize":
            qout.expressed = qtype.expressed

    # -- MLIR --------------------------------------------------------------
    def shape_str(self):
        dims = ["?" if i in self.dynamic else str(d)
                for i, d in enumerate(self.x.shape)]
        return "x".join(dims)

    def tensor(self, elem):
        s = self.shape_str()
        return "tensor<%sx%s>" % (s, elem) if s else "tensor<%s>" % elem

    def arg_type(self):
        if self.op in ("quantize", "fake_quant"):
            return self.tensor("f32" if self.ftype == "bf16" else self.ftype)
        return self.tensor(self.qtype.mlir())

    def result_type(self):
        if self.op == "quantize":
            return self.tensor(self.qtype.mlir())
        if self.op == "requantize":
            return self.tensor(self.qout.mlir())
        return self.tensor("f32" if self.ftype == "bf16" else self.ftype)

    def emit(self, i, arg):
        """Returns (lines, result value name)."""
        lines = []
        ft = self.tensor(self.ftype)
        x = arg
        if self.ftype == "bf16" and self.op in ("quantize", "fake_quant"):
            # The f32 inputs hold bf16 values: keep their high 16 bits. Not
            # arith.truncf, which x86 AVX512-BF16 code flushes for
            # subnormals.
            x = "%%bf%d" % i
            lines += convert_generic(x, arg, self, "f32", "bf16", "high16")
        r = "%%r%d" % i
        if self.op == "quantize":
            rnd = "" if self.rounding == "half_even" else \
                " rounding = %s" % self.rounding
            lines.append("  %s = qc.quantize %s%s : %s -> %s" % (
                r, x, rnd, ft, self.result_type()))
        elif self.op == "dequantize":
            lines.append("  %s = qc.dequantize %s : %s -> %s" % (
                r, x, self.arg_type(), ft))
        elif self.op == "requantize":
            lines.append("  %s = qc.requantize %s mode = %s : %s -> %s" % (
                r, x, self.mode, self.arg_type(), self.result_type()))
        else:
            rnd = "" if self.rounding == "half_even" else \
                " rounding = %s" % self.rounding
            lines.append("  %s = qc.fake_quant %s as %s%s : %s" % (
                r, x, self.qtype.mlir(), rnd, ft))
        if self.ftype == "bf16" and self.op in ("dequantize", "fake_quant"):
            out = "%%out%d" % i
            lines += convert_generic(out, r, self, "bf16", "f32", "extf")
            r = out
        return lines, r

    # -- data --------------------------------------------------------------
    def input_array(self):
        if self.op in ("quantize", "fake_quant"):
            if self.ftype == "bf16":
                return self.x.astype(np.float32)
            return self.x.astype(FLOAT_DTYPES[self.ftype])
        return to_storage_bits(self.x, self.qtype.bits)

    def expected(self):
        if self.op == "quantize":
            return quantize(self.x, self.ftype, self.qtype, self.rounding)
        if self.op == "dequantize":
            return dequantize(self.x, self.ftype, self.qtype)
        if self.op == "fake_quant":
            return fake_quant(self.x, self.ftype, self.qtype, self.rounding)
        return requantize(self.x, self.qtype, self.qout, self.mode)

    def compare(self, got):
        """Returns the indices where `got` differs from the reference."""
        want = self.expected()
        if got.shape != want.shape:
            raise SystemExit("%s: result shape %s, expected %s" % (
                self.name, got.shape, want.shape))
        if self.op in ("quantize", "requantize"):
            bits = (self.qtype if self.op == "quantize" else self.qout).bits
            mask = (1 << bits) - 1
            bad = (got.astype(np.int64) & mask) != (want & mask)
        else:
            want = np.ascontiguousarray(want, dtype=got.dtype)
            udt = {2: np.uint16, 4: np.uint32, 8: np.uint64}[got.itemsize]
            bad = got.view(udt) != want.view(udt)
        return want, np.argwhere(bad)


def convert_generic(dst, src, case, from_t, to_t, op):
    """An elementwise conversion: arith.`op`, or "high16" (f32 -> bf16 by
    taking the high half of the bits, exact for bf16-representable values)."""
    rank = case.x.ndim
    dims = ", ".join("d%d" % k for k in range(rank))
    idmap = "affine_map<(%s) -> (%s)>" % (dims, dims)
    it = ", ".join(['"parallel"'] * rank)
    e = dst + "_init"
    return [
        "  %s = tensor.empty() : %s" % (e, case.tensor(to_t)),
        "  %s = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]}"
        " ins(%s : %s) outs(%s : %s) {" % (dst, idmap, idmap, it, src,
                                           case.tensor(from_t), e,
                                           case.tensor(to_t)),
        "  ^bb0(%s_in: %s, %s_o: %s):" % (dst, from_t, dst, to_t),
    ] + (["    %s_c = arith.%s %s_in : %s to %s" % (dst, op, dst, from_t, to_t)]
         if op != "high16" else [
        "    %s_b = arith.bitcast %s_in : f32 to i32" % (dst, dst),
        "    %s_16 = arith.constant 16 : i32" % dst,
        "    %s_h = arith.shrui %s_b, %s_16 : i32" % (dst, dst, dst),
        "    %s_t = arith.trunci %s_h : i32 to i16" % (dst, dst),
        "    %s_c = arith.bitcast %s_t : i16 to bf16" % (dst, dst)]) + [
        "    linalg.yield %s_c : %s" % (dst, to_t),
        "  } -> " + case.tensor(to_t),
    ]


def build_module(cases):
    args, results, body, rets = [], [], [], []
    for i, case in enumerate(cases):
        if case.ftype == "bf16" and case.dynamic:
            raise ValueError("bf16 cases must have static shapes")
        arg = "%%a%d" % i
        args.append("%s: %s" % (arg, case.arg_type()))
        results.append(case.result_type())
        lines, r = case.emit(i, arg)
        body += lines
        rets.append(r)
    return "\n".join(
        ["func.func @main(%s)" % ", ".join(args),
         "    -> (%s) {" % ", ".join(results)] + body +
        ["  return %s : %s" % (", ".join(rets), ", ".join(results)), "}", ""])


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        sys.stderr.write("command failed: %s\n%s%s" % (
            " ".join(cmd), proc.stdout, proc.stderr))
        raise SystemExit(1)
    return proc.stdout


def run_module(cases, workdir):
    """Lowers and JIT-runs one module holding `cases`; returns the results."""
    os.makedirs(workdir, exist_ok=True)
    module = os.path.join(workdir, "module.mlir")
    lowered = os.path.join(workdir, "lowered.mlir")
    outdir = os.path.join(workdir, "out")
    with open(module, "w") as f:
        f.write(build_module(cases))
    run(["quant-opt", module, "-qc-lower-quant", "-o", lowered])
    cmd = ["quant-runner", lowered, "--function", "main", "--output-dir",
           outdir]
    for i, case in enumerate(cases):
        path = os.path.join(workdir, "in%d.npy" % i)
        np.save(path, case.input_array())
        cmd += ["--input", path]
    run(cmd)
    return [np.load(os.path.join(outdir, "result%d.npy" % i))
            for i in range(len(cases))]


# LLVM's -O3 time grows faster than linearly with the size of one function,
# so the cases are run in modules of this many.
CASES_PER_MODULE = 24


def run_cases(cases, workdir, label):
    """Lowers and JIT-runs all cases, compares; exits non-zero on mismatch."""
    compared, failures = 0, 0
    for start in range(0, len(cases), CASES_PER_MODULE):
        chunk = cases[start:start + CASES_PER_MODULE]
        results = run_module(
            chunk, os.path.join(workdir, "m%d" % (start // CASES_PER_MODULE)))
        for case, got in zip(chunk, results):
            want, bad = case.compare(got)
            compared += got.size
            if len(bad):
                failures += len(bad)
                print("MISMATCH %s (%s): %d of %d values differ" % (
                    case.name, case.op, len(bad), got.size))
                for idx in bad[:8]:
                    idx = tuple(idx)
                    print("  at %s: input %r, expected %r, got %r" % (
                        idx, case.x[idx], want[idx], got[idx]))
    print("%s: compared %d values in %d cases, %d differences" % (
        label, compared, len(cases), failures))
    if failures:
        raise SystemExit(1)
    return compared


def main_workdir():
    if len(sys.argv) != 2:
        raise SystemExit("usage: %s WORKDIR" % sys.argv[0])
    return sys.argv[1]
