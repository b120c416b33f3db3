//===- LowerQuant.cpp - Lower QC numerics ops -----------------------------===//
//
// Rewrites qc.quantize / dequantize / requantize / fake_quant into one
// linalg.generic each, over storage-typed tensors, implementing the numerics
// contract of docs/Numerics.md exactly; strips quantized types from function
// boundaries and checks that none is left.
//
//===----------------------------------------------------------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Dialect/QC/Transforms/Numerics.h"
#include "qc/Dialect/QC/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <string>

namespace qc {
#define GEN_PASS_DEF_QCLOWERQUANTPASS
#include "qc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;

namespace {

//===----------------------------------------------------------------------===//
// Static analysis of quantized types
//===----------------------------------------------------------------------===//

/// The parameters of a uniform quantized element type, one entry per channel
/// (a single entry for per-tensor types).
struct QuantInfo {
  IntegerType storage; // signless iN
  bool isSigned = true;
  int64_t qmin = 0, qmax = 0;
  std::optional<int64_t> axis;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  Type expressed;

  unsigned width() const { return storage.getWidth(); }
  int64_t numChannels() const { return scales.size(); }
};

QuantInfo getQuantInfo(quant::QuantizedType qtype) {
  QuantInfo info;
  info.storage =
      IntegerType::get(qtype.getContext(), qtype.getStorageTypeIntegralWidth());
  info.isSigned = qtype.isSigned();
  info.qmin = qtype.getStorageTypeMin();
  info.qmax = qtype.getStorageTypeMax();
  info.expressed = qtype.getExpressedType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype)) {
    info.scales.push_back(uniform.getScale());
    info.zeroPoints.push_back(uniform.getZeroPoint());
  } else {
    auto perAxis = cast<quant::UniformQuantizedPerAxisType>(qtype);
    info.axis = perAxis.getQuantizedDimension();
    llvm::append_range(info.scales, perAxis.getScales());
    llvm::append_range(info.zeroPoints, perAxis.getZeroPoints());
  }
  return info;
}

quant::QuantizedType elementQType(Type shaped) {
  return dyn_cast<quant::QuantizedType>(
      cast<ShapedType>(shaped).getElementType());
}

/// The compute type of the contract: f64 for f64, f32 for f32/f16/bf16.
FloatType computeTypeFor(Type expressed) {
  MLIRContext *ctx = expressed.getContext();
  if (expressed.isF64())
    return Float64Type::get(ctx);
  if (expressed.isF32() || expressed.isF16() || expressed.isBF16())
    return Float32Type::get(ctx);
  return nullptr;
}

/// The integer type wide enough for `storage +- zero point` without overflow.
IntegerType wideTypeFor(IntegerType storage) {
  return IntegerType::get(storage.getContext(),
                          storage.getWidth() <= 16 ? 32 : 64);
}

/// `value` rounded to nearest-even in `type`.
APFloat roundTo(double value, FloatType type) {
  APFloat result(value);
  bool losesInfo = false;
  (void)result.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                       &losesInfo);
  return result;
}

/// True when the integer `value` is exactly representable in `type`.
bool isExactIn(int64_t value, FloatType type) {
  APFloat f(type.getFloatSemantics());
  return f.convertFromAPInt(APInt(64, value, /*isSigned=*/true),
                            /*IsSigned=*/true,
                            APFloat::rmNearestTiesToEven) == APFloat::opOK;
}

/// Checks that every scale of `info` rounds to a finite, non-zero value of the
/// compute type `compute`.
LogicalResult checkScales(const QuantInfo &info, FloatType compute,
                          StringRef what, std::string &why) {
  for (auto [c, scale] : llvm::enumerate(info.scales)) {
    APFloat rounded = roundTo(scale, compute);
    if (rounded.isFinite() && !rounded.isZero())
      continue;
    llvm::raw_string_ostream os(why);
    os << what << " scale " << scale;
    if (info.axis)
      os << " (channel " << c << ")";
    os << " is not a finite non-zero " << compute
       << " value; the numerics contract divides and multiplies by the scale "
          "in "
       << compute;
    return failure();
  }
  return success();
}

/// How an integer-valued float `r` (the rounded, scaled value) plus the zero
/// point is saturated to the storage range (docs/Numerics.md).
struct SaturationPlan {
  FloatType compute;
  IntegerType wide;
  IntegerType storage;
  APFloat lo = APFloat(0.0), hi = APFloat(0.0);
  bool intClamp = false;
  int64_t qmin = 0, qmax = 0;
};

SaturationPlan planSaturation(const QuantInfo &info, FloatType compute) {
  SaturationPlan plan;
  plan.compute = compute;
  plan.storage = info.storage;
  plan.wide = wideTypeFor(info.storage);
  plan.qmin = info.qmin;
  plan.qmax = info.qmax;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t zp : info.zeroPoints) {
    lo = std::min(lo, info.qmin - zp);
    hi = std::max(hi, info.qmax - zp);
  }
  bool exact = isExactIn(lo, compute) && isExactIn(hi, compute);
  if (!exact) {
    // Powers of two are exact; the window still contains every in-range
    // value and keeps fptosi to the wide type in range.
    lo = -(int64_t(1) << (info.width() + 1));
    hi = int64_t(1) << (info.width() + 1);
  }
  plan.lo = roundTo(static_cast<double>(lo), compute);
  plan.hi = roundTo(static_cast<double>(hi), compute);
  bool sameZeroPoints = llvm::all_equal(info.zeroPoints);
  plan.intClamp = !(exact && sameZeroPoints);
  return plan;
}

/// Requantization parameters of one op, one entry per channel.
struct RequantPlan {
  RequantMode mode;
  std::optional<int64_t> axis;
  int64_t numChannels = 1;
  QuantInfo in, out;
  // Per channel, broadcast from per-tensor sides.
  SmallVector<double> ratios;
  SmallVector<int64_t> zpIn, zpOut;
  // Integer modes.
  SmallVector<RequantMultiplier> multipliers;
  bool fitsInt64 = true;
  bool signedRounding = false; // double_round with some shift > 31
  // Float mode.
  SmallVector<APFloat> floatRatios;
};

FailureOr<RequantPlan> planRequant(RequantizeOp op, std::string &why) {
  RequantPlan plan;
  plan.mode = op.getMode();
  plan.in = getQuantInfo(elementQType(op.getInput().getType()));
  plan.out = getQuantInfo(elementQType(op.getResult().getType()));
  llvm::raw_string_ostream os(why);
  if (plan.in.axis && plan.out.axis &&
      plan.in.numChannels() != plan.out.numChannels()) {
    os << "input has " << plan.in.numChannels() << " channels but result has "
       << plan.out.numChannels() << " along axis " << *plan.in.axis;
    return failure();
  }
  plan.axis = plan.in.axis ? plan.in.axis : plan.out.axis;
  plan.numChannels = std::max(plan.in.numChannels(), plan.out.numChannels());
  auto at = [&](const QuantInfo &info, auto &values, int64_t c) {
    return values[info.axis ? c : 0];
  };
  bool doubleRound = plan.mode == RequantMode::double_round;
  FloatType f32 = Float32Type::get(op.getContext());
  for (int64_t c = 0; c < plan.numChannels; ++c) {
    double ratio =
        at(plan.in, plan.in.scales, c) / at(plan.out, plan.out.scales, c);
    plan.ratios.push_back(ratio);
    int64_t zpIn = at(plan.in, plan.in.zeroPoints, c);
    plan.zpIn.push_back(zpIn);
    plan.zpOut.push_back(at(plan.out, plan.out.zeroPoints, c));
    auto channel = [&]() -> llvm::raw_string_ostream & {
      if (plan.axis)
        os << " (channel " << c << ")";
      return os;
    };
    if (plan.mode == RequantMode::float_scale) {
      APFloat rho = roundTo(ratio, f32);
      if (!rho.isFinite()) {
        os << "scale ratio s_in / s_out = " << ratio;
        channel() << " overflows f32, which mode float_scale computes in";
        return failure();
      }
      plan.floatRatios.push_back(rho);
      continue;
    }
    std::optional<RequantMultiplier> m = computeRequantMultiplier(ratio);
    if (!m) {
      os << "scale ratio s_in / s_out = " << ratio;
      channel() << " is too large for integer requantization (the right "
                   "shift would be below 2); use mode float_scale";
      return failure();
    }
    plan.multipliers.push_back(*m);
    uint64_t maxAbs =
        std::max(std::abs(plan.in.qmin - zpIn), std::abs(plan.in.qmax - zpIn));
    plan.fitsInt64 &= requantFitsInt64(maxAbs, *m, doubleRound);
    plan.signedRounding |= doubleRound && m->shift > 31;
  }
  return plan;
}

/// Checks that `op` (a QC numerics op) can be lowered; explains why not.
LogicalResult checkLowerable(Operation *op, std::string &why) {
  llvm::raw_string_ostream os(why);
  auto checkFloatSide = [&](quant::QuantizedType qtype, Type floatElt,
                            StringRef what) -> LogicalResult {
    FloatType compute = computeTypeFor(floatElt);
    if (!compute) {
      os << "float element type " << floatElt
         << " is not supported; the numerics contract covers f16, bf16, f32 "
            "and f64";
      return failure();
    }
    return checkScales(getQuantInfo(qtype), compute, what, why);
  };
  if (auto q = dyn_cast<QuantizeOp>(op))
    return checkFloatSide(elementQType(q.getResult().getType()),
                          q.getInput().getType().getElementType(),
                          "result type");
  if (auto d = dyn_cast<DequantizeOp>(op))
    return checkFloatSide(elementQType(d.getInput().getType()),
                          d.getResult().getType().getElementType(),
                          "input type");
  if (auto f = dyn_cast<FakeQuantOp>(op))
    return checkFloatSide(cast<quant::QuantizedType>(f.getQtype()),
                          f.getInput().getType().getElementType(),
                          "fake-quant type");
  if (auto r = dyn_cast<RequantizeOp>(op))
    return planRequant(r, why);
  return success();
}

//===----------------------------------------------------------------------===//
// Building the elementwise linalg.generic
//===----------------------------------------------------------------------===//

/// Builds one elementwise linalg.generic over `input`. Parameters registered
/// with add*() take one value per channel of the quantized axis; those equal
/// across channels become scalar constants in the body, the others a 1-D
/// constant tensor passed as an extra input indexed by the axis.
class ElementwiseBuilder {
public:
  using BodyFn = function_ref<Value(OpBuilder &, Location, Value element,
                                    ArrayRef<Value> params)>;

  ElementwiseBuilder(OpBuilder &b, Location loc, Value input,
                     std::optional<int64_t> axis, int64_t numChannels)
      : b(b), loc(loc), input(input), axis(axis), numChannels(numChannels) {}

  /// Registers an integer parameter of type `type`.
  unsigned addInt(IntegerType type, ArrayRef<int64_t> values) {
    SmallVector<TypedAttr> attrs;
    for (int64_t v : values)
      attrs.push_back(IntegerAttr::get(type, v));
    return add(attrs);
  }
  unsigned addInt(IntegerType type, int64_t value) {
    return addInt(type, ArrayRef<int64_t>(value));
  }
  /// Registers a float parameter, each value rounded to `type`.
  unsigned addFloat(FloatType type, ArrayRef<APFloat> values) {
    SmallVector<TypedAttr> attrs;
    for (const APFloat &v : values)
      attrs.push_back(FloatAttr::get(type, v));
    return add(attrs);
  }
  unsigned addFloat(FloatType type, const APFloat &value) {
    return addFloat(type, ArrayRef<APFloat>(value));
  }

  /// True when parameter `handle` is the integer 0 on every channel.
  bool isZero(unsigned handle) const {
    const Param &p = params[handle];
    auto intAttr = dyn_cast<IntegerAttr>(p.values.front());
    return p.uniform && intAttr && intAttr.getValue().isZero();
  }

  /// Creates the generic whose body `body` maps an input element to a result
  /// element of type `resultElementType`.
  Value build(Type resultElementType, BodyFn body) {
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    if (axis && inputType.isDynamicDim(*axis)) {
      // The per-axis type promises `numChannels` along the axis; the
      // per-channel inputs rely on it.
      Value dim = tensor::DimOp::create(b, loc, input, *axis);
      Value expected = arith::ConstantIndexOp::create(b, loc, numChannels);
      Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim,
                                       expected);
      cf::AssertOp::create(
          b, loc, ok,
          b.getStringAttr("qc-lower-quant: dimension " + Twine(*axis) +
                          " of a per-axis quantized tensor must have " +
                          Twine(numChannels) + " elements"));
    }
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
    Value init = tensor::EmptyOp::create(b, loc, sizes, resultElementType);

    SmallVector<Value> inputs{input};
    SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
    AffineMap channelMap;
    if (axis)
      channelMap = AffineMap::get(rank, 0, b.getAffineDimExpr(*axis));
    SmallVector<int> argIndex(params.size(), -1);
    for (auto [i, p] : llvm::enumerate(params)) {
      if (p.uniform)
        continue;
      auto type = RankedTensorType::get({numChannels}, p.values[0].getType());
      SmallVector<Attribute> elems(p.values.begin(), p.values.end());
      Value cst = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, elems));
      argIndex[i] = inputs.size();
      inputs.push_back(cst);
      maps.push_back(channelMap);
    }
    maps.push_back(b.getMultiDimIdentityMap(rank));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
          SmallVector<Value> values;
          for (auto [i, p] : llvm::enumerate(params))
            values.push_back(
                p.uniform ? arith::ConstantOp::create(nb, nl, p.values.front())
                                .getResult()
                          : args[argIndex[i]]);
          Value result = body(nb, nl, args[0], values);
          linalg::YieldOp::create(nb, nl, result);
        });
    // Scalar parameters some paths do not need (e.g. a zero point of 0).
    for (Operation &op : llvm::make_early_inc_range(*generic.getBody()))
      if (isa<arith::ConstantOp>(op) && op.use_empty())
        op.erase();
    return generic.getResult(0);
  }

private:
  struct Param {
    SmallVector<TypedAttr> values;
    bool uniform;
  };

  unsigned add(ArrayRef<TypedAttr> values) {
    Param p;
    p.uniform = llvm::all_equal(values);
    if (p.uniform)
      p.values.push_back(values.front());
    else
      p.values.assign(values.begin(), values.end());
    params.push_back(std::move(p));
    return params.size() - 1;
  }

  OpBuilder &b;
  Location loc;
  Value input;
  std::optional<int64_t> axis;
  int64_t numChannels;
  SmallVector<Param> params;
};

SmallVector<APFloat> roundAll(ArrayRef<double> values, FloatType type) {
  SmallVector<APFloat> out;
  for (double v : values)
    out.push_back(roundTo(v, type));
  return out;
}

/// Sign- or zero-extends a storage value to `wide`.
Value extendStorage(OpBuilder &b, Location loc, Value v, bool isSigned,
                    IntegerType wide) {
  if (cast<IntegerType>(v.getType()).getWidth() == wide.getWidth())
    return v;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, wide, v);
  return arith::ExtUIOp::create(b, loc, wide, v);
}

/// Handles of the parameters saturateToWide() needs.
struct SaturationParams {
  unsigned lo, hi, qmin = 0, qmax = 0, zeroPoint;
};

SaturationParams addSaturationParams(ElementwiseBuilder &gb,
                                     const SaturationPlan &plan,
                                     ArrayRef<int64_t> zeroPoints) {
  SaturationParams sp;
  sp.lo = gb.addFloat(plan.compute, plan.lo);
  sp.hi = gb.addFloat(plan.compute, plan.hi);
  sp.zeroPoint = gb.addInt(plan.wide, zeroPoints);
  if (plan.intClamp) {
    sp.qmin = gb.addInt(plan.wide, plan.qmin);
    sp.qmax = gb.addInt(plan.wide, plan.qmax);
  }
  return sp;
}

/// clamp(r + zp, qmin, qmax) in the wide integer type, for an integer-valued
/// (or infinite, never NaN) float `r` in the compute type.
Value saturateToWide(OpBuilder &b, Location loc, Value r,
                     const SaturationPlan &plan, const SaturationParams &sp,
                     ArrayRef<Value> params, bool zeroPointIsZero) {
  r = arith::MaximumFOp::create(b, loc, r, params[sp.lo]);
  r = arith::MinimumFOp::create(b, loc, r, params[sp.hi]);
  Value q = arith::FPToSIOp::create(b, loc, plan.wide, r);
  if (!zeroPointIsZero)
    q = arith::AddIOp::create(b, loc, q, params[sp.zeroPoint]);
  if (plan.intClamp) {
    q = arith::MaxSIOp::create(b, loc, q, params[sp.qmin]);
    q = arith::MinSIOp::create(b, loc, q, params[sp.qmax]);
  }
  return q;
}

Value truncToStorage(OpBuilder &b, Location loc, Value q, IntegerType storage) {
  if (cast<IntegerType>(q.getType()).getWidth() == storage.getWidth())
    return q;
  return arith::TruncIOp::create(b, loc, storage, q);
}

/// Rounds a non-NaN f32 to the nearest bf16, ties to even, subnormals kept,
/// with integer operations. `arith.truncf` is not used: on x86 with
/// AVX512-BF16 LLVM selects vcvtneps2bf16, which flushes subnormals, so the
/// result would depend on the host CPU.
Value truncToBF16(OpBuilder &b, Location loc, Value f) {
  IntegerType i32 = b.getI32Type(), i16 = b.getI16Type();
  auto cst = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, IntegerAttr::get(i32, v));
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, f);
  Value sixteen = cst(16);
  Value high = arith::ShRUIOp::create(b, loc, bits, sixteen);
  Value one = cst(1);
  Value lsb = arith::AndIOp::create(b, loc, high, one);
  Value halfMinusOne = cst(0x7FFF);
  Value bias = arith::AddIOp::create(b, loc, lsb, halfMinusOne);
  Value sum = arith::AddIOp::create(b, loc, bits, bias);
  Value rounded = arith::ShRUIOp::create(b, loc, sum, sixteen);
  Value half = arith::TruncIOp::create(b, loc, i16, rounded);
  return arith::BitcastOp::create(b, loc, b.getBF16Type(), half);
}

/// Extends a bf16 to f32 exactly by placing its bits in the high half; like
/// truncToBF16, this keeps the result independent of the host's bf16
/// conversion instructions.
Value extendFromBF16(OpBuilder &b, Location loc, Value h) {
  IntegerType i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, b.getI16Type(), h);
  Value wide = arith::ExtUIOp::create(b, loc, i32, bits);
  Value sixteen = arith::ConstantOp::create(b, loc, IntegerAttr::get(i32, 16));
  Value shifted = arith::ShLIOp::create(b, loc, wide, sixteen);
  return arith::BitcastOp::create(b, loc, b.getF32Type(), shifted);
}

/// The quantize half shared by qc.quantize and qc.fake_quant.
struct QuantizeStep {
  QuantInfo info;
  FloatType compute;
  SaturationPlan plan;
  RoundingMode rounding;
  unsigned scale, zero;
  SaturationParams sat;

  QuantizeStep(ElementwiseBuilder &gb, quant::QuantizedType qtype,
               Type floatElt, RoundingMode rounding)
      : info(getQuantInfo(qtype)), compute(computeTypeFor(floatElt)),
        plan(planSaturation(info, compute)), rounding(rounding) {
    scale = gb.addFloat(compute, roundAll(info.scales, compute));
    zero = gb.addFloat(compute, APFloat::getZero(compute.getFloatSemantics()));
    sat = addSaturationParams(gb, plan, info.zeroPoints);
  }

  /// Returns clamp(round(x / scale) + zp, qmin, qmax) in the wide type.
  Value emit(OpBuilder &b, Location loc, Value x, ArrayRef<Value> params,
             bool zeroPointIsZero) const {
    if (x.getType().isBF16())
      x = extendFromBF16(b, loc, x);
    else if (x.getType() != compute)
      x = arith::ExtFOp::create(b, loc, compute, x);
    Value t = arith::DivFOp::create(b, loc, x, params[scale]);
    Value r = rounding == RoundingMode::half_even
                  ? math::RoundEvenOp::create(b, loc, t).getResult()
                  : math::RoundOp::create(b, loc, t).getResult();
    Value isNan =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, r, r);
    r = arith::SelectOp::create(b, loc, isNan, params[zero], r);
    return saturateToWide(b, loc, r, plan, sat, params, zeroPointIsZero);
  }
};

/// (q - zp) * scale in the compute type, rounded to `floatElt`; `q` is
/// already in the wide type. The product is never NaN (finite operands).
Value emitDequantize(OpBuilder &b, Location loc, Value q, Value zeroPoint,
                     Value scale, FloatType compute, Type floatElt) {
  if (zeroPoint)
    q = arith::SubIOp::create(b, loc, q, zeroPoint);
  Value f = arith::SIToFPOp::create(b, loc, compute, q);
  Value y = arith::MulFOp::create(b, loc, f, scale);
  if (floatElt.isBF16())
    return truncToBF16(b, loc, y);
  if (floatElt != compute)
    y = arith::TruncFOp::create(b, loc, floatElt, y);
  return y;
}

RankedTensorType storageTensorType(Type quantTensor) {
  auto type = cast<RankedTensorType>(quantTensor);
  return type.clone(
      getQuantInfo(cast<quant::QuantizedType>(type.getElementType())).storage);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

template <typename OpTy> struct CheckedPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    std::string why;
    if (failed(checkLowerable(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewrite(op, rewriter);
    return success();
  }
  virtual void rewrite(OpTy op, PatternRewriter &rewriter) const = 0;
};

struct LowerQuantize : CheckedPattern<QuantizeOp> {
  using CheckedPattern::CheckedPattern;
  void rewrite(QuantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qtype = elementQType(op.getResult().getType());
    QuantInfo info = getQuantInfo(qtype);
    ElementwiseBuilder gb(rewriter, loc, op.getInput(), info.axis,
                          info.numChannels());
    QuantizeStep step(gb, qtype, op.getInput().getType().getElementType(),
                      op.getRounding());
    bool zpZero = gb.isZero(step.sat.zeroPoint);
    Value storage =
        gb.build(info.storage, [&](OpBuilder &b, Location l, Value x,
                                   ArrayRef<Value> params) {
          Value q = step.emit(b, l, x, params, zpZero);
          return truncToStorage(b, l, q, info.storage);
        });
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(),
                                                      storage);
  }
};

struct LowerDequantize : CheckedPattern<DequantizeOp> {
  using CheckedPattern::CheckedPattern;
  void rewrite(DequantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QuantInfo info = getQuantInfo(elementQType(op.getInput().getType()));
    Type floatElt = op.getResult().getType().getElementType();
    FloatType compute = computeTypeFor(floatElt);
    IntegerType wide = wideTypeFor(info.storage);
    Value storage = quant::StorageCastOp::create(
        rewriter, loc, storageTensorType(op.getInput().getType()),
        op.getInput());
    ElementwiseBuilder gb(rewriter, loc, storage, info.axis,
                          info.numChannels());
    unsigned zp = gb.addInt(wide, info.zeroPoints);
    unsigned scale = gb.addFloat(compute, roundAll(info.scales, compute));
    bool zpZero = gb.isZero(zp);
    Value result = gb.build(
        floatElt, [&](OpBuilder &b, Location l, Value q, ArrayRef<Value> p) {
          q = extendStorage(b, l, q, info.isSigned, wide);
          return emitDequantize(b, l, q, zpZero ? Value() : p[zp], p[scale],
                                compute, floatElt);
        });
    rewriter.replaceOp(op, result);
  }
};

struct LowerFakeQuant : CheckedPattern<FakeQuantOp> {
  using CheckedPattern::CheckedPattern;
  void rewrite(FakeQuantOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qtype = cast<quant::QuantizedType>(op.getQtype());
    QuantInfo info = getQuantInfo(qtype);
    Type floatElt = op.getInput().getType().getElementType();
    ElementwiseBuilder gb(rewriter, loc, op.getInput(), info.axis,
                          info.numChannels());
    QuantizeStep step(gb, qtype, floatElt, op.getRounding());
    bool zpZero = gb.isZero(step.sat.zeroPoint);
    Value result = gb.build(floatElt, [&](OpBuilder &b, Location l, Value x,
                                          ArrayRef<Value> p) {
      Value q = step.emit(b, l, x, p, zpZero);
      return emitDequantize(b, l, q, zpZero ? Value() : p[step.sat.zeroPoint],
                            p[step.scale], step.compute, floatElt);
    });
    rewriter.replaceOp(op, result);
  }
};

struct LowerRequantize : CheckedPattern<RequantizeOp> {
  using CheckedPattern::CheckedPattern;
  void rewrite(RequantizeOp op, PatternRewriter &rewriter) const override {
    std::string why;
    RequantPlan plan = *planRequant(op, why);
    Location loc = op.getLoc();
    Value storage = quant::StorageCastOp::create(
        rewriter, loc, storageTensorType(op.getInput().getType()),
        op.getInput());
    ElementwiseBuilder gb(rewriter, loc, storage, plan.axis, plan.numChannels);
    Value result = plan.mode == RequantMode::float_scale
                       ? buildFloat(gb, plan)
                       : buildInteger(gb, plan);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(), result);
  }

  static Value buildFloat(ElementwiseBuilder &gb, const RequantPlan &plan) {
    MLIRContext *ctx = plan.in.storage.getContext();
    FloatType f32 = Float32Type::get(ctx);
    IntegerType wideIn = wideTypeFor(plan.in.storage);
    SaturationPlan sat = planSaturation(plan.out, f32);
    unsigned zpIn = gb.addInt(wideIn, plan.zpIn);
    unsigned rho = gb.addFloat(f32, plan.floatRatios);
    SaturationParams sp = addSaturationParams(gb, sat, plan.zpOut);
    bool zpInZero = gb.isZero(zpIn), zpOutZero = gb.isZero(sp.zeroPoint);
    return gb.build(plan.out.storage, [&](OpBuilder &b, Location l, Value q,
                                          ArrayRef<Value> p) {
      Value d = extendStorage(b, l, q, plan.in.isSigned, wideIn);
      if (!zpInZero)
        d = arith::SubIOp::create(b, l, d, p[zpIn]);
      Value f = arith::SIToFPOp::create(b, l, f32, d);
      Value prod = arith::MulFOp::create(b, l, f, p[rho]);
      Value r = math::RoundEvenOp::create(b, l, prod);
      Value out = saturateToWide(b, l, r, sat, sp, p, zpOutZero);
      return truncToStorage(b, l, out, plan.out.storage);
    });
  }

  static Value buildInteger(ElementwiseBuilder &gb, const RequantPlan &plan) {
    MLIRContext *ctx = plan.in.storage.getContext();
    IntegerType i64 = IntegerType::get(ctx, 64);
    bool doubleRound = plan.mode == RequantMode::double_round;
    SmallVector<int64_t> mult, shift, roundPos, roundNeg, mask, thrPos, thrNeg;
    for (const RequantMultiplier &m : plan.multipliers) {
      mult.push_back(m.multiplier);
      shift.push_back(m.shift);
      int64_t pos = requantRoundingTerm(m.shift, doubleRound, true);
      int64_t neg = requantRoundingTerm(m.shift, doubleRound, false);
      int64_t full = int64_t(1) << m.shift;
      roundPos.push_back(pos);
      roundNeg.push_back(neg);
      mask.push_back(full - 1);
      thrPos.push_back(full - pos);
      thrNeg.push_back(full - neg);
    }
    unsigned zpIn = gb.addInt(i64, plan.zpIn);
    unsigned m = gb.addInt(i64, mult);
    unsigned s = gb.addInt(i64, shift);
    unsigned pos, neg = 0, msk = 0;
    if (plan.fitsInt64) {
      pos = gb.addInt(i64, roundPos);
      if (plan.signedRounding)
        neg = gb.addInt(i64, roundNeg);
    } else {
      msk = gb.addInt(i64, mask);
      pos = gb.addInt(i64, thrPos);
      if (plan.signedRounding)
        neg = gb.addInt(i64, thrNeg);
    }
    unsigned zpOut = gb.addInt(i64, plan.zpOut);
    unsigned qmin = gb.addInt(i64, plan.out.qmin);
    unsigned qmax = gb.addInt(i64, plan.out.qmax);
    unsigned zero = plan.signedRounding ? gb.addInt(i64, 0) : 0;
    bool zpInZero = gb.isZero(zpIn), zpOutZero = gb.isZero(zpOut);
    return gb.build(plan.out.storage, [&](OpBuilder &b, Location l, Value q,
                                          ArrayRef<Value> p) {
      Value d = extendStorage(b, l, q, plan.in.isSigned, i64);
      if (!zpInZero)
        d = arith::SubIOp::create(b, l, d, p[zpIn]);
      Value prod = arith::MulIOp::create(b, l, d, p[m]);
      // The rounding term (or, in the split form, its threshold) depends on
      // the sign of d for double rounding with a shift above 31.
      Value term = p[pos];
      if (plan.signedRounding) {
        Value nonNeg =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, d, p[zero]);
        term = arith::SelectOp::create(b, l, nonNeg, p[pos], p[neg]);
      }
      Value t;
      if (plan.fitsInt64) {
        t = arith::AddIOp::create(b, l, prod, term);
        t = arith::ShRSIOp::create(b, l, t, p[s]);
      } else {
        // floor((prod + R) / 2^s) = (prod >> s) + (prod mod 2^s >= 2^s - R).
        Value high = arith::ShRSIOp::create(b, l, prod, p[s]);
        Value low = arith::AndIOp::create(b, l, prod, p[msk]);
        Value carry =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, low, term);
        t = arith::AddIOp::create(b, l, high,
                                  arith::ExtUIOp::create(b, l, i64, carry));
      }
      if (!zpOutZero)
        t = arith::AddIOp::create(b, l, t, p[zpOut]);
      t = arith::MaxSIOp::create(b, l, t, p[qmin]);
      t = arith::MinSIOp::create(b, l, t, p[qmax]);
      return truncToStorage(b, l, t, plan.out.storage);
    });
  }
};

/// qc.observe is an identity at run time.
struct LowerObserve : OpRewritePattern<ObserveOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ObserveOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Clean-up and final check
//===----------------------------------------------------------------------===//

/// Replaces quantized types in func.func signatures, func.return and
/// func.call by their storage types, with quant.scast at the seams. This is
/// upstream strip-func-quant-types (same type conversion, same func
/// patterns) run without the conversion driver's folding, so that ops the
/// lowering does not own are left exactly as they were.
LogicalResult stripFunctionQuantTypes(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  TypeConverter converter;
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](quant::QuantizedType type) -> Type {
    return IntegerType::get(type.getContext(),
                            type.getStorageTypeIntegralWidth());
  });
  converter.addConversion([](TensorType type) -> Type {
    if (auto qtype = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(IntegerType::get(type.getContext(),
                                         qtype.getStorageTypeIntegralWidth()));
    return type;
  });
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    if (inputs.size() != 1)
      return Value();
    return quant::StorageCastOp::create(b, loc, type, inputs.front());
  };
  converter.addSourceMaterialization(materialize);
  converter.addTargetMaterialization(materialize);

  ConversionTarget target(*ctx);
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType()) &&
           converter.isLegal(&op.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
      [&](Operation *op) { return converter.isLegal(op); });
  RewritePatternSet patterns(ctx);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  ConversionConfig config;
  config.foldingMode = DialectConversionFoldingMode::Never;
  return applyPartialConversion(module, target, std::move(patterns), config);
}

/// Folds quant.scast pairs that cancel (storage -> quantized -> storage, or
/// the reverse) and erases the casts left unused.
void foldStorageCastPairs(ModuleOp module) {
  SmallVector<quant::StorageCastOp> casts;
  module.walk([&](quant::StorageCastOp op) { casts.push_back(op); });
  for (quant::StorageCastOp op : casts) {
    auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
    if (inner && inner.getInput().getType() == op.getType())
      op.getResult().replaceAllUsesWith(inner.getInput());
  }
  // Erase in reverse so that users go before their producers.
  for (quant::StorageCastOp op : llvm::reverse(casts))
    if (op->use_empty())
      op->erase();
}

bool hasQuantizedType(Type type) {
  return type.walk([](quant::QuantizedType) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

std::optional<Type> firstQuantizedType(TypeRange types) {
  for (Type t : types)
    if (hasQuantizedType(t))
      return t;
  return std::nullopt;
}

/// Reports every op that still carries a quantized type.
LogicalResult checkNoQuantizedTypes(ModuleOp module) {
  bool failed = false;
  SmallVector<quant::StorageCastOp> leftoverCasts;
  module.walk([&](Operation *op) {
    if (auto cast = dyn_cast<quant::StorageCastOp>(op)) {
      leftoverCasts.push_back(cast);
      return;
    }
    std::optional<Type> bad;
    if (auto fn = dyn_cast<FunctionOpInterface>(op)) {
      if (hasQuantizedType(fn.getFunctionType())) {
        op->emitOpError() << "has signature " << fn.getFunctionType()
                          << " with a quantized type that qc-lower-quant "
                             "cannot strip";
        failed = true;
        return;
      }
    }
    if (!bad)
      bad = firstQuantizedType(op->getOperandTypes());
    if (!bad)
      bad = firstQuantizedType(op->getResultTypes());
    if (!bad)
      for (Region &region : op->getRegions())
        for (Block &block : region)
          if (!bad && !isa<FunctionOpInterface>(op))
            bad = firstQuantizedType(block.getArgumentTypes());
    if (!bad)
      return;
    failed = true;
    if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op)) {
      op->emitOpError() << "is not lowered by qc-lower-quant (upstream "
                           "lower-quant-ops truncates instead of rounding); "
                           "use qc.quantize / qc.dequantize";
      return;
    }
    op->emitOpError()
        << "uses quantized type " << *bad
        << ", which qc-lower-quant cannot lower: only qc.quantize, "
           "qc.dequantize, qc.requantize, qc.fake_quant and function "
           "boundaries are rewritten to storage types";
  });
  if (!failed)
    for (quant::StorageCastOp cast : leftoverCasts) {
      cast.emitOpError() << "between " << cast.getInput().getType() << " and "
                         << cast.getType()
                         << " is left after qc-lower-quant stripped the "
                            "quantized types";
      failed = true;
    }
  return failure(failed);
}

struct QCLowerQuantPass : qc::impl::QCLowerQuantPassBase<QCLowerQuantPass> {
  using QCLowerQuantPassBase::QCLowerQuantPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Report everything the patterns would refuse, up front and all at once.
    bool ok = true;
    module.walk([&](Operation *op) {
      if (!isa<QuantizeOp, DequantizeOp, RequantizeOp, FakeQuantOp>(op))
        return;
      std::string why;
      if (failed(checkLowerable(op, why))) {
        op->emitOpError() << "cannot be lowered: " << why;
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    populateLowerQuantPatterns(patterns);
    walkAndApplyPatterns(module, std::move(patterns));

    if (failed(stripFunctionQuantTypes(module)))
      return signalPassFailure();
    foldStorageCastPairs(module);

    if (failed(checkNoQuantizedTypes(module)))
      signalPassFailure();
  }
};

} // namespace

void qc::populateLowerQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerQuantize, LowerDequantize, LowerRequantize, LowerFakeQuant,
               LowerObserve>(patterns.getContext());
}
