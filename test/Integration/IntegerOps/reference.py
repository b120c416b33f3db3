"""Independent numpy reference of the qc integer compute ops and the harness
that runs them through qc-lower-integer-ops / qc-lower-quant / quant-runner.

The arithmetic follows docs/IntegerOps.md (and docs/Numerics.md for the
requantization) and is written from those definitions, not from the
lowering: accumulators are exact integers (numpy int64 / Python ints),
convolution pads the *unshifted* input with its zero point, the TOSA
multiplier and shift are derived with Python ints, and the float epilogues
use numpy float32 scalars, one IEEE operation at a time.
"""
import math
import os
import re
import subprocess
import sys

import numpy as np

F32 = np.float32


# ---------------------------------------------------------------------------
# Quantized types
# ---------------------------------------------------------------------------


class QType:
    """A uniform quantized type: per-tensor (one scale) or per-axis."""

    def __init__(self, bits, signed=True, scales=(1.0,), zp=0, axis=None,
                 narrow=None):
        self.bits = bits
        self.signed = signed
        self.scales = [float(s) for s in scales]
        self.zp = int(zp)
        self.axis = axis
        self.narrow = narrow

    @property
    def scale(self):
        assert self.axis is None
        return self.scales[0]

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

    def storage(self):
        s = ("i" if self.signed else "u") + str(self.bits)
        if self.narrow:
            s += "<%d:%d>" % self.narrow
        return s

    def mlir(self):
        if self.axis is None:
            params = "%r:%d" % (self.scale, self.zp) if self.zp else repr(self.scale)
            return "!quant.uniform<%s:f32, %s>" % (self.storage(), params)
        params = ",".join("%r:0" % s for s in self.scales)
        return "!quant.uniform<%s:f32:%d, {%s}>" % (self.storage(), self.axis,
                                                   params)

    def random(self, rng, shape):
        return rng.integers(self.qmin, self.qmax + 1, size=shape, dtype=np.int64)


def tensor_type(shape, elem, dynamic=()):
    dims = ["?" if i in dynamic else str(d) for i, d in enumerate(shape)]
    return "tensor<%s>" % "x".join(dims + [elem])


def signless(bits):
    return "i%d" % bits


# ---------------------------------------------------------------------------
# Requantization (docs/Numerics.md), with Python ints
# ---------------------------------------------------------------------------


def requant_multiplier(ratio):
    """TOSA 32-bit multiplier and shift of `ratio`, or None if shift < 2."""
    mantissa, exponent = math.frexp(ratio)
    # mantissa * 2^31 is exact in a double; round half away from zero.
    mult = int(math.floor(math.ldexp(mantissa, 31) + 0.5))
    if mult == 1 << 31:
        mult = 1 << 30
        exponent += 1
    shift = 31 - exponent
    if shift < 2:
        return None
    if shift > 62:
        mult >>= min(31, shift - 62)
        shift = 62
    return mult, shift


def apply_scale(d, mult, shift, double_round):
    rounding = 1 << (shift - 1)
    if double_round and shift > 31:
        rounding += (1 << 30) if d >= 0 else -(1 << 30)
    return (d * mult + rounding) >> shift  # Python >> floors


def rescale(acc, ratios, channel_axis, mode):
    """acc * ratio per element (ratio per channel along `channel_axis`, or
    a single ratio), rounded per `mode`; returns int64 without zero point
    or saturation."""
    acc = np.asarray(acc, dtype=np.int64)
    out = np.empty(acc.shape, dtype=np.int64)
    for idx in np.ndindex(*acc.shape):
        c = idx[channel_axis] if channel_axis is not None else 0
        ratio = ratios[c]
        d = int(acc[idx])
        if mode == "float_scale":
            out[idx] = int(np.rint(F32(d) * F32(ratio)))
        else:
            mult, shift = requant_multiplier(ratio)
            out[idx] = apply_scale(d, mult, shift, mode == "double_round")
    return out


def storage_bounds(qy, clamp_min, clamp_max):
    """Conv2DOp::getResultStorageBounds: the real clamp mapped through the
    result's scale and zero point (round half to even), within storage."""
    def to_storage(real):
        return min(max(round(real / qy.scale) + qy.zp, qy.qmin), qy.qmax)
    lo = qy.qmin if clamp_min is None else max(qy.qmin, to_storage(clamp_min))
    hi = qy.qmax if clamp_max is None else min(qy.qmax, to_storage(clamp_max))
    return lo, hi


def requantize_acc(acc, acc_scales, channel_axis, qy, mode, bounds=None):
    ratios = [s / qy.scale for s in acc_scales]
    t = rescale(acc, ratios, channel_axis, mode) + qy.zp
    lo, hi = bounds if bounds else (qy.qmin, qy.qmax)
    return np.clip(np.clip(t, qy.qmin, qy.qmax), lo, hi)


# ---------------------------------------------------------------------------
# The integer ops
# ---------------------------------------------------------------------------


def conv2d_acc(x, zx, w, bias, strides, padding, dilations, groups):
    """sum((x - zx) * w) + bias in exact integers; x padded with zx."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    top, left, bottom, right = padding
    xp = np.full((n, c, h + top + bottom, wd + left + right), zx, np.int64)
    xp[:, :, top:top + h, left:left + wd] = x
    oh = (h + top + bottom - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + left + right - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    fg = f // groups
    acc = np.zeros((n, f, oh, ow), np.int64)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            patch = xp[:, :, r0:r0 + strides[0] * (oh - 1) + 1:strides[0],
                       c0:c0 + strides[1] * (ow - 1) + 1:strides[1]]
            for g in range(groups):
                xs = patch[:, g * cg:(g + 1) * cg] - zx
                ws = w[g * fg:(g + 1) * fg, :, i, j]
                acc[:, g * fg:(g + 1) * fg] += np.einsum("nchw,fc->nfhw", xs, ws)
    if bias is not None:
        acc += bias.reshape(1, f, 1, 1)
    return acc


def fully_connected_acc(x, zx, w, bias):
    acc = (x - zx) @ w.T
    if bias is not None:
        acc = acc + bias.reshape(1, -1)
    return acc


def matmul_acc(a, za, b, zb):
    return np.matmul(a - za, b - zb)


def add_ref(a, qa, b, qb, qy, bounds):
    ra, rb = F32(qa.scale / qy.scale), F32(qb.scale / qy.scale)
    out = np.empty(a.shape, np.int64)
    for idx in np.ndindex(*a.shape):
        s = F32(int(a[idx]) - qa.zp) * ra + F32(int(b[idx]) - qb.zp) * rb
        out[idx] = min(max(int(np.rint(s)) + qy.zp, bounds[0]), bounds[1])
    return out


def avg_pool2d_ref(x, qx, qy, kernel, strides, padding, count_include_pad):
    n, c, h, w = x.shape
    top, left, bottom, right = padding
    oh = (h + top + bottom - kernel[0]) // strides[0] + 1
    ow = (w + left + right - kernel[1]) // strides[1] + 1
    out = np.empty((n, c, oh, ow), np.int64)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - top, j * strides[1] - left
            rows = range(max(r0, 0), min(r0 + kernel[0], h))
            cols = range(max(c0, 0), min(c0 + kernel[1], w))
            window = x[:, :, rows.start:rows.stop, cols.start:cols.stop]
            sums = (window - qx.zp).sum(axis=(2, 3))
            count = kernel[0] * kernel[1] if count_include_pad \
                else len(rows) * len(cols)
            m = F32(qx.scale / (qy.scale * count))
            for idx in np.ndindex(n, c):
                p = F32(int(sums[idx])) * m
                out[idx + (i, j)] = min(max(int(np.rint(p)) + qy.zp, qy.qmin),
                                        qy.qmax)
    return out


# ---------------------------------------------------------------------------
# Choosing output parameters that exercise the whole range
# ---------------------------------------------------------------------------


def output_type(rng, reals, signed, spread=1.0, power_of_two=False):
    """A per-tensor 8-bit type whose range covers most of `reals`; a few
    values saturate. `power_of_two` rounds the scale up to a power of two."""
    lo, hi = np.percentile(reals, 3), np.percentile(reals, 97)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        hi = lo + 1.0
    qt = QType(8, signed=signed)
    scale = (hi - lo) / (qt.qmax - qt.qmin) * spread * rng.uniform(0.85, 1.15)
    if power_of_two:
        scale = 2.0 ** math.ceil(math.log2(scale))
    zp = int(round(qt.qmin - lo / scale)) + int(rng.integers(-3, 4))
    qt.scales = [float(scale)]
    qt.zp = min(max(zp, qt.qmin), qt.qmax)
    return qt


def activation_type(rng, signed, scale):
    if signed:
        return QType(8, True, [scale], int(rng.integers(-20, 21)))
    return QType(8, False, [scale], int(rng.integers(100, 157)))


def dense(values):
    return "dense<%s>" % np.asarray(values).tolist()


# ---------------------------------------------------------------------------
# Cases and the harness
# ---------------------------------------------------------------------------


class Case:
    """One op: `args` are (mlir type, storage array, storage bits) passed to @main;
    `lines(args, result)` emits the body (arguments named in `args`);
    `expected` holds the result storage values (int64)."""

    def __init__(self, name, args, lines, result_type, expected, bits):
        self.name = name
        self.args = args
        self.lines = lines
        self.result_type = result_type
        self.expected = np.asarray(expected, dtype=np.int64)
        self.bits = bits


def to_storage_bits(values, bits):
    """Storage values (signed or unsigned) as the signed pattern in int8/32."""
    v = np.asarray(values, dtype=np.int64) & ((1 << bits) - 1)
    v = np.where(v >= 1 << (bits - 1), v - (1 << bits), v)
    return v.astype(np.int32 if bits > 8 else np.int8)


def build_module(cases):
    params, results, body, rets = [], [], [], []
    for i, case in enumerate(cases):
        names = []
        for j, (ty, _, _) in enumerate(case.args):
            name = "%%a%d_%d" % (i, j)
            params.append("%s: %s" % (name, ty))
            names.append(name)
        r = "%%r%d" % i
        body += ["  " + l for l in case.lines(names, r, "c%d_" % i)]
        results.append(case.result_type)
        rets.append(r)
    return "\n".join(
        ["func.func @main(%s)" % ", ".join(params),
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


def run_counted(module, flag, name, ops, what):
    """Runs quant-opt `flag` on `module` into `name` next to it and prints
    `what` with how many of the ops matching the regex `ops` it rewrote;
    returns the new module's path."""
    out = os.path.join(os.path.dirname(module), name)
    run(["quant-opt", module, flag, "-o", out])
    with open(module) as f:
        before = len(re.findall(ops, f.read()))
    with open(out) as f:
        after = len(re.findall(ops, f.read()))
    print("%s for %d of %d ops" % (what, before - after, before))
    return out


def run_cases(cases, workdir, label):
    """Lowers and JIT-runs all cases in one module; exits non-zero on any
    difference. With `--isa=ISA` on the command line, the module first goes
    through qc-vectorize-integer-ops{isa=ISA} (the fast kernels; what it
    leaves goes to the reference lowering) and the count of ops it rewrote
    is printed; `--dot-isa=ISA` then makes quant-runner lower its dot
    products with qc-lower-dot-products{isa=ISA} (else it picks the host's;
    the intrinsic forms need bufferization and deallocation done first, so
    the runner's qc-lower-to-llvm does it)."""
    os.makedirs(workdir, exist_ok=True)
    module = os.path.join(workdir, "module.mlir")
    lowered = os.path.join(workdir, "lowered.mlir")
    outdir = os.path.join(workdir, "out")
    with open(module, "w") as f:
        f.write(build_module(cases))
    isa = main_option("--isa")
    if isa:
        module = run_counted(module, "-qc-vectorize-integer-ops=isa=" + isa,
                             "vectorized.mlir",
                             r"= qc\.(fully_connected|conv2d) ",
                             "%s: %s kernels" % (label, isa))
    if "--depthwise" in sys.argv[2:]:
        # qc-vectorize-depthwise's vector code for depthwise convolutions.
        module = run_counted(module, "-qc-vectorize-depthwise",
                             "depthwise.mlir",
                             r"= qc\.conv2d ",
                             "%s: depthwise vector code" % label)
    if "--pool-add" in sys.argv[2:]:
        # qc-vectorize-pool-add's vector code for max pooling, qc.add and
        # global qc.avg_pool2d.
        module = run_counted(module, "-qc-vectorize-pool-add",
                             "pool-add.mlir",
                             r"= (qc\.add|qc\.avg_pool2d|linalg\.generic) ",
                             "%s: pool/add vector code" % label)
    run(["quant-opt", module, "-qc-lower-integer-ops", "-qc-lower-quant",
         "-o", lowered])
    cmd = ["quant-runner", lowered, "--function", "main", "--output-dir",
           outdir]
    dot_isa = main_option("--dot-isa")
    if dot_isa:
        cmd.append("--dot-isa=" + dot_isa)
    k = 0
    for case in cases:
        for _, values, bits in case.args:
            path = os.path.join(workdir, "in%d.npy" % k)
            np.save(path, to_storage_bits(values, bits))
            cmd += ["--input", path]
            k += 1
    run(cmd)

    compared, failures = 0, 0
    for i, case in enumerate(cases):
        got = np.load(os.path.join(outdir, "result%d.npy" % i))
        mask = (1 << case.bits) - 1
        want = case.expected
        if got.shape != want.shape:
            raise SystemExit("%s: result shape %s, expected %s" % (
                case.name, got.shape, want.shape))
        bad = np.argwhere((got.astype(np.int64) & mask) != (want & mask))
        compared += got.size
        if len(bad):
            failures += len(bad)
            print("MISMATCH %s: %d of %d values differ" % (
                case.name, len(bad), got.size))
            for idx in bad[:8]:
                idx = tuple(idx)
                print("  at %s: expected %d, got %d" % (
                    idx, want[idx], int(got[idx]) & mask))
    print("%s: compared %d values in %d cases, %d differences" % (
        label, compared, len(cases), failures))
    if failures:
        raise SystemExit(1)
    return compared


def epilogue_attrs(clamp_min, clamp_max, mode):
    """The fused-clamp and requantization-mode attributes of conv2d /
    fully_connected, each with a leading space."""
    attrs = ""
    if clamp_min is not None:
        attrs += " clamp_min = %r" % clamp_min
    if clamp_max is not None:
        attrs += " clamp_max = %r" % clamp_max
    return attrs + " mode = %s" % mode


def run_seeded(configs, make_case, seed_base, label, seeds=3):
    """Builds make_case(rng, seed, index, config) for every config under
    `seeds` generators seeded seed_base + seed, and runs them all."""
    cases = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed_base + seed)
        for i, config in enumerate(configs):
            cases.append(make_case(rng, seed, i, config))
    run_cases(cases, main_workdir(), label)


OPTIONS = ("--isa", "--dot-isa", "--pool-add", "--depthwise")


def main_option(name):
    """The value of `name=VALUE` on the command line, or None."""
    for arg in sys.argv[2:]:
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None


def main_workdir():
    if len(sys.argv) < 2 or any(a.split("=")[0] not in OPTIONS
                                for a in sys.argv[2:]):
        raise SystemExit("usage: %s WORKDIR [--isa=ISA [--dot-isa=ISA]] "
                         "[--pool-add] [--depthwise]"
                         % sys.argv[0])
    return sys.argv[1]
