//===- Realize.cpp - Fold quantize/dequantize pairs into integer ops ------===//
//
// After qc-propagate-scales every quantization boundary is a
// qc.quantize/qc.dequantize pair. This pass turns the float computation
// between pairs into integer computation:
//  * weights and biases are quantized at compile time into storage
//    constants (quant.scast of an integer constant);
//  * convolution / fully-connected / residual-add / attention-matmul units
//    with their bias add and activation become qc.conv2d,
//    qc.fully_connected, qc.add, qc.matmul with the clamp fused;
//  * average pooling becomes qc.avg_pool2d;
//  * same-scale ops (reshape, transpose, padding, max pooling, standalone
//    clamps) run on the storage integers directly;
//  * qc.quantize(qc.dequantize(x)) becomes x, or an explicit
//    qc.requantize where the two types differ.
// What cannot be realized stays float between its dequantize and quantize.
//
//===----------------------------------------------------------------------===//
#include "FloatPatterns.h"
#include "LayerNames.h"
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Quantization/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

namespace qc {
#define GEN_PASS_DEF_QCREALIZEPASS
#include "qc/Quantization/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;

namespace {

using QType = quant::QuantizedType;
using UType = quant::UniformQuantizedType;
using AType = quant::UniformQuantizedPerAxisType;

QType elementQType(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped ? dyn_cast<QType>(shaped.getElementType()) : QType();
}

/// The quantized tensor a float value was dequantized from.
Value dequantizedFrom(Value v) {
  if (auto dq = v.getDefiningOp<qc::DequantizeOp>())
    return dq.getInput();
  return {};
}

/// The only user of `v` if it is a qc.quantize.
qc::QuantizeOp soleQuantizeUser(Value v) {
  if (!v.hasOneUse())
    return {};
  return dyn_cast<qc::QuantizeOp>(*v.getUsers().begin());
}

IntegerType storageType(QType q) {
  return IntegerType::get(q.getContext(), q.getStorageTypeIntegralWidth());
}

RankedTensorType storageTensor(Value quantized) {
  auto t = cast<RankedTensorType>(quantized.getType());
  return RankedTensorType::get(t.getShape(),
                               storageType(cast<QType>(t.getElementType())));
}

Value toStorage(OpBuilder &b, Location loc, Value quantized) {
  if (auto cast = quantized.getDefiningOp<quant::StorageCastOp>())
    if (cast.getInput().getType() == storageTensor(quantized))
      return cast.getInput();
  return quant::StorageCastOp::create(b, loc, storageTensor(quantized),
                                      quantized);
}

Value fromStorage(OpBuilder &b, Location loc, Value storage, QType q) {
  auto t = cast<RankedTensorType>(storage.getType());
  return quant::StorageCastOp::create(
      b, loc, RankedTensorType::get(t.getShape(), q), storage);
}

/// Scale and zero point of channel `c` (any c for per-tensor types).
std::pair<double, int64_t> paramsOf(QType q, int64_t c) {
  if (auto u = dyn_cast<UType>(q))
    return {u.getScale(), u.getZeroPoint()};
  auto a = cast<AType>(q);
  return {a.getScales()[c], a.getZeroPoints()[c]};
}

/// Compile-time quantization of one value under the numerics contract
/// (docs/Numerics.md): x / scale in f32, round half to even, + zero point,
/// saturate; NaN maps to the zero point.
int64_t quantizeValue(float x, double scale, int64_t zp, int64_t qmin,
                      int64_t qmax) {
  if (std::isnan(x))
    return zp;
  float v = x / static_cast<float>(scale);
  double q = std::nearbyint(static_cast<double>(v)) + static_cast<double>(zp);
  return static_cast<int64_t>(std::clamp(q, static_cast<double>(qmin),
                                         static_cast<double>(qmax)));
}

/// Quantizes the constant under `q` (a qc.quantize of an arith.constant)
/// into integers laid out as `shape` after permuting with `perm` (empty: no
/// permutation). Per-axis types index channels along their axis in the
/// original layout.
std::optional<std::vector<int64_t>>
quantizeConstant(qc::QuantizeOp q, ArrayRef<int64_t> perm = {}) {
  auto data = constantFloats(q.getInput());
  if (!data)
    return std::nullopt;
  QType qt = elementQType(q.getResult());
  auto shape = cast<RankedTensorType>(q.getInput().getType()).getShape();
  int64_t axis = -1;
  if (auto a = dyn_cast<AType>(qt))
    axis = a.getQuantizedDimension();
  int64_t rank = shape.size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  std::vector<int64_t> out(data->size());
  // Output index space: shape permuted by perm.
  SmallVector<int64_t> outShape(shape.begin(), shape.end());
  if (!perm.empty())
    for (int64_t d = 0; d < rank; ++d)
      outShape[d] = shape[perm[d]];
  SmallVector<int64_t> idx(rank, 0);
  for (size_t o = 0; o < out.size(); ++o) {
    // idx is the output multi-index; map to the source offset.
    int64_t src = 0;
    SmallVector<int64_t> srcIdx(rank);
    for (int64_t d = 0; d < rank; ++d)
      srcIdx[perm.empty() ? d : perm[d]] = idx[d];
    for (int64_t d = 0; d < rank; ++d)
      src += srcIdx[d] * strides[d];
    auto [scale, zp] = paramsOf(qt, axis >= 0 ? srcIdx[axis] : 0);
    out[o] = quantizeValue((*data)[src], scale, zp, qt.getStorageTypeMin(),
                           qt.getStorageTypeMax());
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// Bias quantization in double precision: round_half_even(b / scale).
std::optional<std::vector<int64_t>> quantizeBias(qc::QuantizeOp q) {
  auto data = constantFloats(q.getInput());
  if (!data)
    return std::nullopt;
  QType qt = elementQType(q.getResult());
  std::vector<int64_t> out(data->size());
  bool perAxis = isa<AType>(qt);
  for (size_t i = 0; i < data->size(); ++i) {
    double scale = paramsOf(qt, perAxis ? static_cast<int64_t>(i) : 0).first;
    double v = std::nearbyint(static_cast<double>((*data)[i]) / scale);
    out[i] = static_cast<int64_t>(std::clamp(v, -2147483648.0, 2147483647.0));
  }
  return out;
}

Value storageConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> values,
                      ArrayRef<int64_t> shape, QType qtype) {
  IntegerType st = storageType(qtype);
  auto tt = RankedTensorType::get(shape, st);
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(st.getWidth(), static_cast<uint64_t>(v),
                         /*isSigned=*/v < 0));
  Value c = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(tt, ints));
  return fromStorage(b, loc, c, qtype);
}

/// The same quantized type with its per-axis dimension moved to `axis`.
QType withAxis(QType q, int32_t axis) {
  auto a = dyn_cast<AType>(q);
  if (!a)
    return q;
  return AType::get(a.getFlags(), a.getStorageType(), a.getExpressedType(),
                    a.getScales(), a.getZeroPoints(), axis,
                    a.getStorageTypeMin(), a.getStorageTypeMax());
}

/// The quantize op producing a weight or bias operand (dq(q(constant))).
qc::QuantizeOp constantQuantize(Value operand) {
  Value q = dequantizedFrom(operand);
  if (!q)
    return {};
  auto quantize = q.getDefiningOp<qc::QuantizeOp>();
  if (!quantize ||
      !isa_and_nonnull<arith::ConstantOp>(quantize.getInput().getDefiningOp()))
    return {};
  return quantize;
}

/// Storage value used to pad a quantized tensor for a float pad of `kind`.
int64_t padStorageValue(PadKind kind, QType q) {
  return kind == PadKind::Zero ? paramsOf(q, 0).second : q.getStorageTypeMin();
}

/// Sees through a storage-domain tensor.pad (as same-scale realization
/// writes it) on the spatial dims of an NCHW tensor, padding with the zero
/// point: returns the unpadded quantized tensor and [top, left, bottom,
/// right].
std::pair<Value, SmallVector<int64_t>> absorbPad(Value quantized) {
  SmallVector<int64_t> none{0, 0, 0, 0};
  auto outer = quantized.getDefiningOp<quant::StorageCastOp>();
  if (!outer)
    return {quantized, none};
  auto pad = outer.getInput().getDefiningOp<tensor::PadOp>();
  if (!pad || pad.getSourceType().getRank() != 4)
    return {quantized, none};
  QType q = elementQType(quantized);
  auto cst = getConstantIntValue(pad.getConstantPaddingValue());
  auto lo = getConstantIntValues(pad.getMixedLowPad());
  auto hi = getConstantIntValues(pad.getMixedHighPad());
  if (!cst || !lo || !hi || (*lo)[0] || (*lo)[1] || (*hi)[0] || (*hi)[1])
    return {quantized, none};
  int64_t zp = paramsOf(q, 0).second;
  int64_t width = q.getStorageTypeIntegralWidth();
  int64_t padValue = q.isSigned() ? llvm::SignExtend64(*cst, width)
                                  : (*cst & ((int64_t(1) << width) - 1));
  if (padValue != zp)
    return {quantized, none};
  Value source = pad.getSource();
  Value unpadded;
  if (auto inner = source.getDefiningOp<quant::StorageCastOp>())
    unpadded = inner.getInput();
  else {
    OpBuilder b(outer);
    unpadded = fromStorage(b, outer.getLoc(), source, q);
  }
  return {unpadded, {(*lo)[2], (*lo)[3], (*hi)[2], (*hi)[3]}};
}

SmallVector<int64_t> denseToVector(DenseIntElementsAttr attr) {
  SmallVector<int64_t> v;
  for (const APInt &x : attr.getValues<APInt>())
    v.push_back(x.getSExtValue());
  return v;
}

qc::RequantModeAttr modeAttr(OpBuilder &b, qc::RequantMode mode) {
  return qc::RequantModeAttr::get(b.getContext(), mode);
}

FloatAttr optionalF64(OpBuilder &b, std::optional<double> v) {
  return v ? b.getF64FloatAttr(*v) : FloatAttr();
}

struct QCRealizePass : qc::impl::QCRealizePassBase<QCRealizePass> {
  using QCRealizePassBase::QCRealizePassBase;

  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      SmallVector<Operation *> ops;
      fn.walk([&](Operation *op) { ops.push_back(op); });
      // Realizing an op erases its boundary quantize, which comes later in
      // `ops`: skip it there instead of touching freed memory.
      erased.clear();
      for (Operation *op : ops) {
        if (erased.count(op))
          continue;
        if (auto unit = matchUnit(op))
          realizeUnit(*unit);
        else if (std::vector<float> divisor;
                 Operation *sum = matchAvgPoolDivision(op, &divisor))
          realizeAvgPool(op, sum, divisor);
        else if (OpOperand *in = sameScaleInput(op))
          realizeSameScale(op, in);
      }
      foldQuantizeDequantize(fn);
      eraseDeadOps(fn);
    }
  }

  /// Replaces the boundary quantize `qo` with `value` (same type).
  void replaceBoundary(qc::QuantizeOp qo, Value value) {
    qo.getResult().replaceAllUsesWith(value);
    erased.insert(qo.getOperation());
    qo.erase();
  }

  /// Ops erased while runOnOperation walks its list of ops.
  llvm::DenseSet<Operation *> erased;

  void realizeSameScale(Operation *op, OpOperand *in) {
    Value xq = dequantizedFrom(in->get());
    qc::QuantizeOp qo = soleQuantizeUser(op->getResult(0));
    if (!xq || !qo || elementQType(qo.getResult()) != elementQType(xq))
      return;
    QType q = elementQType(xq);
    if (!isa<UType>(q))
      return;
    OpBuilder b(qo);
    Location loc = op->getLoc();
    Value s = toStorage(b, loc, xq);
    IntegerType st = storageType(q);
    auto outFloat = cast<RankedTensorType>(op->getResult(0).getType());
    auto outStorage = RankedTensorType::get(outFloat.getShape(), st);
    Value result;
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      Value pv = arith::ConstantIntOp::create(
          b, loc, st, padStorageValue(*padKind(pad), q));
      result = tensor::PadOp::create(b, loc, outStorage, s, pad.getMixedLowPad(),
                                     pad.getMixedHighPad(), pv);
    } else if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                   tensor::ExtractSliceOp>(op)) {
      IRMapping map;
      map.map(in->get(), s);
      Operation *clone = b.clone(*op, map);
      clone->getResult(0).setType(outStorage);
      result = clone->getResult(0);
    } else if (auto tr = dyn_cast<linalg::TransposeOp>(op)) {
      Value init = tensor::EmptyOp::create(b, loc, outStorage.getShape(), st);
      if (!outStorage.hasStaticShape())
        return;
      result = linalg::TransposeOp::create(b, loc, s, init, tr.getPermutation())
                   .getResult()[0];
    } else if (auto pool = dyn_cast<linalg::PoolingNchwMaxOp>(op)) {
      if (!outStorage.hasStaticShape() && !outStorage.isDynamicDim(0))
        return;
      result = maxPoolStorage(b, loc, pool, s, outStorage, q);
      if (!result)
        return;
    } else if (auto ew = matchElementwise(op); ew && ew->kind == EwKind::Clamp) {
      result = clampStorage(b, loc, s, q, ew->lo, ew->hi);
    } else if (isa<linalg::CopyOp>(op)) {
      result = s;
    } else {
      return;
    }
    replaceBoundary(qo, fromStorage(b, loc, result, q));
  }

  /// Elementwise clamp of storage integers to the storage images of
  /// [lo, hi].
  Value clampStorage(OpBuilder &b, Location loc, Value s, QType q,
                     std::optional<double> lo, std::optional<double> hi) {
    auto [scale, zp] = paramsOf(q, 0);
    auto bound = [&, scale = scale, zp = zp](std::optional<double> real,
                                             int64_t dflt) {
      if (!real)
        return dflt;
      return quantizeValue(static_cast<float>(*real), scale, zp,
                           q.getStorageTypeMin(), q.getStorageTypeMax());
    };
    int64_t lowV = bound(lo, q.getStorageTypeMin());
    int64_t highV = bound(hi, q.getStorageTypeMax());
    auto type = cast<RankedTensorType>(s.getType());
    IntegerType st = cast<IntegerType>(type.getElementType());
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        dyn.push_back(tensor::DimOp::create(b, loc, s, d));
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), st, dyn);
    AffineMap id = b.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> its(type.getRank(),
                                         utils::IteratorType::parallel);
    bool isSigned = q.isSigned();
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{s}, ValueRange{init},
               ArrayRef<AffineMap>{id, id}, its,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value lv = arith::ConstantIntOp::create(nb, l, st, lowV);
                 Value hv = arith::ConstantIntOp::create(nb, l, st, highV);
                 Value v = args[0];
                 if (isSigned) {
                   v = arith::MaxSIOp::create(nb, l, v, lv);
                   v = arith::MinSIOp::create(nb, l, v, hv);
                 } else {
                   v = arith::MaxUIOp::create(nb, l, v, lv);
                   v = arith::MinUIOp::create(nb, l, v, hv);
                 }
                 linalg::YieldOp::create(nb, l, v);
               })
        .getResult(0);
  }

  /// Max pooling on storage integers: the named NCHW op, generalized, with
  /// the comparison matching the storage's signedness.
  Value maxPoolStorage(OpBuilder &b, Location loc, linalg::PoolingNchwMaxOp pool,
                       Value s, RankedTensorType outStorage, QType q) {
    IntegerType st = storageType(q);
    SmallVector<Value> dyn;
    if (outStorage.isDynamicDim(0))
      dyn.push_back(tensor::DimOp::create(b, loc, s, 0));
    Value empty =
        tensor::EmptyOp::create(b, loc, outStorage.getShape(), st, dyn);
    Value lowest = arith::ConstantIntOp::create(b, loc, st, q.getStorageTypeMin());
    Value init = linalg::FillOp::create(b, loc, ValueRange{lowest},
                                        ValueRange{empty})
                     .getResult(0);
    auto named = linalg::PoolingNchwMaxOp::create(
        b, loc, TypeRange{outStorage}, ValueRange{s, pool.getInputs()[1]},
        ValueRange{init}, pool.getStrides(), pool.getDilations());
    IRRewriter rewriter(b);
    rewriter.setInsertionPoint(named);
    FailureOr<linalg::GenericOp> generic =
        linalg::generalizeNamedOp(rewriter, named);
    if (failed(generic))
      return {};
    // The named op compares signed; unsigned storage needs maxui.
    if (!q.isSigned()) {
      generic->getBody()->walk([&](arith::MaxSIOp max) {
        OpBuilder mb(max);
        Value u = arith::MaxUIOp::create(mb, max.getLoc(), max.getLhs(),
                                         max.getRhs());
        max.replaceAllUsesWith(u);
        max.erase();
      });
    }
    return generic->getResult(0);
  }

  void realizeUnit(Unit &unit) {
    qc::QuantizeOp qo = soleQuantizeUser(unit.output());
    if (!qo)
      return;
    Type resultType = qo.getResult().getType();
    OpBuilder b(qo);
    Location loc = unit.anchor->getLoc();
    Value result;
    switch (unit.kind) {
    case AnchorKind::Conv:
      result = realizeConv(b, loc, unit, resultType);
      break;
    case AnchorKind::Contraction:
      result = realizeFullyConnected(b, loc, unit, resultType);
      break;
    case AnchorKind::ActMatmul: {
      Value a = dequantizedFrom(unit.inputs[0]->get());
      Value c = dequantizedFrom(unit.inputs[1]->get());
      if (!a || !c || !isa<UType>(elementQType(a)) || !isa<UType>(elementQType(c)))
        return;
      auto linalgOp = cast<linalg::LinalgOp>(unit.anchor);
      // Plain (batch) matmul maps only: [.., M, K] x [.., K, N].
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(unit.anchor) ||
          !linalgOp.hasPureTensorSemantics())
        return;
      if (auto mm = dyn_cast<linalg::MatmulOp>(unit.anchor))
        if (mm.hasUserDefinedMaps())
          return;
      result = qc::MatmulOp::create(b, loc, resultType, a, c,
                                    modeAttr(b, qc::RequantMode::double_round));
      break;
    }
    case AnchorKind::Add: {
      Value a = dequantizedFrom(unit.inputs[0]->get());
      Value c = dequantizedFrom(unit.inputs[1]->get());
      if (!a || !c || !isa<UType>(elementQType(a)) || !isa<UType>(elementQType(c)))
        return;
      result = qc::AddOp::create(b, loc, resultType, a, c,
                                 optionalF64(b, unit.clampMin),
                                 optionalF64(b, unit.clampMax));
      break;
    }
    }
    if (!result)
      return;
    replaceBoundary(qo, result);
  }

  /// The int32 bias of a unit as a rank-1 quantized constant, or null (no
  /// bias). Fails when the bias operand is not a quantized constant.
  FailureOr<Value> biasConstant(OpBuilder &b, Location loc, Unit &unit) {
    if (!unit.bias)
      return Value();
    qc::QuantizeOp bq = constantQuantize(unit.bias->get());
    if (!bq)
      return failure();
    auto values = quantizeBias(bq);
    if (!values)
      return failure();
    QType qt = withAxis(elementQType(bq.getResult()), 0);
    int64_t n = values->size();
    return storageConstant(b, loc, *values, {n}, qt);
  }

  Value realizeConv(OpBuilder &b, Location loc, Unit &unit, Type resultType) {
    Operation *anchor = unit.anchor;
    bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(anchor);
    if (!isa<linalg::Conv2DNchwFchwOp>(anchor) && !depthwise)
      return {};
    Value xq = dequantizedFrom(unit.inputs[0]->get());
    qc::QuantizeOp wq = constantQuantize(unit.weight->get());
    if (!xq || !wq || !isa<UType>(elementQType(xq)))
      return {};
    auto [input, padding] = absorbPad(xq);
    auto wValues = quantizeConstant(wq);
    if (!wValues)
      return {};
    auto wShape = cast<RankedTensorType>(wq.getInput().getType()).getShape();
    SmallVector<int64_t> shape(wShape.begin(), wShape.end());
    int64_t groups = 1;
    if (depthwise) {
      shape = {wShape[0], 1, wShape[1], wShape[2]};
      groups = wShape[0];
    }
    Value w = storageConstant(b, loc, *wValues, shape,
                              elementQType(wq.getResult()));
    FailureOr<Value> bias = biasConstant(b, loc, unit);
    if (failed(bias))
      return {};
    SmallVector<int64_t> strides, dilations;
    if (auto c = dyn_cast<linalg::Conv2DNchwFchwOp>(anchor)) {
      strides = denseToVector(c.getStrides());
      dilations = denseToVector(c.getDilations());
    } else {
      auto d = cast<linalg::DepthwiseConv2DNchwChwOp>(anchor);
      strides = denseToVector(d.getStrides());
      dilations = denseToVector(d.getDilations());
    }
    return qc::Conv2DOp::create(
        b, loc, resultType, input, w, *bias, b.getDenseI64ArrayAttr(strides),
        b.getDenseI64ArrayAttr(padding), b.getDenseI64ArrayAttr(dilations),
        b.getI64IntegerAttr(groups), optionalF64(b, unit.clampMin),
        optionalF64(b, unit.clampMax), modeAttr(b, qc::RequantMode::double_round));
  }

  Value realizeFullyConnected(OpBuilder &b, Location loc, Unit &unit,
                              Type resultType) {
    auto mm = dyn_cast<linalg::MatmulOp>(unit.anchor);
    if (!mm)
      return {};
    Value xq = dequantizedFrom(unit.inputs[0]->get());
    qc::QuantizeOp wq = constantQuantize(unit.weight->get());
    if (!xq || !wq || !isa<UType>(elementQType(xq)))
      return {};
    // lhs must be [M, K]; the weight [K, N] (transposed here) or [N, K].
    auto maps = mm.getIndexingMapsArray();
    MLIRContext *ctx = mm.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    if (maps[0] != AffineMap::get(3, 0, {m, k}, ctx) ||
        maps[2] != AffineMap::get(3, 0, {m, n}, ctx))
      return {};
    SmallVector<int64_t> perm;
    if (maps[1] == AffineMap::get(3, 0, {k, n}, ctx))
      perm = {1, 0};
    else if (maps[1] != AffineMap::get(3, 0, {n, k}, ctx))
      return {};
    auto wValues = quantizeConstant(wq, perm);
    if (!wValues)
      return {};
    auto wShape = cast<RankedTensorType>(wq.getInput().getType()).getShape();
    SmallVector<int64_t> shape(wShape.begin(), wShape.end());
    QType wType = elementQType(wq.getResult());
    if (!perm.empty()) {
      std::swap(shape[0], shape[1]);
      wType = withAxis(wType, 0);
    }
    Value w = storageConstant(b, loc, *wValues, shape, wType);
    FailureOr<Value> bias = biasConstant(b, loc, unit);
    if (failed(bias))
      return {};
    return qc::FullyConnectedOp::create(
        b, loc, resultType, xq, w, *bias, optionalF64(b, unit.clampMin),
        optionalF64(b, unit.clampMax), modeAttr(b, qc::RequantMode::double_round));
  }

  void realizeAvgPool(Operation *div, Operation *sumOp,
                      ArrayRef<float> divisor) {
    auto sum = cast<linalg::PoolingNchwSumOp>(sumOp);
    qc::QuantizeOp qo = soleQuantizeUser(div->getResult(0));
    Value xq = dequantizedFrom(sum.getInputs()[0]);
    if (!qo || !xq || !isa<UType>(elementQType(xq)) ||
        !llvm::all_of(denseToVector(sum.getDilations()),
                      [](int64_t d) { return d == 1; }))
      return;
    auto [input, padding] = absorbPad(xq);
    auto window = cast<ShapedType>(sum.getInputs()[1].getType());
    if (!window.hasStaticShape())
      return;
    SmallVector<int64_t> kernel(window.getShape().begin(),
                                window.getShape().end());
    // A scalar divisor equal to the window size counts padded elements; a
    // per-position divisor counts only the real ones.
    bool anyPad = llvm::any_of(padding, [](int64_t p) { return p != 0; });
    bool countIncludePad = true;
    if (divisor.size() != 1)
      countIncludePad = false;
    else if (divisor[0] != static_cast<float>(kernel[0] * kernel[1]))
      return;
    OpBuilder b(qo);
    Value pooled = qc::AvgPool2DOp::create(
        b, div->getLoc(), qo.getResult().getType(), input,
        b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(denseToVector(sum.getStrides())),
        b.getDenseI64ArrayAttr(padding),
        b.getBoolAttr(anyPad && countIncludePad));
    replaceBoundary(qo, pooled);
  }

  /// quantize(dequantize(x)) is x when the types agree, else an explicit
  /// requantize (a scale conflict between producer and consumer).
  void foldQuantizeDequantize(func::FuncOp fn) {
    SmallVector<qc::QuantizeOp> quantizes;
    fn.walk([&](qc::QuantizeOp q) { quantizes.push_back(q); });
    for (qc::QuantizeOp q : quantizes) {
      auto dq = q.getInput().getDefiningOp<qc::DequantizeOp>();
      if (!dq)
        continue;
      Value src = dq.getInput();
      if (src.getType() == q.getResult().getType()) {
        replaceBoundary(q, src);
        continue;
      }
      OpBuilder b(q);
      Value r = qc::RequantizeOp::create(b, q.getLoc(), q.getResult().getType(),
                                         src, modeAttr(b, qc::RequantMode::float_scale));
      replaceBoundary(q, r);
    }
  }

  static void eraseDeadOps(func::FuncOp fn) {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<Operation *> dead;
      fn.walk([&](Operation *op) {
        if (op != fn && isOpTriviallyDead(op))
          dead.push_back(op);
      });
      for (Operation *op : llvm::reverse(dead)) {
        if (isOpTriviallyDead(op)) {
          op->erase();
          changed = true;
        }
      }
    }
  }
};

} // namespace
