//===- Calibrate.cpp - Calibration of observed modules --------------------===//
#include "qc/Driver/Calibrate.h"

#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Quantization/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>

using namespace mlir;
using namespace qc;

namespace {

/// What the JIT'd code reports observations to. One calibration runs at a
/// time per process; the callback finds it through this pointer.
struct Session {
  calib::StatsCollector collector;
  std::vector<std::string> ids;
  std::vector<int64_t> axes;
  std::vector<float> scratch;
  /// The first error raised inside the callback (reported after the call).
  std::string error;

  explicit Session(const calib::CollectorOptions &o) : collector(o) {}
};

Session *activeSession = nullptr;

/// Unranked memref descriptor as the LLVM lowering passes it:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct RankedDescriptor {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

extern "C" void qcObserveCallback(int64_t index, int64_t rank, void *desc) {
  Session *s = activeSession;
  if (!s || !s->error.empty())
    return;
  if (index < 0 || index >= static_cast<int64_t>(s->ids.size())) {
    s->error = llvm::formatv("observer index {0} is out of range", index);
    return;
  }
  auto *d = static_cast<RankedDescriptor *>(desc);
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + rank;
  std::vector<int64_t> shape(sizes, sizes + rank);
  int64_t n = 1;
  for (int64_t v : shape)
    n *= v;
  const float *base = d->aligned + d->offset;
  // Contiguous row-major buffers are read in place; others are gathered.
  bool contiguous = true;
  int64_t expect = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    if (shape[i] != 1 && strides[i] != expect)
      contiguous = false;
    expect *= shape[i];
  }
  const float *data = base;
  if (!contiguous) {
    s->scratch.resize(n);
    std::vector<int64_t> idx(rank, 0);
    for (int64_t k = 0; k < n; ++k) {
      int64_t off = 0;
      for (int64_t i = 0; i < rank; ++i)
        off += idx[i] * strides[i];
      s->scratch[k] = base[off];
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[i] < shape[i])
          break;
        idx[i] = 0;
      }
    }
    data = s->scratch.data();
  }
  std::optional<int64_t> axis;
  if (s->axes[index] >= 0)
    axis = s->axes[index];
  if (llvm::Error e = s->collector.observe(s->ids[index], data, shape, axis))
    s->error = llvm::toString(std::move(e));
}

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

} // namespace

llvm::Expected<CalibrationResult>
qc::calibrate(ModuleOp observed, ArrayRef<npy::Array> inputs,
              const CalibrationOptions &options) {
  if (activeSession)
    return fail("a calibration is already running in this process");
  OwningOpRef<ModuleOp> module(cast<ModuleOp>(observed->clone()));
  bool any = false;
  module->walk([&](qc::ObserveOp) { any = true; });
  if (!any)
    return fail("the module has no qc.observe ops to calibrate; run "
                "-qc-insert-observers first");
  PassManager pm(module->getContext());
  pm.addPass(qc::createQCInstrumentObserversPass());
  if (failed(pm.run(*module)))
    return fail("instrumenting the observers failed");

  Session session(options.collector);
  for (Attribute a : (*module)->getAttrOfType<ArrayAttr>("qc.observers"))
    session.ids.push_back(cast<StringAttr>(a).str());
  for (Attribute a : (*module)->getAttrOfType<ArrayAttr>("qc.observer_axes"))
    session.axes.push_back(cast<IntegerAttr>(a).getInt());

  CalibrationResult result;
  auto t0 = std::chrono::steady_clock::now();
  runner::JitModule jit(options.compile);
  jit.addSymbol(qc::kObserveCallee, reinterpret_cast<void *>(&qcObserveCallback));
  if (llvm::Error e = jit.compile(*module))
    return std::move(e);
  result.compileSeconds = secondsSince(t0);
  auto fn = jit.lookupFunction(options.function);
  if (!fn)
    return fn.takeError();
  // A function with a static batch dimension (e.g. 1) is run that many
  // samples at a time.
  int64_t batchSize = options.batchSize;
  if (!(*fn)->args.empty() && !(*fn)->args[0].shape.empty() &&
      (*fn)->args[0].shape[0] != runner::TensorSpec::kDynamic)
    batchSize = (*fn)->args[0].shape[0];
  auto batches = runner::splitBatches(**fn, inputs, batchSize);
  if (!batches)
    return batches.takeError();

  t0 = std::chrono::steady_clock::now();
  activeSession = &session;
  for (auto &batch : *batches) {
    auto outputs = jit.run(**fn, batch);
    if (!outputs) {
      activeSession = nullptr;
      return outputs.takeError();
    }
    if (!session.error.empty()) {
      activeSession = nullptr;
      return fail("calibration: " + session.error);
    }
    session.collector.recordBatch(batch.empty() || batch[0].shape.empty()
                                      ? 1
                                      : batch[0].shape[0]);
    ++result.calls;
  }
  activeSession = nullptr;
  result.runSeconds = secondsSince(t0);
  result.table = std::move(session.collector.table());
  return result;
}

llvm::Error qc::attachStatistics(ModuleOp module,
                                 const calib::StatsTable &table) {
  llvm::Error error = llvm::Error::success();
  module.walk([&](qc::ObserveOp obs) -> WalkResult {
    auto found = table.lookup(obs.getId());
    if (!found) {
      error = found.takeError();
      return WalkResult::interrupt();
    }
    const calib::TensorStats &s = *found;
    if (!s.hasFiniteValues()) {
      error = fail(llvm::formatv(
          "tensor '{0}' saw no finite value during calibration ({1} NaN, {2} "
          "infinite values)",
          obs.getId(), s.nanCount, s.infCount));
      return WalkResult::interrupt();
    }
    MLIRContext *ctx = obs.getContext();
    std::optional<llvm::APFloat> avgMin, avgMax;
    if (s.avgBatches > 0) {
      avgMin = llvm::APFloat(s.avgMin);
      avgMax = llvm::APFloat(s.avgMax);
    }
    SmallVector<int64_t> hist;
    double histMin = 0, histMax = 0;
    if (!s.histogram.empty()) {
      for (double c : s.histogram.bins())
        hist.push_back(static_cast<int64_t>(std::llround(c)));
      histMin = s.histogram.lo();
      histMax = s.histogram.hi();
    }
    DenseF64ArrayAttr chMin, chMax;
    if (!s.channelMin.empty()) {
      bool finite = llvm::all_of(s.channelMin, [](double v) { return std::isfinite(v); }) &&
                    llvm::all_of(s.channelMax, [](double v) { return std::isfinite(v); });
      if (finite) {
        chMin = DenseF64ArrayAttr::get(ctx, s.channelMin);
        chMax = DenseF64ArrayAttr::get(ctx, s.channelMax);
      }
    }
    auto attr = qc::StatsAttr::getChecked(
        [&]() { return obs.emitError(); }, ctx, llvm::APFloat(s.min),
        llvm::APFloat(s.max), avgMin, avgMax, llvm::APFloat(histMin),
        llvm::APFloat(histMax), ArrayRef<int64_t>(hist), chMin, chMax);
    if (!attr) {
      error = fail("invalid statistics for tensor '" + obs.getId() + "'");
      return WalkResult::interrupt();
    }
    // Per-channel statistics need the observer's axis.
    if (chMin && !obs.getAxis())
      attr = qc::StatsAttr::get(ctx, attr.getMin(), attr.getMax(),
                                attr.getAvgMin(), attr.getAvgMax(),
                                attr.getHistMin(), attr.getHistMax(),
                                attr.getHist(), DenseF64ArrayAttr(),
                                DenseF64ArrayAttr());
    obs.setStatsAttr(attr);
    return WalkResult::advance();
  });
  return error;
}
