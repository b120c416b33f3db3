//===- DynamicQuantize.cpp - Run-time activation quantization of matmuls --===//
//
// qc-dynamic-quantize: each f32 linalg.matmul with a constant [K, N] weight
// becomes, on tensors,
//
//   min/max of x (linalg.generic, both reductions start at 0)
//   s = max(select((max - min) / 255 == 0, 1, (max - min) / 255), FLT_MIN)
//   zp = clamp(roundeven(-(min / s)), 0, 255)              (f32 -> i32)
//   q = clamp(roundeven(x / s) + zp, 0, 255), NaN -> zp     (u8 in i8)
//   acc = sum_k zext(q[m,k]) * sext(wq[k,n])                (i32)
//   y = f32(acc - zp * colsum(wq)[n]) * (s * sw[n])
//
// with wq, sw and the column sums computed at compile time. The exact
// arithmetic is documented in docs/DynamicQuantization.md.
//
//===----------------------------------------------------------------------===//
#include "FloatPatterns.h"
#include "LayerNames.h"
#include "qc/Calibration/RangeSelection.h"
#include "qc/Quantization/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qc {
#define GEN_PASS_DEF_QCDYNAMICQUANTIZEPASS
#include "qc/Quantization/Passes.h.inc"
} // namespace qc

using namespace mlir;

namespace {

/// Largest reduction length whose i32 accumulator cannot overflow:
/// K * 255 * 127 <= 2^31 - 1.
constexpr int64_t kMaxReduction =
    std::numeric_limits<int32_t>::max() / (255 * 127);

/// The compile-time half: quantized weight, its scales and column sums.
struct QuantizedWeight {
  std::vector<int8_t> values; // [K, N] row-major
  std::vector<float> scales;  // [N] (all equal when per tensor)
  std::vector<int32_t> columnSums;
};

/// Round half to even in the current (default: to nearest) rounding mode.
float roundEven(float v) { return std::nearbyint(v); }

/// Quantizes a [K, N] f32 weight symmetrically to -127..127, per column
/// or per tensor. Fails (with the message in `why`) on non-finite weights.
std::optional<QuantizedWeight> quantizeWeight(const std::vector<float> &w,
                                              int64_t K, int64_t N,
                                              bool perChannel,
                                              std::string &why) {
  std::vector<double> absMax(N, 0.0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      float v = w[k * N + n];
      if (!std::isfinite(v)) {
        why = "weight element [" + std::to_string(k) + ", " +
              std::to_string(n) + "] is not finite";
        return std::nullopt;
      }
      absMax[n] = std::max(absMax[n], std::fabs(double(v)));
    }
  if (!perChannel) {
    double all = 0.0;
    for (double a : absMax)
      all = std::max(all, a);
    absMax.assign(N, all);
  }
  QuantizedWeight qw;
  qw.scales.resize(N);
  qw.columnSums.assign(N, 0);
  qw.values.resize(K * N);
  for (int64_t n = 0; n < N; ++n) {
    auto qp = qc::calib::chooseQuantParams(-absMax[n], absMax[n], /*bits=*/8,
                                           /*isSigned=*/true,
                                           /*symmetric=*/true,
                                           /*narrowRange=*/true);
    if (!qp) {
      why = llvm::toString(qp.takeError());
      return std::nullopt;
    }
    qw.scales[n] = float(qp->scale);
  }
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      float r = roundEven(w[k * N + n] / qw.scales[n]);
      int32_t q = int32_t(std::clamp(r, -127.0f, 127.0f));
      qw.values[k * N + n] = int8_t(q);
      qw.columnSums[n] += q;
    }
  return qw;
}

/// Run-time quantization of one activation: u8 values (stored as i8), the
/// f32 scale and the i32 zero point.
struct ActivationQuant {
  Value q, scale, zeroPoint;
};

class DynamicQuantizer {
public:
  DynamicQuantizer(func::FuncOp func, bool perChannel, int64_t minElements,
                   ArrayRef<std::string> skip)
      : func(func), builder(func.getContext()), perChannel(perChannel),
        minElements(minElements) {
    for (const std::string &name : skip)
      skipNames.insert(name);
  }

  void run() {
    SmallVector<linalg::MatmulOp> matmuls;
    func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    for (linalg::MatmulOp op : matmuls)
      rewrite(op);
  }

private:
  Value f32Const(Location loc, float v) {
    return arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(v));
  }

  /// Quantizes `x` ([M, K] f32) once per block that uses it, right after
  /// its definition (or at the start of the block).
  ActivationQuant quantizeActivation(Value x, Block *block, Location loc);

  void rewrite(linalg::MatmulOp op);

  func::FuncOp func;
  OpBuilder builder;
  bool perChannel;
  int64_t minElements;
  llvm::StringSet<> skipNames;
  llvm::DenseMap<std::pair<Value, Block *>, ActivationQuant> cache;
};

ActivationQuant DynamicQuantizer::quantizeActivation(Value x, Block *block,
                                                     Location loc) {
  auto key = std::make_pair(x, block);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;

  OpBuilder::InsertionGuard guard(builder);
  Operation *def = x.getDefiningOp();
  if (def && def->getBlock() == block)
    builder.setInsertionPointAfter(def);
  else
    builder.setInsertionPointToStart(block);

  MLIRContext *ctx = builder.getContext();
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type(),
       i8 = builder.getI8Type();

  // min and max over the whole tensor; both start at 0, so the range
  // includes 0. minnumf/maxnumf skip NaN.
  Value zero = f32Const(loc, 0.0f);
  auto scalarInit = [&]() {
    Value empty =
        tensor::EmptyOp::create(builder, loc, ArrayRef<int64_t>{}, f32);
    return linalg::FillOp::create(builder, loc, ValueRange{zero},
                                  ValueRange{empty})
        .getResult(0);
  };
  Value minInit = scalarInit(), maxInit = scalarInit();
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap toScalar = AffineMap::get(2, 0, {}, ctx);
  auto minMax = linalg::GenericOp::create(
      builder, loc, TypeRange{minInit.getType(), maxInit.getType()},
      ValueRange{x}, ValueRange{minInit, maxInit},
      ArrayRef<AffineMap>{id2, toScalar, toScalar},
      ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                    utils::IteratorType::reduction},
      [](OpBuilder &b, Location l, ValueRange args) {
        Value mn = arith::MinNumFOp::create(b, l, args[0], args[1]);
        Value mx = arith::MaxNumFOp::create(b, l, args[0], args[2]);
        linalg::YieldOp::create(b, l, ValueRange{mn, mx});
      });
  Value mn = tensor::ExtractOp::create(builder, loc, minMax.getResult(0),
                                       ValueRange{});
  Value mx = tensor::ExtractOp::create(builder, loc, minMax.getResult(1),
                                       ValueRange{});

  // Scale and zero point, in f32.
  Value range = arith::SubFOp::create(builder, loc, mx, mn);
  Value s0 = arith::DivFOp::create(builder, loc, range, f32Const(loc, 255.0f));
  Value isZero =
      arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::OEQ, s0, zero);
  Value s1 =
      arith::SelectOp::create(builder, loc, isZero, f32Const(loc, 1.0f), s0);
  Value scale = arith::MaximumFOp::create(
      builder, loc, s1, f32Const(loc, std::numeric_limits<float>::min()));
  Value t = arith::DivFOp::create(builder, loc, mn, scale);
  Value r = math::RoundEvenOp::create(builder, loc,
                                      arith::NegFOp::create(builder, loc, t));
  // -inf / +inf (an infinite activation) is NaN: zero point 0.
  Value rNaN =
      arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::UNO, r, r);
  r = arith::SelectOp::create(builder, loc, rNaN, zero, r);
  r = arith::MaximumFOp::create(builder, loc, r, zero);
  r = arith::MinimumFOp::create(builder, loc, r, f32Const(loc, 255.0f));
  Value zp = arith::FPToSIOp::create(builder, loc, i32, r);

  // q = clamp(roundeven(x / s) + zp, 0, 255); NaN -> zp.
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, x);
  Value qEmpty = tensor::EmptyOp::create(builder, loc, sizes, i8);
  auto quant = linalg::GenericOp::create(
      builder, loc, TypeRange{qEmpty.getType()}, ValueRange{x},
      ValueRange{qEmpty}, ArrayRef<AffineMap>{id2, id2},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &b, Location l, ValueRange args) {
        auto fc = [&](float v) {
          return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
        };
        auto ic = [&](int32_t v) {
          return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v));
        };
        Value q = arith::DivFOp::create(b, l, args[0], scale);
        Value isNaN =
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, q, q);
        q = math::RoundEvenOp::create(b, l, q);
        q = arith::SelectOp::create(b, l, isNaN, fc(0.0f), q);
        // Exact bounds wide enough for any zero point, so fptosi is in range.
        q = arith::MaximumFOp::create(b, l, q, fc(-256.0f));
        q = arith::MinimumFOp::create(b, l, q, fc(256.0f));
        Value qi = arith::FPToSIOp::create(b, l, i32, q);
        qi = arith::AddIOp::create(b, l, qi, zp);
        qi = arith::MaxSIOp::create(b, l, qi, ic(0));
        qi = arith::MinSIOp::create(b, l, qi, ic(255));
        linalg::YieldOp::create(
            b, l, ValueRange{arith::TruncIOp::create(b, l, i8, qi)});
      });
  ActivationQuant aq{quant.getResult(0), scale, zp};
  cache[key] = aq;
  return aq;
}

void DynamicQuantizer::rewrite(linalg::MatmulOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return;
  Value x = op.getDpsInputOperand(0)->get();
  Value w = op.getDpsInputOperand(1)->get();
  Value init = op.getDpsInitOperand(0)->get();
  // Only matmuls with a constant weight are dynamically quantized;
  // activation x activation products stay float.
  if (!isa_and_nonnull<arith::ConstantOp>(w.getDefiningOp()))
    return;
  std::string layer = qc::layerNameOf(op.getLoc());
  if (!layer.empty() && skipNames.contains(layer))
    return;
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  auto yType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!xType || !wType || !yType)
    return;
  if (!xType.getElementType().isF32() || !wType.getElementType().isF32() ||
      !yType.getElementType().isF32()) {
    op.emitRemark() << "left float by qc-dynamic-quantize: element types "
                    << xType.getElementType() << " x " << wType.getElementType()
                    << " -> " << yType.getElementType()
                    << " (only f32 matmuls are quantized)";
    return;
  }
  if (op.hasUserDefinedMaps()) {
    op.emitRemark() << "left float by qc-dynamic-quantize: the matmul has "
                       "non-default indexing maps (transposed or broadcast "
                       "operands)";
    return;
  }
  if (!wType.hasStaticShape()) {
    op.emitRemark()
        << "left float by qc-dynamic-quantize: the weight shape is dynamic";
    return;
  }
  int64_t K = wType.getDimSize(0), N = wType.getDimSize(1);
  if (wType.getNumElements() < minElements)
    return;
  if (K > kMaxReduction) {
    op.emitRemark() << "left float by qc-dynamic-quantize: reduction length "
                    << K << " could overflow the i32 accumulator (at most "
                    << kMaxReduction << ")";
    return;
  }
  std::optional<std::vector<float>> data = qc::constantFloats(w);
  if (!data) {
    op.emitRemark() << "left float by qc-dynamic-quantize: the weight "
                       "constant's data is not readable";
    return;
  }
  std::string why;
  std::optional<QuantizedWeight> qw =
      quantizeWeight(*data, K, N, perChannel, why);
  if (!qw) {
    op.emitRemark() << "left float by qc-dynamic-quantize: " << why;
    return;
  }

  Location loc = op.getLoc();
  ActivationQuant aq = quantizeActivation(x, op->getBlock(), loc);

  builder.setInsertionPoint(op);
  MLIRContext *ctx = builder.getContext();
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type(),
       i8 = builder.getI8Type();
  Value wq = arith::ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(RankedTensorType::get({K, N}, i8),
                             ArrayRef<int8_t>(qw->values)));
  Value colSums = arith::ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(RankedTensorType::get({N}, i32),
                             ArrayRef<int32_t>(qw->columnSums)));
  Value wScales = arith::ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(RankedTensorType::get({N}, f32),
                             ArrayRef<float>(qw->scales)));

  // acc[m, n] = sum_k zext(q[m, k]) * sext(wq[k, n]) in i32.
  SmallVector<OpFoldResult> outSizes = {
      tensor::getMixedSize(builder, loc, x, 0), builder.getIndexAttr(N)};
  Value accEmpty = tensor::EmptyOp::create(builder, loc, outSizes, i32);
  Value accInit =
      linalg::FillOp::create(builder, loc,
                             ValueRange{arith::ConstantOp::create(
                                 builder, loc, builder.getI32IntegerAttr(0))},
                             ValueRange{accEmpty})
          .getResult(0);
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineMap mk = AffineMap::get(3, 0, {d(0), d(2)}, ctx);
  AffineMap kn = AffineMap::get(3, 0, {d(2), d(1)}, ctx);
  AffineMap mn = AffineMap::get(3, 0, {d(0), d(1)}, ctx);
  auto intMatmul = linalg::GenericOp::create(
      builder, loc, TypeRange{accInit.getType()}, ValueRange{aq.q, wq},
      ValueRange{accInit}, ArrayRef<AffineMap>{mk, kn, mn},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel,
                                    utils::IteratorType::reduction},
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value a = arith::ExtUIOp::create(b, l, i32, args[0]);
        Value v = arith::ExtSIOp::create(b, l, i32, args[1]);
        Value p = arith::MulIOp::create(b, l, a, v);
        linalg::YieldOp::create(
            b, l, ValueRange{arith::AddIOp::create(b, l, args[2], p)});
      });

  // y[m, n] = f32(acc - zp * colsum[n]) * (s * sw[n]) (+ init when the
  // matmul did not start from a zero fill).
  bool zeroInit = false;
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (std::optional<double> v = qc::constantScalar(fill.getInputs()[0]))
      zeroInit = *v == 0.0;
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap col = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<Value> ins = {intMatmul.getResult(0), colSums, wScales};
  SmallVector<AffineMap> maps = {id2, col, col};
  if (!zeroInit) {
    ins.push_back(init);
    maps.push_back(id2);
  }
  maps.push_back(id2);
  Value yEmpty = tensor::EmptyOp::create(builder, loc, outSizes, f32);
  Value scale = aq.scale, zp = aq.zeroPoint;
  auto epilogue = linalg::GenericOp::create(
      builder, loc, TypeRange{yEmpty.getType()}, ins, ValueRange{yEmpty}, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value corr = arith::MulIOp::create(b, l, zp, args[1]);
        Value acc = arith::SubIOp::create(b, l, args[0], corr);
        Value f = arith::SIToFPOp::create(b, l, f32, acc);
        Value c = arith::MulFOp::create(b, l, scale, args[2]);
        Value y = arith::MulFOp::create(b, l, f, c);
        if (!zeroInit)
          y = arith::AddFOp::create(b, l, args[3], y);
        linalg::YieldOp::create(b, l, ValueRange{y});
      });
  Value y = epilogue.getResult(0);
  if (y.getType() != yType)
    y = tensor::CastOp::create(builder, loc, yType, y);
  op.getResult(0).replaceAllUsesWith(y);
  op.erase();

  // Drop the float weight and the zero fill when nothing else uses them.
  if (Operation *wDef = w.getDefiningOp(); wDef && wDef->use_empty())
    wDef->erase();
  if (auto fill = init.getDefiningOp<linalg::FillOp>();
      fill && fill->use_empty()) {
    Value out = fill.getOutputs()[0];
    fill->erase();
    if (auto empty = out.getDefiningOp<tensor::EmptyOp>();
        empty && empty->use_empty())
      empty->erase();
  }
}

struct QCDynamicQuantizePass
    : qc::impl::QCDynamicQuantizePassBase<QCDynamicQuantizePass> {
  using QCDynamicQuantizePassBase::QCDynamicQuantizePassBase;

  void runOnOperation() override {
    int64_t min = minElements;
    if (min < 0) {
      getOperation().emitError()
          << "qc-dynamic-quantize: min-elements must be non-negative, got "
          << min;
      return signalPassFailure();
    }
    DynamicQuantizer(getOperation(), perChannel, minElements, skip).run();
  }
};

} // namespace
