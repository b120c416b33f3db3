//===- PropagateScales.cpp - Statistics to quantization parameters --------===//
#include "FloatPatterns.h"
#include "LayerNames.h"
#include "qc/Calibration/RangeSelection.h"
#include "qc/Calibration/StatsFile.h"
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Quantization/Passes.h"
#include "qc/Quantization/QuantConfig.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseSet.h"

#include <cmath>

namespace qc {
#define GEN_PASS_DEF_QCPROPAGATESCALESPASS
#include "qc/Quantization/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;

namespace {

llvm::StringRef anchorTypeName(AnchorKind kind) {
  switch (kind) {
  case AnchorKind::Conv:
    return "Conv";
  case AnchorKind::Contraction:
    return "Gemm";
  case AnchorKind::ActMatmul:
    return "MatMul";
  case AnchorKind::Add:
    return "Add";
  }
  return "";
}

/// Layer name of an observer id: the part before any ':' suffix.
StringRef layerOfId(StringRef id) { return id.split(':').first; }

/// Statistics carried by an observer's attribute, in the calibration
/// library's form.
FailureOr<calib::TensorStats> statsFromAttr(qc::StatsAttr attr) {
  calib::TensorStats s;
  s.count = 1;
  s.batches = 1;
  s.min = attr.minValue();
  s.max = attr.maxValue();
  if (attr.hasAverage()) {
    s.avgBatches = 1;
    s.avgMin = attr.avgMinValue();
    s.avgMax = attr.avgMaxValue();
  }
  if (attr.hasHistogram()) {
    std::vector<double> bins(attr.getHist().begin(), attr.getHist().end());
    auto h = calib::Histogram::create(attr.histMinValue(), attr.histMaxValue(),
                                      std::move(bins));
    if (!h) {
      llvm::consumeError(h.takeError());
      return failure();
    }
    s.histogram = std::move(*h);
  }
  return s;
}

struct QCPropagateScalesPass
    : qc::impl::QCPropagateScalesPassBase<QCPropagateScalesPass> {
  using QCPropagateScalesPassBase::QCPropagateScalesPassBase;

  std::optional<calib::StatsTable> table;
  QuantConfig config;
  llvm::DenseMap<Operation *, Unit> units;
  llvm::DenseSet<Operation *> skippedAnchors;
  llvm::DenseSet<Value> internalValues;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!statsFile.empty()) {
      auto t = calib::readStatsFile(statsFile);
      if (!t) {
        module.emitError() << llvm::toString(t.takeError());
        return signalPassFailure();
      }
      table = std::move(*t);
    }
    if (!configFile.empty()) {
      auto c = readQuantConfig(configFile);
      if (!c) {
        module.emitError() << llvm::toString(c.takeError());
        return signalPassFailure();
      }
      config = std::move(*c);
    }
    if (weightBits != 4 && weightBits != 7 && weightBits != 8) {
      module.emitError() << "weight-bits must be 4, 7 or 8, got " << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }
    if (weightRange != "full" && weightRange != "narrow") {
      module.emitError() << "weight-range must be full or narrow, got '"
                         << weightRange.getValue() << "'";
      return signalPassFailure();
    }
    if (activationBits != 8 && activationBits != 16) {
      module.emitError() << "activation-bits must be 8 or 16, got "
                         << static_cast<unsigned>(activationBits);
      return signalPassFailure();
    }
    if (outputBits != 8 && outputBits != 16) {
      module.emitError() << "output-bits must be 8 or 16, got "
                         << static_cast<unsigned>(outputBits);
      return signalPassFailure();
    }
    if (!calib::parseMethod(method)) {
      module.emitError() << "unknown range method '" << method.getValue()
                         << "' (expected minmax, moving_average, percentile, "
                            "entropy or mse)";
      return signalPassFailure();
    }
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal() && failed(runOnFunction(fn)))
        return signalPassFailure();
  }

  LayerSettings settingsFor(StringRef layer,
                            ArrayRef<StringRef> opTypes) const {
    LayerSettings s;
    s.method = method.getValue();
    s.percentile = percentile;
    s.activationBits = activationBits;
    s.weightBits = weightBits;
    s.perChannel = perChannel;
    s.weightRange = weightRange.getValue();
    s.skip = false;
    s.overrideWith(config.resolve(layer, opTypes));
    return s;
  }

  LayerSettings settingsFor(const Unit &unit) const {
    return settingsFor(layerNameOf(unit.anchor->getLoc()),
                       {anchorTypeName(unit.kind),
                        unit.anchor->getName().getStringRef()});
  }

  LogicalResult runOnFunction(func::FuncOp fn) {
    SmallVector<Operation *> ops;
    fn.walk([&](Operation *op) { ops.push_back(op); });
    units.clear();
    skippedAnchors.clear();
    internalValues.clear();
    for (Operation *op : ops) {
      if (Operation *sum = matchAvgPoolDivision(op))
        internalValues.insert(sum->getResult(0));
      std::optional<Unit> unit = matchUnit(op);
      if (!unit)
        continue;
      if (*settingsFor(*unit).skip)
        skippedAnchors.insert(op);
      if (unit->biasOp || unit->activation)
        internalValues.insert(op->getResult(0));
      if (unit->biasOp && unit->activation)
        internalValues.insert(unit->biasOp->getResult(0));
      units[op] = *unit;
    }
    for (Operation *op : ops) {
      if (auto obs = dyn_cast<qc::ObserveOp>(op)) {
        if (failed(handleObserver(obs)))
          return failure();
        continue;
      }
      auto it = units.find(op);
      if (it != units.end() && !skippedAnchors.count(op) &&
          (it->second.kind == AnchorKind::Conv ||
           it->second.kind == AnchorKind::Contraction))
        if (failed(quantizeWeights(it->second)))
          return failure();
    }
    // Observers left (on constants that are not weights, or of values that
    // stay float) have done their job.
    fn.walk([](qc::ObserveOp obs) {
      obs.getResult().replaceAllUsesWith(obs.getInput());
      obs.erase();
    });
    return success();
  }

  static void dropObserver(qc::ObserveOp obs) {
    obs.getResult().replaceAllUsesWith(obs.getInput());
    obs.erase();
  }

  /// True when every consumer of `v` is a layer kept in float.
  bool onlyFeedsSkippedLayers(Value v) {
    bool any = false;
    for (Operation *u : v.getUsers()) {
      if (auto obs = dyn_cast<qc::ObserveOp>(u)) {
        if (!onlyFeedsSkippedLayers(obs.getResult()))
          return false;
        continue;
      }
      if (!skippedAnchors.count(u))
        return false;
      any = true;
    }
    return any;
  }

  LogicalResult handleObserver(qc::ObserveOp obs) {
    Value v = obs.getInput();
    if (isa_and_nonnull<arith::ConstantOp>(v.getDefiningOp()))
      return success(); // weights: quantized with their layer
    if (internalValues.count(v) || onlyFeedsSkippedLayers(obs.getResult())) {
      dropObserver(obs);
      return success();
    }
    FailureOr<quant::UniformQuantizedType> type = activationType(obs);
    if (failed(type))
      return failure();
    OpBuilder b(obs);
    auto shaped = cast<RankedTensorType>(v.getType());
    auto qTensor = RankedTensorType::get(shaped.getShape(), *type);
    Value q = qc::QuantizeOp::create(b, obs.getLoc(), qTensor, v);
    Value dq = qc::DequantizeOp::create(b, obs.getLoc(), shaped, q);
    obs.getResult().replaceAllUsesWith(dq);
    obs.erase();
    return success();
  }

  /// Parameters of an already quantized value (the input of its dequantize).
  static std::optional<quant::UniformQuantizedType> knownType(Value v) {
    auto dq = v.getDefiningOp<qc::DequantizeOp>();
    if (!dq)
      return std::nullopt;
    return dyn_cast<quant::UniformQuantizedType>(
        cast<ShapedType>(dq.getInput().getType()).getElementType());
  }

  FailureOr<quant::UniformQuantizedType>
  makeActivationType(Operation *at, double lo, double hi, unsigned bits) {
    calib::QuantGrid grid;
    grid.bits = bits;
    grid.isSigned = activationSigned || bits > 8;
    grid.symmetric = activationSymmetric;
    auto qp = calib::chooseQuantParams(lo, hi, grid);
    if (!qp) {
      at->emitError() << llvm::toString(qp.takeError());
      return failure();
    }
    MLIRContext *ctx = at->getContext();
    return quant::UniformQuantizedType::getChecked(
        [&]() { return at->emitError(); },
        grid.isSigned ? quant::QuantizationFlags::Signed : 0,
        IntegerType::get(ctx, bits), Float32Type::get(ctx), qp->scale,
        qp->zeroPoint, grid.qmin(), grid.qmax());
  }

  FailureOr<quant::UniformQuantizedType> activationType(qc::ObserveOp obs) {
    Value v = obs.getInput();
    StringRef layer = layerOfId(obs.getId());
    Operation *def = v.getDefiningOp();
    LayerSettings s =
        settingsFor(layer, def ? ArrayRef<StringRef>{def->getName().getStringRef()}
                               : ArrayRef<StringRef>{});
    // Model outputs (values only returned) keep 16 bits unless configured:
    // the int32 accumulator of the last layer is requantized to i16, so
    // near-ties between logits survive.
    bool onlyReturned = !obs.getResult().use_empty() &&
                        llvm::all_of(obs.getResult().getUsers(), [](Operation *u) {
                          return isa<func::ReturnOp>(u);
                        });
    if (onlyReturned && outputBits > *s.activationBits) {
      // 16 bits resolve the full range finely: no clipping method needed.
      s.activationBits = outputBits;
      s.method = "minmax";
    }
    if (def) {
      if (OpOperand *in = sameScaleInput(def))
        if (auto t = knownType(in->get()))
          if (t->getStorageTypeIntegralWidth() == *s.activationBits)
            return *t;
      if (auto range = fixedOutputRange(def))
        return makeActivationType(obs, range->first, range->second,
                                  *s.activationBits);
    }
    calib::TensorStats fromAttr;
    const calib::TensorStats *stats = nullptr;
    if (table) {
      auto found = table->lookup(obs.getId());
      if (!found) {
        obs.emitError() << llvm::toString(found.takeError());
        return failure();
      }
      stats = &*found;
    } else if (auto attr = obs.getStatsAttr()) {
      auto converted = statsFromAttr(attr);
      if (failed(converted))
        return obs.emitError("invalid histogram in the observer's statistics");
      fromAttr = std::move(*converted);
      stats = &fromAttr;
    } else {
      return obs.emitError()
             << "observer '" << obs.getId()
             << "' has no statistics: calibrate first (quant-runner "
                "--calibrate) and pass stats-file, or attach stats";
    }
    auto m = calib::parseMethod(*s.method);
    if (!m) {
      obs.emitError() << llvm::toString(m.takeError());
      return failure();
    }
    calib::RangeParams params;
    params.grid.bits = *s.activationBits;
    params.grid.isSigned = activationSigned || *s.activationBits > 8;
    params.grid.symmetric = activationSymmetric;
    params.percentile = *s.percentile;
    auto range = calib::selectRange(*stats, *m, params);
    if (!range) {
      obs.emitError() << "tensor '" << obs.getId()
                      << "': " << llvm::toString(range.takeError());
      return failure();
    }
    return makeActivationType(obs, range->min, range->max, *s.activationBits);
  }

  /// Symmetric weights (per channel along the unit's channel axis unless
  /// configured per tensor) and an int32 bias of scale s_in * s_w. The full
  /// grid -2^(b-1)..2^(b-1)-1 centred on 0 spans 2^b - 1 steps, so its scale
  /// is max|w| / (2^(b-1) - 0.5): the largest magnitude lands on +-(2^(b-1) -
  /// 0.5), which rounds to the grid's end on either side. The narrow grid
  /// drops -2^(b-1) and uses max|w| / (2^(b-1) - 1). The weight scale of a
  /// channel is widened when its bias would not fit int32.
  LogicalResult quantizeWeights(Unit &unit) {
    Operation *anchor = unit.anchor;
    LayerSettings s = settingsFor(unit);
    auto inType = knownType(unit.inputs[0]->get());
    if (!inType) {
      anchor->emitWarning() << "the input of layer '"
                            << layerNameOf(anchor->getLoc())
                            << "' has no quantization parameters; the layer "
                               "stays float";
      return success();
    }
    double sIn = inType->getScale();
    auto wData = constantFloats(unit.weight->get());
    if (!wData) {
      anchor->emitWarning("weights are not a readable f32 constant; the layer "
                          "stays float");
      return success();
    }
    auto wType = cast<RankedTensorType>(unit.weight->get().getType());
    int64_t axis = *s.perChannel ? unit.weightChannelAxis : -1;
    int64_t channels = axis >= 0 ? wType.getDimSize(axis) : 1;
    // Stride of the channel axis in the row-major data.
    int64_t inner = 1;
    for (int64_t d = axis + 1; axis >= 0 && d < wType.getRank(); ++d)
      inner *= wType.getDimSize(d);
    std::vector<double> absMax(channels, 0.0);
    for (size_t i = 0; i < wData->size(); ++i) {
      int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % channels : 0;
      float w = (*wData)[i];
      if (!std::isfinite(w))
        return anchor->emitError() << "weights of layer '"
                                   << layerNameOf(anchor->getLoc())
                                   << "' contain NaN or Inf";
      absMax[c] = std::max(absMax[c], static_cast<double>(std::fabs(w)));
    }
    int64_t qmax = (int64_t(1) << (*s.weightBits - 1)) - 1;
    bool narrow = *s.weightRange == "narrow";
    int64_t qmin = narrow ? -qmax : -qmax - 1;
    double halfSpan = narrow ? double(qmax) : qmax + 0.5;
    SmallVector<double> scales(channels);
    for (int64_t c = 0; c < channels; ++c)
      scales[c] = absMax[c] > 0 ? absMax[c] / halfSpan : 1.0;

    // Bias: one value per weight channel, or any shape with per-tensor
    // weights (then one scale serves all of it).
    std::optional<std::vector<float>> bData;
    if (unit.bias) {
      bData = constantFloats(unit.bias->get());
      bool perChannelBias = channels > 1;
      if (!bData || (perChannelBias &&
                     (static_cast<int64_t>(bData->size()) != channels ||
                      unit.biasChannelAxis < 0))) {
        anchor->emitWarning("the bias does not match the weight channels; the "
                            "layer stays float");
        return success();
      }
      const double limit = 2147483647.0;
      for (size_t i = 0; i < bData->size(); ++i) {
        int64_t c = perChannelBias ? static_cast<int64_t>(i) : 0;
        double need = std::fabs((*bData)[i]) / (sIn * limit);
        if (need > scales[c]) {
          anchor->emitWarning()
              << "layer '" << layerNameOf(anchor->getLoc())
              << "': widened the weight scale of channel " << c << " from "
              << scales[c] << " to " << need * (1 + 1e-6)
              << " so that its int32 bias stays in range";
          scales[c] = need * (1 + 1e-6);
        }
      }
    }

    MLIRContext *ctx = anchor->getContext();
    OpBuilder b(anchor);
    Location loc = anchor->getLoc();
    auto f32 = Float32Type::get(ctx);
    auto makeType = [&](unsigned bits, int64_t lo, int64_t hi,
                        ArrayRef<double> sc, int64_t qAxis) -> Type {
      auto storage = IntegerType::get(ctx, bits);
      if (qAxis < 0)
        return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                                storage, f32, sc[0], 0, lo, hi);
      SmallVector<int64_t> zps(sc.size(), 0);
      return quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, storage, f32, sc, zps, qAxis, lo, hi);
    };
    auto qdq = [&](OpOperand *operand, Type elemType) {
      Value v = operand->get();
      auto shaped = cast<RankedTensorType>(v.getType());
      Value src = stripObservers(v);
      Value q = qc::QuantizeOp::create(
          b, loc, RankedTensorType::get(shaped.getShape(), elemType), src);
      Value dq = qc::DequantizeOp::create(b, loc, shaped, q);
      operand->set(dq);
      if (auto obs = v.getDefiningOp<qc::ObserveOp>())
        if (obs.use_empty())
          obs.erase();
    };
    // 7-bit weights are stored in i8 with the range -64..63 (narrow:
    // -63..63), so that the int8 kernels take them as they are.
    unsigned storageBits = *s.weightBits == 7 ? 8 : *s.weightBits;
    qdq(unit.weight, makeType(storageBits, qmin, qmax, scales, axis));
    if (unit.bias) {
      SmallVector<double> biasScales;
      for (double sw : scales)
        biasScales.push_back(sIn * sw);
      int64_t bAxis = channels > 1 ? unit.biasChannelAxis : -1;
      b.setInsertionPoint(unit.biasOp);
      qdq(unit.bias, makeType(32, INT32_MIN, INT32_MAX, biasScales, bAxis));
    }
    return success();
  }
};

} // namespace
