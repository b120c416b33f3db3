//===- LowerIntegerOps.cpp - QC integer compute ops to linalg -------------===//
//
// The reference lowering of qc.conv2d / fully_connected / matmul / add /
// avg_pool2d to linalg on storage integers (docs/IntegerOps.md). Operands are
// read through quant.scast, extended to i32 per their storage signedness and
// shifted by their zero point; the int32 accumulators are requantized by
// qc.requantize, which qc-lower-quant lowers exactly (docs/Numerics.md).
//
//===----------------------------------------------------------------------===//
#include "qc/Conversion/Passes.h"
#include "qc/Conversion/QuantTypeUtils.h"
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Dialect/QC/Transforms/Numerics.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

namespace qc {
#define GEN_PASS_DEF_QCLOWERINTEGEROPSPASS
#include "qc/Conversion/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;

quant::QuantizedType qc::qtypeOf(Value v) {
  return cast<quant::QuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
}

double qc::scaleAt(quant::QuantizedType t, int64_t c) {
  if (auto u = dyn_cast<quant::UniformQuantizedType>(t))
    return u.getScale();
  return cast<quant::UniformQuantizedPerAxisType>(t).getScales()[c];
}

int64_t qc::zeroPointOf(quant::QuantizedType t) {
  if (auto u = dyn_cast<quant::UniformQuantizedType>(t))
    return u.getZeroPoint();
  return 0;
}

APFloat qc::toF32(double value) {
  APFloat f(value);
  bool losesInfo = false;
  (void)f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
  return f;
}

namespace {

//===----------------------------------------------------------------------===//
// Quantized types
//===----------------------------------------------------------------------===//

/// Number of channels of a per-axis type, or std::nullopt.
std::optional<int64_t> perAxisChannels(quant::QuantizedType t) {
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(t))
    return static_cast<int64_t>(pa.getScales().size());
  return std::nullopt;
}

IntegerType storageIntType(quant::QuantizedType t) {
  return IntegerType::get(t.getContext(), t.getStorageTypeIntegralWidth());
}

RankedTensorType storageTensorType(Type quantizedTensor) {
  auto t = cast<RankedTensorType>(quantizedTensor);
  return t.clone(storageIntType(cast<quant::QuantizedType>(t.getElementType())));
}

/// The integer type the epilogues compute in: wide enough for a storage
/// value minus or plus a zero point.
IntegerType wideTypeFor(IntegerType storage) {
  return IntegerType::get(storage.getContext(),
                          storage.getWidth() <= 16 ? 32 : 64);
}

/// Accumulator scales of a conv2d / fully_connected: s_x * s_w per weight
/// channel (one value for per-tensor weights).
SmallVector<double> accumulatorScales(Value input, Value weight) {
  double sx = scaleAt(qtypeOf(input), 0);
  quant::QuantizedType wq = qtypeOf(weight);
  int64_t n = perAxisChannels(wq).value_or(1);
  SmallVector<double> scales;
  for (int64_t c = 0; c < n; ++c)
    scales.push_back(sx * scaleAt(wq, c));
  return scales;
}

//===----------------------------------------------------------------------===//
// Lowerability checks
//===----------------------------------------------------------------------===//

/// Activations read as (x - zx) in i32: storage up to 16 bits.
LogicalResult checkActivation(Value v, StringRef what, raw_ostream &os) {
  quant::QuantizedType q = qtypeOf(v);
  if (q.getStorageTypeIntegralWidth() <= 16)
    return success();
  os << what << " has " << q.getStorageTypeIntegralWidth()
     << "-bit storage; the i32 accumulator is defined for activations of at "
        "most 16 bits";
  return failure();
}

/// The requantization of an accumulator with scales `accScales` to a result
/// of scale `outScale` must be one qc-lower-quant accepts.
LogicalResult checkRequant(ArrayRef<double> accScales, Value result,
                           RequantMode mode, raw_ostream &os) {
  quant::QuantizedType resultQ = qtypeOf(result);
  double outScale = scaleAt(resultQ, 0);
  // The accumulator's quantized type expresses the result's float type,
  // whose range bounds its scale (as the quant type verifier requires).
  auto expressed = cast<FloatType>(resultQ.getExpressedType());
  const llvm::fltSemantics &sem = expressed.getFloatSemantics();
  double smallest = APFloat::getSmallest(sem).convertToDouble();
  double largest = APFloat::getLargest(sem).convertToDouble();
  for (auto [c, s] : llvm::enumerate(accScales)) {
    auto channel = [&]() -> raw_ostream & {
      if (accScales.size() > 1)
        os << " (channel " << c << ")";
      return os;
    };
    if (!std::isfinite(s) || !(s > 0.0)) {
      os << "accumulator scale " << s;
      channel() << " is not a finite positive double";
      return failure();
    }
    if (s < smallest || s > largest) {
      os << "accumulator scale " << s;
      channel() << " is outside the range of the expressed type " << expressed;
      return failure();
    }
    double ratio = s / outScale;
    if (mode == RequantMode::float_scale) {
      if (!toF32(ratio).isFinite()) {
        os << "requantization ratio " << ratio;
        channel() << " overflows f32, which mode float_scale computes in";
        return failure();
      }
      continue;
    }
    if (!computeRequantMultiplier(ratio)) {
      os << "requantization ratio " << ratio;
      channel() << " is too large for integer requantization (the right "
                   "shift would be below 2); use mode float_scale";
      return failure();
    }
  }
  return success();
}

/// Largest |q - zp| of a per-tensor type.
double maxAbsShifted(quant::QuantizedType q) {
  int64_t zp = zeroPointOf(q);
  return static_cast<double>(std::max(std::abs(q.getStorageTypeMin() - zp),
                                      std::abs(q.getStorageTypeMax() - zp)));
}

} // namespace

LogicalResult qc::checkIntegerOpLowerable(Operation *op, std::string &why) {
  llvm::raw_string_ostream os(why);
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!wType.hasStaticShape()) {
      os << "the weight shape " << wType << " must be static";
      return failure();
    }
    if (failed(checkActivation(conv.getInput(), "the input", os)))
      return failure();
    return checkRequant(accumulatorScales(conv.getInput(), conv.getWeight()),
                        conv.getResult(), conv.getMode(), os);
  }
  if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
    if (failed(checkActivation(fc.getInput(), "the input", os)))
      return failure();
    return checkRequant(accumulatorScales(fc.getInput(), fc.getWeight()),
                        fc.getResult(), fc.getMode(), os);
  }
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    if (failed(checkActivation(mm.getLhs(), "the lhs", os)) ||
        failed(checkActivation(mm.getRhs(), "the rhs", os)))
      return failure();
    double s = scaleAt(qtypeOf(mm.getLhs()), 0) * scaleAt(qtypeOf(mm.getRhs()), 0);
    return checkRequant({s}, mm.getResult(), mm.getMode(), os);
  }
  if (auto add = dyn_cast<AddOp>(op)) {
    double sy = scaleAt(qtypeOf(add.getResult()), 0);
    double bound = 0.0;
    for (Value v : {add.getLhs(), add.getRhs()}) {
      double ratio = scaleAt(qtypeOf(v), 0) / sy;
      APFloat r = toF32(ratio);
      if (!r.isFinite()) {
        os << "scale ratio " << ratio << " overflows f32";
        return failure();
      }
      bound += maxAbsShifted(qtypeOf(v)) * r.convertToDouble();
    }
    // Keeps every product and the sum finite, so no NaN can arise.
    if (bound > 1e38) {
      os << "scale ratios are so large that the f32 sum could overflow";
      return failure();
    }
    return success();
  }
  if (auto pool = dyn_cast<AvgPool2DOp>(op)) {
    if (failed(checkActivation(pool.getInput(), "the input", os)))
      return failure();
    double ratio = scaleAt(qtypeOf(pool.getInput()), 0) /
                   scaleAt(qtypeOf(pool.getResult()), 0);
    if (!toF32(ratio).isFinite()) {
      os << "scale ratio " << ratio << " overflows f32";
      return failure();
    }
    auto k = pool.getKernel();
    auto pad = pool.getPadding();
    if (!pool.getCountIncludePad() &&
        (pad[0] >= k[0] || pad[2] >= k[0] || pad[1] >= k[1] ||
         pad[3] >= k[1])) {
      os << "padding [" << pad[0] << ", " << pad[1] << ", " << pad[2] << ", "
         << pad[3] << "] is not smaller than the kernel [" << k[0] << ", "
         << k[1]
         << "]: a window could hold padding only and nothing to average";
      return failure();
    }
    return success();
  }
  return success();
}

namespace {

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

Value toStorage(OpBuilder &b, Location loc, Value quantized) {
  return quant::StorageCastOp::create(
      b, loc, storageTensorType(quantized.getType()), quantized);
}

Value constInt(OpBuilder &b, Location loc, Type type, int64_t v) {
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, v));
}

Value constF32(OpBuilder &b, Location loc, const APFloat &v) {
  return arith::ConstantOp::create(
      b, loc, FloatAttr::get(Float32Type::get(b.getContext()), v));
}

Value extend(OpBuilder &b, Location loc, Value v, bool isSigned,
             IntegerType to) {
  if (cast<IntegerType>(v.getType()).getWidth() == to.getWidth())
    return v;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, to, v);
  return arith::ExtUIOp::create(b, loc, to, v);
}

/// An elementwise linalg.generic over `inputs` (all of the shape of the
/// first), producing elements of type `resultElt`.
Value mapElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, Type resultElt,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = type.getRank();
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, inputs.front()), resultElt);
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return generic.getResult(0);
}

/// The storage of `quantized` as i32 with its zero point subtracted:
/// `ext(q) - zp`, sign- or zero-extended per the storage signedness.
Value shiftedI32(OpBuilder &b, Location loc, Value quantized) {
  quant::QuantizedType q = qtypeOf(quantized);
  IntegerType i32 = b.getI32Type();
  int64_t zp = zeroPointOf(q);
  return mapElementwise(
      b, loc, toStorage(b, loc, quantized), i32,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = extend(nb, nl, args[0], q.isSigned(), i32);
        if (zp != 0)
          v = arith::SubIOp::create(nb, nl, v, constInt(nb, nl, i32, zp));
        return v;
      });
}

/// Pads an NCHW i32 tensor with 0 by [top, left, bottom, right].
Value padSpatial(OpBuilder &b, Location loc, Value v,
                 ArrayRef<int64_t> padding) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return v;
  SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0),
                                b.getIndexAttr(padding[0]),
                                b.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(0),
                                 b.getIndexAttr(padding[2]),
                                 b.getIndexAttr(padding[3])};
  Value zero = constInt(b, loc, b.getI32Type(), 0);
  return tensor::PadOp::create(b, loc, Type(), v, low, high, zero);
}

/// Size of dimension `dim` of an op result of type `resultType`: static
/// when the result type says so or `staticSize` knows it, else computed by
/// `dynamic`.
OpFoldResult sizeOf(OpBuilder &b, RankedTensorType resultType, int64_t dim,
                    int64_t staticSize, function_ref<Value()> dynamic) {
  if (!resultType.isDynamicDim(dim))
    return b.getIndexAttr(resultType.getDimSize(dim));
  if (!ShapedType::isDynamic(staticSize))
    return b.getIndexAttr(staticSize);
  return dynamic();
}

/// Output extent of a window along one spatial dimension, static or
/// computed from the input extent at run time.
OpFoldResult windowExtent(OpBuilder &b, Location loc, Value input,
                          RankedTensorType resultType, int64_t dim, int64_t k,
                          int64_t padBefore, int64_t padAfter, int64_t stride,
                          int64_t dilation) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t span = padBefore + padAfter - dilation * (k - 1) - 1;
  int64_t known = inType.isDynamicDim(dim)
                      ? ShapedType::kDynamic
                      : (inType.getDimSize(dim) + span) / stride + 1;
  return sizeOf(b, resultType, dim, known, [&]() -> Value {
    Value in = tensor::DimOp::create(b, loc, input, dim);
    Value v = arith::AddIOp::create(
        b, loc, in, arith::ConstantIndexOp::create(b, loc, span));
    v = arith::DivSIOp::create(b, loc, v,
                               arith::ConstantIndexOp::create(b, loc, stride));
    return arith::AddIOp::create(b, loc, v,
                                 arith::ConstantIndexOp::create(b, loc, 1));
  });
}

/// An i32 accumulator of `sizes` holding 0, or the bias broadcast along
/// `channelDim`.
Value initAccumulator(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                      Value bias, int64_t channelDim) {
  IntegerType i32 = b.getI32Type();
  Value empty = tensor::EmptyOp::create(b, loc, sizes, i32);
  if (!bias) {
    Value zero = constInt(b, loc, i32, 0);
    return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
        .getResult(0);
  }
  Value biasStorage = toStorage(b, loc, bias);
  auto emptyType = cast<RankedTensorType>(empty.getType());
  auto biasType = cast<RankedTensorType>(biasStorage.getType());
  if (biasType.getDimSize(0) != emptyType.getDimSize(channelDim))
    biasStorage = tensor::CastOp::create(
        b, loc, biasType.clone({emptyType.getDimSize(channelDim)}),
        biasStorage);
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < emptyType.getRank(); ++d)
    if (d != channelDim)
      dims.push_back(d);
  return linalg::BroadcastOp::create(b, loc, biasStorage, empty, dims)
      .getResult()[0];
}

/// Casts a storage tensor to the shape of `resultType` (a quantized tensor
/// type) when its static dimensions differ.
Value castToResultShape(OpBuilder &b, Location loc, Value v,
                        RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(v.getType());
  auto want = type.clone(resultType.getShape());
  if (type == want)
    return v;
  return tensor::CastOp::create(b, loc, want, v);
}

/// Requantizes the i32 accumulator `acc` (scales `scales`, zero point 0,
/// per channel along `axis` when there are several) to `resultType` with
/// qc.requantize, which qc-lower-quant lowers.
Value requantizeAccumulator(OpBuilder &b, Location loc, Value acc,
                            ArrayRef<double> scales, std::optional<int64_t> axis,
                            RankedTensorType resultType, RequantModeAttr mode) {
  auto resultQ = cast<quant::QuantizedType>(resultType.getElementType());
  Type expressed = resultQ.getExpressedType();
  IntegerType i32 = b.getI32Type();
  int64_t lo = std::numeric_limits<int32_t>::min();
  int64_t hi = std::numeric_limits<int32_t>::max();
  quant::QuantizedType accQ;
  if (axis) {
    SmallVector<int64_t> zeros(scales.size(), 0);
    accQ = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, expressed, scales, zeros, *axis,
        lo, hi);
  } else {
    accQ = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                            i32, expressed, scales.front(), 0,
                                            lo, hi);
  }
  acc = castToResultShape(b, loc, acc, resultType);
  auto accType = cast<RankedTensorType>(acc.getType()).clone(accQ);
  Value q = quant::StorageCastOp::create(b, loc, accType, acc);
  return RequantizeOp::create(b, loc, resultType, q, mode);
}

/// Applies the storage clamp [lo, hi] to the quantized `result` when it is
/// narrower than the storage range.
Value clampStorage(OpBuilder &b, Location loc, Value result,
                   std::pair<int64_t, int64_t> bounds) {
  quant::QuantizedType q = qtypeOf(result);
  auto [lo, hi] = bounds;
  if (lo <= q.getStorageTypeMin() && hi >= q.getStorageTypeMax())
    return result;
  IntegerType storage = storageIntType(q);
  IntegerType wide = wideTypeFor(storage);
  Value clamped = mapElementwise(
      b, loc, toStorage(b, loc, result), storage,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = extend(nb, nl, args[0], q.isSigned(), wide);
        if (lo > q.getStorageTypeMin())
          v = arith::MaxSIOp::create(nb, nl, v, constInt(nb, nl, wide, lo));
        if (hi < q.getStorageTypeMax())
          v = arith::MinSIOp::create(nb, nl, v, constInt(nb, nl, wide, hi));
        if (wide.getWidth() == storage.getWidth())
          return v;
        return arith::TruncIOp::create(nb, nl, storage, v).getResult();
      });
  return quant::StorageCastOp::create(b, loc, result.getType(), clamped);
}

/// `clamp(r + zp, lo, hi)` for an integer-valued, non-NaN f32 `r`, as
/// storage: r is first bounded to +-2^(N+1) (exact in f32, beyond any
/// in-range value) so that fptosi is always defined.
Value saturateToStorage(OpBuilder &b, Location loc, Value r,
                        IntegerType storage, int64_t zp, int64_t lo,
                        int64_t hi) {
  IntegerType wide = wideTypeFor(storage);
  double bound = std::ldexp(1.0, storage.getWidth() + 1);
  r = arith::MaximumFOp::create(b, loc, r, constF32(b, loc, toF32(-bound)));
  r = arith::MinimumFOp::create(b, loc, r,
                                constF32(b, loc, toF32(bound)));
  Value v = arith::FPToSIOp::create(b, loc, wide, r);
  if (zp != 0)
    v = arith::AddIOp::create(b, loc, v, constInt(b, loc, wide, zp));
  v = arith::MaxSIOp::create(b, loc, v, constInt(b, loc, wide, lo));
  v = arith::MinSIOp::create(b, loc, v, constInt(b, loc, wide, hi));
  if (wide.getWidth() == storage.getWidth())
    return v;
  return arith::TruncIOp::create(b, loc, storage, v);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct CheckedPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    std::string why;
    if (failed(checkIntegerOpLowerable(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOp(op, lower(op, rewriter));
    return success();
  }
  virtual Value lower(OpTy op, PatternRewriter &rewriter) const = 0;
};

struct LowerConv2D : CheckedPattern<Conv2DOp> {
  using CheckedPattern::CheckedPattern;
  Value lower(Conv2DOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    int64_t groups = op.getGroups();
    int64_t f = wType.getDimSize(0), cg = wType.getDimSize(1);
    ArrayRef<int64_t> pad = op.getPadding(), st = op.getStrides(),
                      dil = op.getDilations();

    Value x = shiftedI32(b, loc, op.getInput());
    auto xType = cast<RankedTensorType>(x.getType());
    if (xType.isDynamicDim(1)) {
      SmallVector<int64_t> shape(xType.getShape());
      shape[1] = cg * groups;
      x = tensor::CastOp::create(b, loc, xType.clone(shape), x);
    }
    Value xPadded = padSpatial(b, loc, x, pad);
    Value w = shiftedI32(b, loc, op.getWeight());

    SmallVector<OpFoldResult> sizes;
    sizes.push_back(sizeOf(b, outType, 0, ShapedType::kDynamic, [&]() -> Value {
      return tensor::DimOp::create(b, loc, x, 0);
    }));
    sizes.push_back(b.getIndexAttr(f));
    for (int i = 0; i < 2; ++i)
      sizes.push_back(windowExtent(b, loc, x, outType, 2 + i,
                                   wType.getDimSize(2 + i), pad[i], pad[i + 2],
                                   st[i], dil[i]));
    Value acc = initAccumulator(b, loc, sizes, op.getBias(), 1);
    auto accType = cast<RankedTensorType>(acc.getType());
    DenseIntElementsAttr strides = b.getI64TensorAttr(st);
    DenseIntElementsAttr dilations = b.getI64TensorAttr(dil);

    if (groups == 1) {
      acc = linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{accType},
                                             ValueRange{xPadded, w},
                                             ValueRange{acc}, strides,
                                             dilations)
                .getResult(0);
    } else {
      // [N, G*Cg, H, W] x [G*Fg, Cg, KH, KW] as NGCHW x GFCHW.
      auto expand = [&](Value v, ArrayRef<int64_t> shape,
                        ArrayRef<ReassociationIndices> reassociation) {
        auto type = cast<RankedTensorType>(v.getType()).clone(shape);
        return tensor::ExpandShapeOp::create(b, loc, type, v, reassociation)
            .getResult();
      };
      auto xp = cast<RankedTensorType>(xPadded.getType()).getShape();
      SmallVector<ReassociationIndices> splitDim1{{0}, {1, 2}, {3}, {4}};
      Value xg = expand(xPadded, {xp[0], groups, cg, xp[2], xp[3]}, splitDim1);
      auto ws = wType.getShape();
      Value wg = expand(w, {groups, f / groups, cg, ws[2], ws[3]},
                        {{0, 1}, {2}, {3}, {4}});
      auto as = accType.getShape();
      Value accG =
          expand(acc, {as[0], groups, f / groups, as[2], as[3]}, splitDim1);
      Value conv = linalg::Conv2DNgchwGfchwOp::create(
                       b, loc, TypeRange{accG.getType()}, ValueRange{xg, wg},
                       ValueRange{accG}, strides, dilations)
                       .getResult(0);
      acc = tensor::CollapseShapeOp::create(b, loc, accType, conv, splitDim1);
    }

    std::optional<int64_t> axis;
    if (perAxisChannels(qtypeOf(op.getWeight())))
      axis = 1;
    Value y = requantizeAccumulator(
        b, loc, acc, accumulatorScales(op.getInput(), op.getWeight()), axis,
        outType, op.getModeAttr());
    return clampStorage(b, loc, y, op.getResultStorageBounds());
  }
};

struct LowerFullyConnected : CheckedPattern<FullyConnectedOp> {
  using CheckedPattern::CheckedPattern;
  Value lower(FullyConnectedOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    Value x = shiftedI32(b, loc, op.getInput());
    Value w = shiftedI32(b, loc, op.getWeight());
    SmallVector<OpFoldResult> sizes{
        sizeOf(b, outType, 0, ShapedType::kDynamic,
               [&]() -> Value { return tensor::DimOp::create(b, loc, x, 0); }),
        sizeOf(b, outType, 1, wType.getDimSize(0), [&]() -> Value {
          return tensor::DimOp::create(b, loc, w, 0);
        })};
    Value acc = initAccumulator(b, loc, sizes, op.getBias(), 1);
    acc = linalg::MatmulTransposeBOp::create(b, loc, TypeRange{acc.getType()},
                                             ValueRange{x, w}, ValueRange{acc})
              .getResult(0);
    std::optional<int64_t> axis;
    if (perAxisChannels(qtypeOf(op.getWeight())))
      axis = 1;
    Value y = requantizeAccumulator(
        b, loc, acc, accumulatorScales(op.getInput(), op.getWeight()), axis,
        outType, op.getModeAttr());
    return clampStorage(b, loc, y, op.getResultStorageBounds());
  }
};

struct LowerMatmul : CheckedPattern<MatmulOp> {
  using CheckedPattern::CheckedPattern;
  Value lower(MatmulOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    int64_t rank = outType.getRank();
    Value lhs = shiftedI32(b, loc, op.getLhs());
    Value rhs = shiftedI32(b, loc, op.getRhs());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value from = d == rank - 1 ? rhs : lhs;
      auto fromType = cast<RankedTensorType>(from.getType());
      sizes.push_back(sizeOf(b, outType, d, fromType.getDimSize(d),
                             [&]() -> Value {
                               return tensor::DimOp::create(b, loc, from, d);
                             }));
    }
    Value acc = initAccumulator(b, loc, sizes, Value(), 0);
    Type accType = acc.getType();
    if (rank == 2) {
      acc = linalg::MatmulOp::create(b, loc, TypeRange{accType},
                                     ValueRange{lhs, rhs},
                                     ValueRange{acc})
                .getResult(0);
    } else if (rank == 3) {
      acc = linalg::BatchMatmulOp::create(b, loc, TypeRange{accType},
                                          ValueRange{lhs, rhs}, ValueRange{acc})
                .getResult(0);
    } else {
      // Batch dimensions d0..d(r-3), then m, n, k.
      int64_t loops = rank + 1;
      SmallVector<AffineExpr> batch;
      for (int64_t d = 0; d < rank - 2; ++d)
        batch.push_back(b.getAffineDimExpr(d));
      AffineExpr m = b.getAffineDimExpr(rank - 2),
                 n = b.getAffineDimExpr(rank - 1),
                 k = b.getAffineDimExpr(rank);
      auto map = [&](AffineExpr i, AffineExpr j) {
        SmallVector<AffineExpr> exprs(batch);
        exprs.push_back(i);
        exprs.push_back(j);
        return AffineMap::get(loops, 0, exprs, b.getContext());
      };
      SmallVector<utils::IteratorType> iterators(
          loops, utils::IteratorType::parallel);
      iterators.back() = utils::IteratorType::reduction;
      acc = linalg::GenericOp::create(
                b, loc, TypeRange{accType}, ValueRange{lhs, rhs},
                ValueRange{acc},
                SmallVector<AffineMap>{map(m, k), map(k, n), map(m, n)},
                iterators,
                [&](OpBuilder &nb, Location nl, ValueRange args) {
                  Value p = arith::MulIOp::create(nb, nl, args[0], args[1]);
                  linalg::YieldOp::create(
                      nb, nl,
                      arith::AddIOp::create(nb, nl, args[2], p).getResult());
                })
                .getResult(0);
    }
    double s =
        scaleAt(qtypeOf(op.getLhs()), 0) * scaleAt(qtypeOf(op.getRhs()), 0);
    return requantizeAccumulator(b, loc, acc, {s}, std::nullopt, outType,
                                 op.getModeAttr());
  }
};

struct LowerAdd : CheckedPattern<AddOp> {
  using CheckedPattern::CheckedPattern;
  Value lower(AddOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    quant::QuantizedType qa = qtypeOf(op.getLhs()), qb = qtypeOf(op.getRhs()),
                         qy = qtypeOf(op.getResult());
    double sy = scaleAt(qy, 0);
    APFloat ra = toF32(scaleAt(qa, 0) / sy), rb = toF32(scaleAt(qb, 0) / sy);
    auto [lo, hi] = op.getResultStorageBounds();
    IntegerType storage = storageIntType(qy);
    FloatType f32 = b.getF32Type();
    Value out = mapElementwise(
        b, loc,
        ValueRange{toStorage(b, loc, op.getLhs()),
                   toStorage(b, loc, op.getRhs())},
        storage, [&](OpBuilder &nb, Location nl, ValueRange args) {
          auto term = [&](Value q, quant::QuantizedType t, const APFloat &r) {
            IntegerType wide = wideTypeFor(storageIntType(t));
            Value d = extend(nb, nl, q, t.isSigned(), wide);
            if (int64_t zp = zeroPointOf(t))
              d = arith::SubIOp::create(nb, nl, d, constInt(nb, nl, wide, zp));
            Value f = arith::SIToFPOp::create(nb, nl, f32, d);
            return arith::MulFOp::create(nb, nl, f, constF32(nb, nl, r))
                .getResult();
          };
          Value lhs = term(args[0], qa, ra);
          Value rhs = term(args[1], qb, rb);
          Value sum = arith::AddFOp::create(nb, nl, lhs, rhs);
          Value r = math::RoundEvenOp::create(nb, nl, sum);
          return saturateToStorage(nb, nl, r, storage, zeroPointOf(qy), lo,
                                   hi);
        });
    out = castToResultShape(b, loc, out, outType);
    return quant::StorageCastOp::create(b, loc, outType, out);
  }
};

struct LowerAvgPool2D : CheckedPattern<AvgPool2DOp> {
  using CheckedPattern::CheckedPattern;
  Value lower(AvgPool2DOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    quant::QuantizedType qx = qtypeOf(op.getInput()),
                         qy = qtypeOf(op.getResult());
    double sx = scaleAt(qx, 0), sy = scaleAt(qy, 0);
    ArrayRef<int64_t> k = op.getKernel(), pad = op.getPadding(),
                      st = op.getStrides();

    Value x = shiftedI32(b, loc, op.getInput());
    auto xType = cast<RankedTensorType>(x.getType());
    Value xPadded = padSpatial(b, loc, x, pad);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < 2; ++d)
      sizes.push_back(sizeOf(b, outType, d, xType.getDimSize(d),
                             [&]() -> Value {
                               return tensor::DimOp::create(b, loc, x, d);
                             }));
    for (int i = 0; i < 2; ++i)
      sizes.push_back(windowExtent(b, loc, x, outType, 2 + i, k[i], pad[i],
                                   pad[i + 2], st[i], 1));
    Value acc = initAccumulator(b, loc, sizes, Value(), 0);
    Value window = tensor::EmptyOp::create(b, loc, k, b.getI32Type());
    Value sum = linalg::PoolingNchwSumOp::create(
                    b, loc, TypeRange{acc.getType()},
                    ValueRange{xPadded, window}, ValueRange{acc},
                    b.getI64TensorAttr(st), b.getI64TensorAttr({1, 1}))
                    .getResult(0);
    auto sumType = cast<RankedTensorType>(sum.getType());

    // The multiplier f32(sx / (sy * count)) per output position.
    auto multiplier = [&](int64_t count) {
      return toF32(sx / (sy * static_cast<double>(count)));
    };
    // Number of valid (non-padded) input positions of window `o` along one
    // dimension of input extent `in`.
    auto validCount = [&](int64_t o, int64_t in, int i) {
      int64_t start = o * st[i] - pad[i];
      return std::min(start + k[i], in) - std::max<int64_t>(start, 0);
    };
    bool anyPad = llvm::any_of(pad, [](int64_t p) { return p != 0; });
    bool uniform = op.getCountIncludePad() || !anyPad;
    bool staticSpatial = !xType.isDynamicDim(2) && !xType.isDynamicDim(3) &&
                         !sumType.isDynamicDim(2) && !sumType.isDynamicDim(3);
    SmallVector<APFloat> table;
    if (!uniform && staticSpatial) {
      for (int64_t oh = 0; oh < sumType.getDimSize(2); ++oh)
        for (int64_t ow = 0; ow < sumType.getDimSize(3); ++ow)
          table.push_back(
              multiplier(validCount(oh, xType.getDimSize(2), 0) *
                         validCount(ow, xType.getDimSize(3), 1)));
      if (llvm::all_of(table, [&](const APFloat &v) {
            return v.bitwiseIsEqual(table.front());
          })) {
        uniform = true;
      }
    }
    APFloat scalar = multiplier(k[0] * k[1]);
    if (uniform && !table.empty())
      scalar = table.front();

    FloatType f32 = b.getF32Type();
    FloatType f64 = b.getF64Type();
    IntegerType storage = storageIntType(qy);
    int64_t zy = zeroPointOf(qy);
    SmallVector<Value> inputs{sum};
    SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(4)};
    bool fromTable = !uniform && staticSpatial;
    if (fromTable) {
      auto tableType = RankedTensorType::get(
          {sumType.getDimSize(2), sumType.getDimSize(3)}, f32);
      SmallVector<Attribute> elems;
      for (const APFloat &v : table)
        elems.push_back(FloatAttr::get(f32, v));
      inputs.push_back(arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(tableType, elems)));
      maps.push_back(AffineMap::get(
          4, 0, {b.getAffineDimExpr(2), b.getAffineDimExpr(3)},
          b.getContext()));
    }
    maps.push_back(b.getMultiDimIdentityMap(4));
    // Input extents for the run-time count (dynamic spatial sizes).
    Value inH, inW;
    if (!uniform && !fromTable) {
      inH = tensor::DimOp::create(b, loc, x, 2);
      inW = tensor::DimOp::create(b, loc, x, 3);
    }
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, sum), storage);
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    Value out =
        linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
            iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value m;
              if (uniform) {
                m = constF32(nb, nl, scalar);
              } else if (fromTable) {
                m = args[1];
              } else {
                // count = rows * cols of the window clipped to the input;
                // m = f32(sx / (sy * count)) with the quotient in f64.
                auto valid = [&](int64_t dim, Value in, int i) -> Value {
                  auto idx = [&](int64_t v) -> Value {
                    return arith::ConstantIndexOp::create(nb, nl, v);
                  };
                  Value o = linalg::IndexOp::create(nb, nl, dim);
                  Value start = arith::SubIOp::create(
                      nb, nl, arith::MulIOp::create(nb, nl, o, idx(st[i])),
                      idx(pad[i]));
                  Value end = arith::MinSIOp::create(
                      nb, nl, arith::AddIOp::create(nb, nl, start, idx(k[i])),
                      in);
                  Value begin = arith::MaxSIOp::create(nb, nl, start, idx(0));
                  return arith::SubIOp::create(nb, nl, end, begin);
                };
                Value rows = valid(2, inH, 0);
                Value cols = valid(3, inW, 1);
                Value count = arith::MulIOp::create(nb, nl, rows, cols);
                count = arith::IndexCastOp::create(nb, nl, nb.getI64Type(),
                                                   count);
                Value countF = arith::SIToFPOp::create(nb, nl, f64, count);
                Value den = arith::MulFOp::create(
                    nb, nl,
                    arith::ConstantOp::create(nb, nl,
                                              FloatAttr::get(f64, sy)),
                    countF);
                Value ratio = arith::DivFOp::create(
                    nb, nl,
                    arith::ConstantOp::create(nb, nl,
                                              FloatAttr::get(f64, sx)),
                    den);
                m = arith::TruncFOp::create(nb, nl, f32, ratio);
              }
              Value f = arith::SIToFPOp::create(nb, nl, f32, args[0]);
              Value p = arith::MulFOp::create(nb, nl, f, m);
              Value r = math::RoundEvenOp::create(nb, nl, p);
              linalg::YieldOp::create(
                  nb, nl,
                  saturateToStorage(nb, nl, r, storage, zy,
                                    qy.getStorageTypeMin(),
                                    qy.getStorageTypeMax()));
            })
            .getResult(0);
    out = castToResultShape(b, loc, out, outType);
    return quant::StorageCastOp::create(b, loc, outType, out);
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct QCLowerIntegerOpsPass
    : qc::impl::QCLowerIntegerOpsPassBase<QCLowerIntegerOpsPass> {
  using QCLowerIntegerOpsPassBase::QCLowerIntegerOpsPassBase;

  void runOnOperation() override {
    // Report everything the patterns would refuse, up front and all at once.
    bool ok = true;
    getOperation()->walk([&](Operation *op) {
      if (!isa<Conv2DOp, FullyConnectedOp, MatmulOp, AddOp, AvgPool2DOp>(op))
        return;
      std::string why;
      if (failed(checkIntegerOpLowerable(op, why))) {
        op->emitOpError() << "cannot be lowered: " << why;
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateLowerIntegerOpsPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void qc::populateLowerIntegerOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv2D, LowerFullyConnected, LowerMatmul, LowerAdd,
               LowerAvgPool2D>(patterns.getContext());
}
