//===- GemmBench.cpp - GEMM benchmark: peak, oneDNN, QC int8, QC fp32
//------===//
//
// One run measures, on each shape, single-threaded and as medians:
//   * the vpdpbusd zmm peak of this core (independent accumulator chains),
//   * oneDNN's int8 matmul (u8 x s8 -> s8, requantized, weights pre-packed),
//   * QC int8: one qc.fully_connected (per-channel weights, bias, ReLU)
//     compiled by QC's passes and JIT (qc::runner::JitModule),
//   * QC fp32: linalg.matmul through the same JIT;
// then the same columns on the distinct convolution layers of the shared
// models (qc.conv2d vs oneDNN's int8 convolution, linalg.conv_2d_nchw_fchw
// for fp32) at one batch size.
// bench/run builds and runs this; see its --help.
//
//===----------------------------------------------------------------------===//
#include "GemmBench.h"

#include "qc/InitAll.h"
#include "qc/Runner/JitModule.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>

using namespace qc::bench;

namespace {

struct Shape {
  int64_t m, n, k;
  double ops() const { return 2.0 * double(m) * double(n) * double(k); }
  std::string str() const {
    return std::to_string(m) + "x" + std::to_string(n) + "x" +
           std::to_string(k);
  }
};

/// A convolution layer of a shared model (NCHW, square kernel stride and
/// symmetric padding, groups = 1), measured at the bench's batch size.
struct ConvLayer {
  const char *name;
  int64_t c, h, w, f, k, stride, pad;
  bool quick; ///< part of the --quick subset (the largest layer of each model)
};

/// The distinct convolutions of ../shared/data's models (from their ONNX
/// graphs; repeated resnet20 blocks appear once).
const ConvLayer kConvLayers[] = {
    {"mnist8.conv1", 1, 28, 28, 8, 5, 1, 2, false},
    {"mnist8.conv2", 8, 14, 14, 16, 5, 1, 2, true},
    {"digits.c1", 1, 8, 8, 16, 3, 1, 1, false},
    {"digits.c2", 16, 8, 8, 32, 3, 1, 1, true},
    {"fmnist.f0", 1, 28, 28, 16, 3, 1, 1, false},
    {"fmnist.f2", 16, 14, 14, 32, 3, 1, 1, true},
    {"fmnist.f4", 32, 7, 7, 64, 3, 1, 1, false},
    {"resnet20.conv1", 3, 32, 32, 16, 3, 1, 1, false},
    {"resnet20.layer1", 16, 32, 32, 16, 3, 1, 1, true},
    {"resnet20.layer2.0.conv1", 16, 32, 32, 32, 3, 2, 1, false},
    {"resnet20.layer2.0.shortcut", 16, 32, 32, 32, 1, 2, 0, false},
    {"resnet20.layer2", 32, 16, 16, 32, 3, 1, 1, false},
    {"resnet20.layer3.0.conv1", 32, 16, 16, 64, 3, 2, 1, false},
    {"resnet20.layer3.0.shortcut", 32, 16, 16, 64, 1, 2, 0, false},
    {"resnet20.layer3", 64, 8, 8, 64, 3, 1, 1, true},
};

struct Options {
  bool quick = false, json = false, dryRun = false;
  bool gemms = true, convs = true;
  int64_t convBatch = 64;
  std::string emitDir; ///< write the generated modules here
  std::vector<Shape> shapes;
  std::string int8Pipeline =
      "builtin.module(qc-vectorize-integer-ops,qc-lower-integer-ops,"
      "qc-lower-quant)";
};

const char *kUsage = R"(usage: qc-gemm-bench [--quick] [--json] [--dry-run]
                     [--shape MxNxK]... [--int8-pipeline PIPELINE]
                     [--emit-mlir DIR] [--no-conv | --conv-only]
                     [--conv-batch N]
  --quick          sub-minute subset: no 2048^3, one conv layer per model,
                   fewer repeats
  --no-conv        skip the convolution layers of the shared models
  --conv-only      only the convolution layers (--shape implies --no-conv)
  --conv-batch N   batch size of the convolution layers (default 64)
  --json           machine-readable output on stdout
  --dry-run        build and compile every module, time nothing
  --shape MxNxK    measure this shape instead of the default list
  --emit-mlir DIR  also write each generated module to DIR/<kind>_MxNxK.mlir
  --int8-pipeline  quant-opt pipeline applied to the qc.fully_connected
                   module before qc-lower-to-llvm (default: the
                   lowering of quant-compile: builtin.module(
                   qc-vectorize-integer-ops,qc-lower-integer-ops,qc-lower-quant);
                   the reference alone: builtin.module(qc-lower-integer-ops,
                   qc-lower-quant))
)";

bool parseShape(llvm::StringRef s, Shape &out) {
  llvm::SmallVector<llvm::StringRef, 3> parts;
  s.split(parts, 'x');
  if (parts.size() != 3)
    return false;
  int64_t v[3];
  for (int i = 0; i < 3; ++i)
    if (parts[i].getAsInteger(10, v[i]) || v[i] <= 0)
      return false;
  out = {v[0], v[1], v[2]};
  return true;
}

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

//===-- peak ---------------------------------------------------------------===//

struct Peak {
  double gops = 0;
  int accumulators = 0;
  int repeats = 0;
};

Peak measurePeak(bool quick) {
  Peak best;
  const int64_t iterations = quick ? 200000 : 1000000;
  // The best over accumulator counts (>= 10 hides the latency).
  for (int acc : {10, 12, 14}) {
    vnniPeakKernel(iterations / 10, acc); // warm-up, clocks up
    std::vector<double> t;
    int repeats = quick ? 9 : 31;
    volatile int64_t sink = 0;
    for (int r = 0; r < repeats; ++r) {
      auto start = std::chrono::steady_clock::now();
      sink = sink + vnniPeakKernel(iterations, acc);
      t.push_back(seconds(start));
    }
    std::sort(t.begin(), t.end());
    double ops = double(iterations) * acc * 64 * 2;
    // The fastest run: on a shared machine every slower one lost cycles to
    // other processes, and the peak is what the core can do.
    double gops = ops / t.front() / 1e9;
    if (gops > best.gops)
      best = {gops, acc, repeats};
  }
  return best;
}

//===-- problems and modules -----------------------------------------------===//

} // namespace

void qc::bench::Int8Operands::fill(size_t xSize, int64_t channels, int64_t k,
                                   uint64_t seed) {
  std::mt19937_64 rng(seed);
  x.resize(xSize);
  w.resize(channels * k);
  bias.resize(channels);
  wScales.resize(channels);
  std::uniform_int_distribution<int> u8(0, 255), s8(-127, 127),
      b(-20000, 20000);
  for (auto &v : x)
    v = uint8_t(u8(rng));
  for (auto &v : w)
    v = int8_t(s8(rng));
  for (auto &v : bias)
    v = b(rng);
  for (int64_t j = 0; j < channels; ++j)
    wScales[j] = 0.001f * float(1 + j % 7) / 4.0f;
  xScale = 0.02f;
  xZp = 3;
  yZp = -5;
  // Uniform u8 x s8 sums spread like sqrt(K) * 128 * 73; scale so that
  // results span the s8 range rather than saturate.
  yScale = float(xScale * 0.001 * std::sqrt(double(k)) * 128 * 73 / 64);
}

namespace {

Int8Problem makeProblem(const Shape &s, uint64_t seed) {
  Int8Problem p;
  p.m = s.m, p.n = s.n, p.k = s.k;
  p.fill(s.m * s.k, s.n, s.k, seed);
  return p;
}

std::string hexBytes(const void *data, size_t bytes) {
  std::string s = "\"0x";
  s += llvm::toHex(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(data), bytes));
  s += "\"";
  return s;
}

std::string floatList(llvm::ArrayRef<float> v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  for (size_t i = 0; i < v.size(); ++i)
    os << (i ? "," : "") << llvm::format("%.9e", double(v[i]));
  return s;
}

std::string dims(llvm::ArrayRef<int64_t> d) {
  std::string s;
  for (int64_t v : d)
    s += std::to_string(v) + "x";
  return s;
}

/// A function @name(%x) -> %y around one integer layer `op` (its text up to
/// the types, operands %x, %qw, %qb): u8 input with p's scale and zero
/// point, i8 result, the weights `w` of shape `wShape` stored as `wStorage`
/// with element type `wQuant` and p's per-channel scales, and the i32 bias
/// of scale s_x * s_w, both as constants.
std::string int8LayerModule(const Int8Operands &p, llvm::StringRef name,
                            llvm::ArrayRef<int64_t> xShape,
                            llvm::ArrayRef<int64_t> yShape,
                            llvm::ArrayRef<int64_t> wShape,
                            llvm::ArrayRef<int8_t> w, llvm::StringRef wStorage,
                            llvm::StringRef wQuant, llvm::StringRef op) {
  std::string xT = "tensor<" + dims(xShape) + "!quant.uniform<u8:f32, " +
                   llvm::formatv("{0:e}", double(p.xScale)).str() + ":" +
                   std::to_string(p.xZp) + ">>";
  std::string yT = "tensor<" + dims(yShape) + "!quant.uniform<i8:f32, " +
                   llvm::formatv("{0:e}", double(p.yScale)).str() + ":" +
                   std::to_string(p.yZp) + ">>";
  std::string wS = "tensor<" + dims(wShape) + wStorage.str() + ">";
  std::string wT = "tensor<" + dims(wShape) + "!quant.uniform<" + wQuant.str() +
                   ":f32:0, {" + floatList(p.wScales) + "}>>";
  int64_t channels = static_cast<int64_t>(p.wScales.size());
  std::vector<float> bScales(channels);
  for (int64_t j = 0; j < channels; ++j)
    bScales[j] = p.xScale * p.wScales[j];
  std::string bS = "tensor<" + std::to_string(channels) + "xi32>";
  std::string bT = "tensor<" + std::to_string(channels) +
                   "x!quant.uniform<i32:f32:0, {" + floatList(bScales) + "}>>";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "func.func @" << name << "(%x: " << xT << ") -> " << yT << " {\n"
     << "  %w = arith.constant dense<" << hexBytes(w.data(), w.size())
     << "> : " << wS << "\n"
     << "  %qw = quant.scast %w : " << wS << " to " << wT << "\n"
     << "  %b = arith.constant dense<"
     << hexBytes(p.bias.data(), p.bias.size() * 4) << "> : " << bS << "\n"
     << "  %qb = quant.scast %b : " << bS << " to " << bT << "\n"
     << "  %y = " << op << " : " << xT << ", " << wT << ", " << bT << " -> "
     << yT << "\n"
     << "  return %y : " << yT << "\n}\n";
  return s;
}

/// `int4`: the weights as i4 (the int8 weights >> 4, clamped to -7..7), the
/// same problem otherwise (a dense i4 constant holds one element per byte
/// in its hex form).
std::string int8Module(const Int8Problem &p, bool int4 = false) {
  std::vector<int8_t> w4;
  if (int4)
    for (int8_t v : p.w)
      w4.push_back(static_cast<int8_t>(std::clamp(v >> 4, -7, 7)));
  return int8LayerModule(
      p, "fc", {p.m, p.k}, {p.m, p.n}, {p.n, p.k},
      int4 ? llvm::ArrayRef<int8_t>(w4) : llvm::ArrayRef<int8_t>(p.w),
      int4 ? "i4" : "i8", int4 ? "i4<-7:7>" : "i8<-127:127>",
      "qc.fully_connected %x, %qw, %qb clamp_min = 0.0");
}

ConvProblem makeConvProblem(const ConvLayer &l, int64_t batch, uint64_t seed) {
  ConvProblem p;
  p.n = batch, p.c = l.c, p.h = l.h, p.width = l.w, p.f = l.f, p.kh = l.k,
  p.kw = l.k, p.stride = l.stride, p.pad = l.pad;
  p.fill(p.n * p.c * p.h * p.width, p.f, p.c * p.kh * p.kw, seed);
  return p;
}

/// One qc.conv2d (u8 input with zero point 3, per-channel i8 weights, i32
/// bias, ReLU clamp, i8 result), as quant-compile would leave it.
std::string convInt8Module(const ConvProblem &p) {
  std::string st = std::to_string(p.stride), pd = std::to_string(p.pad);
  return int8LayerModule(
      p, "conv", {p.n, p.c, p.h, p.width}, {p.n, p.f, p.oh(), p.ow()},
      {p.f, p.c, p.kh, p.kw}, p.w, "i8", "i8",
      "qc.conv2d %x, %qw, %qb strides = [" + st + ", " + st + "] padding = [" +
          pd + ", " + pd + ", " + pd + ", " + pd +
          "] dilations = [1, 1] groups = 1 clamp_min = 0.0");
}

/// The same layer in f32: zero padding, a filled accumulator, the linalg
/// convolution (what the importer emits for an ONNX Conv before its bias).
std::string convFp32Module(const ConvProblem &p) {
  auto t = [](std::initializer_list<int64_t> d) {
    return "tensor<" + dims(d) + "f32>";
  };
  std::string xT = t({p.n, p.c, p.h, p.width}),
              pT = t({p.n, p.c, p.h + 2 * p.pad, p.width + 2 * p.pad}),
              wT = t({p.f, p.c, p.kh, p.kw}),
              yT = t({p.n, p.f, p.oh(), p.ow()});
  std::string st = std::to_string(p.stride), pd = std::to_string(p.pad);
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "func.func @conv(%x: " << xT << ", %w: " << wT << ") -> " << yT
     << " {\n"
     << "  %z = arith.constant 0.0 : f32\n"
     << "  %p = tensor.pad %x low[0, 0, " << pd << ", " << pd << "] high[0, 0, "
     << pd << ", " << pd << "] {\n"
     << "  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):\n"
     << "    tensor.yield %z : f32\n"
     << "  } : " << xT << " to " << pT << "\n"
     << "  %e = tensor.empty() : " << yT << "\n"
     << "  %f = linalg.fill ins(%z : f32) outs(%e : " << yT << ") -> " << yT
     << "\n"
     << "  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : "
        "tensor<2xi64>, strides = dense<"
     << st << "> : tensor<2xi64>} ins(%p, %w : " << pT << ", " << wT
     << ") outs(%f : " << yT << ") -> " << yT << "\n"
     << "  return %y : " << yT << "\n}\n";
  return s;
}

std::string fp32Module(const Shape &s) {
  auto t = [](int64_t a, int64_t b) {
    return "tensor<" + std::to_string(a) + "x" + std::to_string(b) + "xf32>";
  };
  std::string a = t(s.m, s.k), b = t(s.k, s.n), c = t(s.m, s.n);
  return "func.func @mm(%a: " + a + ", %b: " + b + ") -> " + c + " {\n" +
         "  %z = arith.constant 0.0 : f32\n" + "  %e = tensor.empty() : " + c +
         "\n" + "  %f = linalg.fill ins(%z : f32) outs(%e : " + c + ") -> " +
         c + "\n" + "  %r = linalg.matmul ins(%a, %b : " + a + ", " + b +
         ") outs(%f : " + c + ") -> " + c + "\n" + "  return %r : " + c +
         "\n}\n";
}

//===-- QC through the JIT -------------------------------------------------===//

struct QCRun {
  Timing timing;
  double compileSeconds = 0;
};

QCRun runQC(mlir::MLIRContext &ctx, const std::string &text,
            llvm::StringRef pipeline, llvm::ArrayRef<qc::npy::Array> inputs,
            const TimingPolicy &policy, bool dryRun) {
  QCRun r;
  auto start = std::chrono::steady_clock::now();
  std::string diag;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (diag.size() < 2000) {
      std::string loc;
      llvm::raw_string_ostream ls(loc);
      ls << d.getLocation();
      diag += (diag.empty() ? "" : "; ") + loc + ": " + d.str();
    }
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  if (!module) {
    r.timing.error = "parse: " + diag;
    return r;
  }
  if (!pipeline.empty()) {
    std::string err;
    llvm::raw_string_ostream es(err);
    // The textual form names its anchor (builtin.module(...)).
    mlir::FailureOr<mlir::OpPassManager> parsed =
        mlir::parsePassPipeline(pipeline, es);
    if (mlir::failed(parsed) ||
        parsed->getOpAnchorName() != mlir::ModuleOp::getOperationName()) {
      r.timing.error = "pipeline '" + pipeline.str() +
                       "': expected builtin.module(...) " + err;
      return r;
    }
    mlir::PassManager pm(&ctx);
    static_cast<mlir::OpPassManager &>(pm) = std::move(*parsed);
    if (mlir::failed(pm.run(*module))) {
      r.timing.error = "lowering: " + diag;
      return r;
    }
  }
  qc::runner::CompileOptions copts;
  copts.pipeline.runtimeChecks = false;
  // One thread (bench/run's default): sequential loops, no OpenMP fork per
  // call, as quant-runner --num-threads 1 compiles them.
  const char *threads = getenv("OMP_NUM_THREADS");
  copts.pipeline.openmp = !(threads && llvm::StringRef(threads) == "1");
  qc::runner::JitModule jit(copts);
  if (llvm::Error e = jit.compile(*module)) {
    r.timing.error = "compile: " + llvm::toString(std::move(e)) +
                     (diag.empty() ? "" : " (" + diag + ")");
    return r;
  }
  r.compileSeconds = seconds(start);
  auto fn = jit.lookupFunction("");
  if (!fn) {
    r.timing.error = llvm::toString(fn.takeError());
    return r;
  }
  // One untimed probe run (the first warm-up); a function so slow that the
  // usual repeats would exceed the budget gets fewer (at least one) timed
  // runs, and the note says so.
  qc::runner::BenchmarkOptions probeOpts;
  probeOpts.warmup = 0;
  probeOpts.repeat = 1;
  auto probe = qc::runner::benchmark(jit, **fn, inputs, probeOpts);
  if (!probe) {
    r.timing.error = llvm::toString(probe.takeError());
    return r;
  }
  if (dryRun) {
    r.timing.ok = true;
    r.timing.medianSeconds = r.timing.minSeconds = probe->medianSeconds;
    r.timing.repeats = 1;
    return r;
  }
  qc::runner::BenchmarkOptions bopts;
  bopts.warmup = std::max(0, policy.warmup - 1);
  bopts.minRepeats = policy.minRepeats;
  bopts.minSeconds = policy.minSeconds;
  double t = probe->medianSeconds;
  if (t * (policy.minRepeats + bopts.warmup) > policy.slowBudgetSeconds) {
    bopts.warmup = 0;
    bopts.repeat = std::max<int64_t>(
        1, std::min<int64_t>(policy.minRepeats,
                             int64_t(policy.slowBudgetSeconds / t)));
    r.timing.note = "slow: " + std::to_string(bopts.repeat) +
                    " timed run(s) within the " +
                    llvm::formatv("{0:f0}", policy.slowBudgetSeconds).str() +
                    " s budget";
  }
  auto b = qc::runner::benchmark(jit, **fn, inputs, bopts);
  if (!b) {
    r.timing.error = llvm::toString(b.takeError());
    return r;
  }
  r.timing.ok = true;
  r.timing.medianSeconds = b->medianSeconds;
  r.timing.minSeconds = b->minSeconds;
  r.timing.repeats = int(b->repeats);
  return r;
}

//===-- reporting ----------------------------------------------------------===//

struct Row {
  Shape shape;
  Timing onednn, qcInt8, qcInt4, qcFp32;
  double qcInt8Compile = 0, qcFp32Compile = 0;
};

struct ConvRow {
  const ConvLayer *layer;
  ConvProblem problem;
  Timing onednn, qcInt8, qcFp32;
  double qcInt8Compile = 0;
};

double gops(double ops, const Timing &t) {
  return t.ok && t.medianSeconds > 0 ? ops / t.medianSeconds / 1e9 : 0;
}

llvm::json::Value timingJson(double ops, const Timing &t, double peak) {
  llvm::json::Object o;
  if (!t.ok) {
    o["error"] = t.error;
    return o;
  }
  o["median_ms"] = t.medianSeconds * 1e3;
  o["min_ms"] = t.minSeconds * 1e3;
  o["repeats"] = t.repeats;
  o["gops"] = gops(ops, t);
  if (peak > 0)
    o["pct_peak"] = 100 * gops(ops, t) / peak;
  if (!t.note.empty())
    o["note"] = t.note;
  return o;
}

llvm::json::Value ratio(const Timing &num, const Timing &den) {
  if (!num.ok || !den.ok || num.medianSeconds <= 0)
    return nullptr;
  return den.medianSeconds / num.medianSeconds;
}

} // namespace

int main(int argc, char **argv) {
  qc::runner::keepFreedBuffersInHeap();
  Options opt;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    if (a == "--quick")
      opt.quick = true;
    else if (a == "--json")
      opt.json = true;
    else if (a == "--dry-run")
      opt.dryRun = true;
    else if (a == "--no-conv")
      opt.convs = false;
    else if (a == "--conv-only")
      opt.gemms = false;
    else if (a == "--conv-batch" && i + 1 < argc) {
      llvm::StringRef v = argv[++i];
      if (v.getAsInteger(10, opt.convBatch) || opt.convBatch <= 0) {
        llvm::errs() << "qc-gemm-bench: error: bad --conv-batch '" << v
                     << "' (expected a positive integer)\n";
        return 1;
      }
    } else if ((a == "--shape" || a == "--int8-pipeline" ||
                a == "--emit-mlir") &&
               i + 1 < argc) {
      llvm::StringRef v = argv[++i];
      if (a == "--emit-mlir") {
        opt.emitDir = v.str();
        continue;
      }
      if (a == "--int8-pipeline") {
        opt.int8Pipeline = v.str();
        continue;
      }
      Shape s;
      if (!parseShape(v, s)) {
        llvm::errs() << "qc-gemm-bench: error: bad --shape '" << v
                     << "' (expected MxNxK, positive integers)\n";
        return 1;
      }
      opt.shapes.push_back(s);
    } else if (a == "-h" || a == "--help") {
      llvm::outs() << kUsage;
      return 0;
    } else {
      llvm::errs() << "qc-gemm-bench: error: unknown or incomplete argument '"
                   << a << "'\n"
                   << kUsage;
      return 1;
    }
  }
  if (!opt.gemms && !opt.convs) {
    llvm::errs() << "qc-gemm-bench: error: --conv-only and --no-conv leave "
                    "nothing to measure\n";
    return 1;
  }
  if (!opt.shapes.empty())
    opt.convs = false;
  else if (opt.gemms) {
    opt.shapes = {{256, 256, 256},   {512, 512, 512},   {1024, 1024, 1024},
                  {2048, 2048, 2048}, {1, 4096, 4096},  {128, 768, 768},
                  {128, 3072, 768},  {3136, 64, 576}};
    if (opt.quick)
      opt.shapes.erase(opt.shapes.begin() + 3);
  }
  TimingPolicy policy;
  if (opt.quick)
    policy = {1, 3, 0.15, 3.0};
  if (opt.dryRun)
    policy = {0, 1, 0, 0};

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::DialectRegistry registry;
  qc::registerAllDialects(registry);
  qc::registerAllPasses();
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  // QC's parallel loops (libomp in the JIT) and oneDNN (its OpenMP runtime)
  // both take their thread count from OMP_NUM_THREADS; bench/run sets it.
  int64_t threads = 1;
  if (const char *env = std::getenv("OMP_NUM_THREADS"))
    if (llvm::StringRef(env).getAsInteger(10, threads) || threads < 1)
      threads = 1;
  bool vnni = qc::bench::hostHasAvx512Vnni();
  Peak peak;
  if (vnni && !opt.dryRun)
    peak = measurePeak(opt.quick);

  auto emit = [&](const std::string &name, const std::string &text) {
    if (opt.emitDir.empty())
      return true;
    std::string path = opt.emitDir + "/" + name + ".mlir";
    std::error_code ec;
    llvm::raw_fd_ostream f(path, ec);
    if (ec) {
      llvm::errs() << "qc-gemm-bench: error: cannot write " << path << ": "
                   << ec.message() << "\n";
      return false;
    }
    f << text;
    return true;
  };

  std::vector<Row> rows;
  for (const Shape &s : opt.shapes) {
    if (!opt.json)
      llvm::errs() << "measuring " << s.str() << " ...\n";
    Row row;
    row.shape = s;
    Int8Problem p = makeProblem(s, 1234 + s.m * 31 + s.n * 7 + s.k);
    if (opt.dryRun) {
      row.onednn.error = "dry run";
    } else {
      row.onednn = benchOneDnnInt8(p, policy);
    }

    std::string i8Text = int8Module(p), f32Text = fp32Module(s);
    if (!emit("int8_" + s.str(), i8Text) || !emit("fp32_" + s.str(), f32Text))
      return 1;
    qc::npy::Array x(qc::npy::DType::U8, {s.m, s.k});
    std::memcpy(x.data.data(), p.x.data(), p.x.size());
    QCRun i8 = runQC(ctx, i8Text, opt.int8Pipeline, {x}, policy,
                     opt.dryRun);
    row.qcInt8 = i8.timing;
    row.qcInt8Compile = i8.compileSeconds;
    row.qcInt8.note = opt.int8Pipeline +
                      (row.qcInt8.note.empty() ? "" : "; " + row.qcInt8.note);
    // int4 weights through the same pipeline.
    row.qcInt4 = runQC(ctx, int8Module(p, /*int4=*/true), opt.int8Pipeline,
                       {x}, policy, opt.dryRun)
                     .timing;

    qc::npy::Array a(qc::npy::DType::F32, {s.m, s.k}),
        b(qc::npy::DType::F32, {s.k, s.n});
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> d(-1, 1);
    for (int64_t i = 0; i < a.numElements(); ++i)
      a.dataAs<float>()[i] = d(rng);
    for (int64_t i = 0; i < b.numElements(); ++i)
      b.dataAs<float>()[i] = d(rng);
    QCRun f32 = runQC(ctx, f32Text, "", {a, b}, policy, opt.dryRun);
    row.qcFp32 = f32.timing;
    row.qcFp32Compile = f32.compileSeconds;
    rows.push_back(std::move(row));
  }

  std::vector<ConvRow> convRows;
  for (const ConvLayer &l : opt.convs ? llvm::ArrayRef<ConvLayer>(kConvLayers)
                                      : llvm::ArrayRef<ConvLayer>()) {
    if (opt.quick && !l.quick)
      continue;
    if (!opt.json)
      llvm::errs() << "measuring conv " << l.name << " ...\n";
    ConvRow row;
    row.layer = &l;
    row.problem = makeConvProblem(l, opt.convBatch,
                                  99 + l.c * 131 + l.f * 17 + l.h + l.k);
    const ConvProblem &p = row.problem;
    if (opt.dryRun)
      row.onednn.error = "dry run";
    else
      row.onednn = benchOneDnnConvInt8(p, policy);
    std::string i8Text = convInt8Module(p), f32Text = convFp32Module(p);
    if (!emit(std::string("conv_int8_") + l.name, i8Text) ||
        !emit(std::string("conv_fp32_") + l.name, f32Text))
      return 1;
    qc::npy::Array x(qc::npy::DType::U8, {p.n, p.c, p.h, p.width});
    std::memcpy(x.data.data(), p.x.data(), p.x.size());
    QCRun i8 = runQC(ctx, i8Text, opt.int8Pipeline, {x}, policy, opt.dryRun);
    row.qcInt8 = i8.timing;
    row.qcInt8Compile = i8.compileSeconds;
    qc::npy::Array xf(qc::npy::DType::F32, {p.n, p.c, p.h, p.width}),
        wf(qc::npy::DType::F32, {p.f, p.c, p.kh, p.kw});
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> d(-1, 1);
    for (int64_t i = 0; i < xf.numElements(); ++i)
      xf.dataAs<float>()[i] = d(rng);
    for (int64_t i = 0; i < wf.numElements(); ++i)
      wf.dataAs<float>()[i] = d(rng);
    row.qcFp32 = runQC(ctx, f32Text, "", {xf, wf}, policy, opt.dryRun).timing;
    convRows.push_back(std::move(row));
  }

  bool failed = false;
  for (const Row &r : rows)
    failed |= !r.qcInt8.ok || !r.qcInt4.ok || !r.qcFp32.ok ||
              (!opt.dryRun && !r.onednn.ok);
  for (const ConvRow &r : convRows)
    failed |= !r.qcInt8.ok || !r.qcFp32.ok || (!opt.dryRun && !r.onednn.ok);

  if (opt.json) {
    llvm::json::Object root;
    root["host_cpu"] = llvm::sys::getHostCPUName().str();
    root["threads"] = threads;
    root["quick"] = opt.quick;
    root["dry_run"] = opt.dryRun;
    root["avx512vnni"] = vnni;
    if (peak.gops > 0)
      root["peak"] = llvm::json::Object{{"gops", peak.gops},
                                        {"accumulators", peak.accumulators},
                                        {"repeats", peak.repeats}};
    else
      root["peak"] = nullptr;
    llvm::json::Array shapes;
    for (const Row &r : rows) {
      llvm::json::Object o{{"m", r.shape.m}, {"n", r.shape.n},
                           {"k", r.shape.k}, {"gop", r.shape.ops() / 1e9}};
      o["onednn_int8"] = timingJson(r.shape.ops(), r.onednn, peak.gops);
      llvm::json::Value qi = timingJson(r.shape.ops(), r.qcInt8, peak.gops);
      if (auto *obj = qi.getAsObject())
        (*obj)["compile_s"] = r.qcInt8Compile;
      o["qc_int8"] = std::move(qi);
      llvm::json::Value qf = timingJson(r.shape.ops(), r.qcFp32, 0);
      if (auto *obj = qf.getAsObject())
        (*obj)["compile_s"] = r.qcFp32Compile;
      o["qc_fp32"] = std::move(qf);
      o["qc_w4a8"] = timingJson(r.shape.ops(), r.qcInt4, peak.gops);
      o["qc_over_onednn"] = ratio(r.qcInt8, r.onednn);
      o["int8_over_fp32"] = ratio(r.qcInt8, r.qcFp32);
      o["w4_over_int8"] = ratio(r.qcInt4, r.qcInt8);
      shapes.push_back(std::move(o));
    }
    root["shapes"] = std::move(shapes);
    llvm::json::Array convs;
    for (const ConvRow &r : convRows) {
      const ConvProblem &p = r.problem;
      llvm::json::Object o{{"layer", r.layer->name},
                           {"n", p.n},
                           {"c", p.c},
                           {"h", p.h},
                           {"w", p.width},
                           {"f", p.f},
                           {"k", p.kh},
                           {"stride", p.stride},
                           {"pad", p.pad},
                           {"gop", p.ops() / 1e9}};
      o["onednn_int8"] = timingJson(p.ops(), r.onednn, peak.gops);
      llvm::json::Value qi = timingJson(p.ops(), r.qcInt8, peak.gops);
      if (auto *obj = qi.getAsObject())
        (*obj)["compile_s"] = r.qcInt8Compile;
      o["qc_int8"] = std::move(qi);
      o["qc_fp32"] = timingJson(p.ops(), r.qcFp32, 0);
      o["qc_over_onednn"] = ratio(r.qcInt8, r.onednn);
      o["int8_over_fp32"] = ratio(r.qcInt8, r.qcFp32);
      convs.push_back(std::move(o));
    }
    root["convs"] = std::move(convs);
    root["conv_batch"] = opt.convBatch;
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)))
                 << "\n";
    return failed ? 1 : 0;
  }

  auto &os = llvm::outs();
  os << "host " << llvm::sys::getHostCPUName() << ", " << threads
     << (threads == 1 ? " thread" : " threads") << ", medians over "
     << "repeats" << (opt.quick ? " (--quick)" : "") << "\n";
  if (peak.gops > 0)
    os << llvm::format("vpdpbusd zmm peak: %.1f GOPS (%d accumulators, "
                       "best of %d runs)\n",
                       peak.gops, peak.accumulators, peak.repeats);
  else
    os << "vpdpbusd zmm peak: not measured ("
       << (vnni ? "dry run" : "no AVX-512 VNNI") << ")\n";
  os << "QC int8 pipeline: " << opt.int8Pipeline << "\n";
  if (!rows.empty())
    os << llvm::format("%-16s %12s %7s %12s %7s %13s %10s %10s %10s %8s\n",
                       "MxNxK", "oneDNN GOPS", "%peak", "QC-i8 GOPS", "%peak",
                       "QC-f32 GFLOP", "QC/oneDNN", "i8/f32", "QC-w4 GOPS",
                       "w4/i8");
  auto cell = [&](const Timing &t, double ops) -> std::string {
    if (!t.ok)
      return "n/a";
    return llvm::formatv("{0:f1}", gops(ops, t)).str();
  };
  auto pct = [&](const Timing &t, double ops) -> std::string {
    if (!t.ok || peak.gops <= 0)
      return "-";
    return llvm::formatv("{0:f1}", 100 * gops(ops, t) / peak.gops).str();
  };
  auto rat = [&](const Timing &n, const Timing &d) -> std::string {
    if (!n.ok || !d.ok)
      return "-";
    return llvm::formatv("{0:f3}", d.medianSeconds / n.medianSeconds).str();
  };
  for (const Row &r : rows) {
    os << llvm::format(
        "%-16s %12s %7s %12s %7s %13s %10s %10s %10s %8s\n",
        r.shape.str().c_str(), cell(r.onednn, r.shape.ops()).c_str(),
        pct(r.onednn, r.shape.ops()).c_str(),
        cell(r.qcInt8, r.shape.ops()).c_str(),
        pct(r.qcInt8, r.shape.ops()).c_str(),
        cell(r.qcFp32, r.shape.ops()).c_str(), rat(r.qcInt8, r.onednn).c_str(),
        rat(r.qcInt8, r.qcFp32).c_str(), cell(r.qcInt4, r.shape.ops()).c_str(),
        rat(r.qcInt4, r.qcInt8).c_str());
  }
  if (!convRows.empty()) {
    os << "conv layers of the shared models, batch " << opt.convBatch
       << " (NCHW u8 in, i8 out; oneDNN in its preferred layouts)\n";
    os << llvm::format("%-27s %-22s %12s %7s %12s %7s %13s %10s %8s\n", "layer",
                       "CxHxW->F kxk/s", "oneDNN GOPS", "%peak", "QC-i8 GOPS",
                       "%peak", "QC-f32 GFLOP", "QC/oneDNN", "i8/f32");
    for (const ConvRow &r : convRows) {
      const ConvProblem &p = r.problem;
      std::string geom = llvm::formatv("{0}x{1}x{2}->{3} {4}x{4}/{5}", p.c, p.h,
                                       p.width, p.f, p.kh, p.stride)
                             .str();
      os << llvm::format(
          "%-27s %-22s %12s %7s %12s %7s %13s %10s %8s\n", r.layer->name,
          geom.c_str(), cell(r.onednn, p.ops()).c_str(),
          pct(r.onednn, p.ops()).c_str(), cell(r.qcInt8, p.ops()).c_str(),
          pct(r.qcInt8, p.ops()).c_str(), cell(r.qcFp32, p.ops()).c_str(),
          rat(r.qcInt8, r.onednn).c_str(), rat(r.qcInt8, r.qcFp32).c_str());
    }
  }
  for (const ConvRow &r : convRows) {
    if (!r.onednn.ok && !opt.dryRun)
      os << r.layer->name << " oneDNN: " << r.onednn.error << "\n";
    if (!r.qcInt8.ok)
      os << r.layer->name << " QC int8: " << r.qcInt8.error << "\n";
    if (!r.qcFp32.ok)
      os << r.layer->name << " QC fp32: " << r.qcFp32.error << "\n";
  }
  if (!convRows.empty() && convRows.front().onednn.ok)
    os << "oneDNN convolution: " << convRows.front().onednn.note << "\n";
  for (const Row &r : rows) {
    if (!r.onednn.ok && !opt.dryRun)
      os << r.shape.str() << " oneDNN: " << r.onednn.error << "\n";
    if (!r.qcInt8.ok)
      os << r.shape.str() << " QC int8: " << r.qcInt8.error << "\n";
    if (!r.qcFp32.ok)
      os << r.shape.str() << " QC fp32: " << r.qcFp32.error << "\n";
    if (!r.qcInt4.ok)
      os << r.shape.str() << " QC w4a8: " << r.qcInt4.error << "\n";
  }
  if (!rows.empty() && rows.front().onednn.ok)
    os << "oneDNN implementation: " << rows.front().onednn.note << "\n";
  return failed ? 1 : 0;
}
