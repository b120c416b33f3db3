//===- VectorizePoolAdd.cpp - int8 max pool, avg pool and add as vectors --===//
//
// qc-vectorize-pool-add: the integer ops around the microkernels that the
// reference lowering leaves as scalar loops, as vector code on the storage
// bytes (docs/Microkernels.md):
//
// * integer max pooling (the linalg.generic that qc-realize emits: a window
//   max of maxui/maxsi over NCHW storage into a linalg.fill): per output
//   row, one contiguous load per window row and one shuffle per window
//   column pick the strided inputs; max is exact, so any layout of the
//   work gives the reference's bytes;
// * qc.add: 16 lanes at a time, the same f32 operations as
//   qc-lower-integer-ops in the same order (docs/IntegerOps.md), so the
//   results are identical;
// * qc.avg_pool2d over the whole plane (global average pooling): the plane
//   summed as i32 vectors, then the reference's f32 epilogue per channel.
//
//===----------------------------------------------------------------------===//
#include "KernelSupport.h"

#include "qc/Conversion/Passes.h"
#include "qc/Conversion/QuantTypeUtils.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <cmath>

namespace qc {
#define GEN_PASS_DEF_QCVECTORIZEPOOLADDPASS
#include "qc/Conversion/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;
using namespace qc::kernels;

namespace {

constexpr int64_t kLanes = 16; // f32 / i32 lanes of a zmm register
// Output row chunk of the max pool: at most this many results per vector.
constexpr int64_t kPoolChunk = 32;

Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A constant of `type` (scalar or vector, splat) from a scalar attribute.
Value constOf(OpBuilder &b, Location loc, Type type, TypedAttr scalar) {
  if (auto vt = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, scalar));
  return arith::ConstantOp::create(b, loc, scalar);
}

Value constInt(OpBuilder &b, Location loc, Type type, int64_t v) {
  Type elt = getElementTypeOrSelf(type);
  return constOf(b, loc, type, IntegerAttr::get(elt, v));
}

Value constF32(OpBuilder &b, Location loc, Type type, const APFloat &v) {
  return constOf(b, loc, type, FloatAttr::get(b.getF32Type(), v));
}

/// `type` with the element type `elt` (vector or scalar alike).
Type withElement(Type type, Type elt) {
  if (auto vt = dyn_cast<VectorType>(type))
    return vt.clone(elt);
  return elt;
}

/// scf.for from lb to ub by `step`; `body` gets the induction variable.
void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
             function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, loc, lb, ub, cIndex(b, loc, step));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  body(loop.getInductionVar());
}

/// The dynamic sizes of `buffer` (for an allocation of the same shape).
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value buffer,
                                ArrayRef<int64_t> shape) {
  SmallVector<Value> out;
  for (auto [d, size] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(size))
      out.push_back(memref::DimOp::create(b, loc, buffer, d));
  return out;
}

/// Number of elements of a flat buffer.
Value flatSize(OpBuilder &b, Location loc, Value flat) {
  return memref::DimOp::create(b, loc, flat, 0);
}

/// qc-lower-integer-ops' float saturation: `r` (integer-valued f32, never
/// NaN) bounded to +-2^(N+1), converted to i32, plus the zero point,
/// clamped to [lo, hi] and truncated to the storage (at most 16 bits).
Value saturate(OpBuilder &b, Location loc, Value r, IntegerType storage,
               int64_t zp, int64_t lo, int64_t hi) {
  Type type = r.getType();
  Type i32 = withElement(type, b.getI32Type());
  double bound = std::ldexp(1.0, storage.getWidth() + 1);
  r = arith::MaximumFOp::create(b, loc, r, constF32(b, loc, type, toF32(-bound)));
  r = arith::MinimumFOp::create(b, loc, r, constF32(b, loc, type, toF32(bound)));
  Value v = arith::FPToSIOp::create(b, loc, i32, r);
  if (zp != 0)
    v = arith::AddIOp::create(b, loc, v, constInt(b, loc, i32, zp));
  v = arith::MaxSIOp::create(b, loc, v, constInt(b, loc, i32, lo));
  v = arith::MinSIOp::create(b, loc, v, constInt(b, loc, i32, hi));
  if (storage.getWidth() == 32)
    return v;
  return arith::TruncIOp::create(b, loc, withElement(type, storage), v);
}

/// Storage `q` (vector) of type `t` widened to i32 minus its zero point.
Value shifted(OpBuilder &b, Location loc, Value q, quant::QuantizedType t) {
  Type i32 = withElement(q.getType(), b.getI32Type());
  Value d = t.isSigned() ? arith::ExtSIOp::create(b, loc, i32, q).getResult()
                         : arith::ExtUIOp::create(b, loc, i32, q).getResult();
  if (int64_t zp = zeroPointOf(t))
    d = arith::SubIOp::create(b, loc, d, constInt(b, loc, i32, zp));
  return d;
}

bool perTensorNarrow(Value v, unsigned maxBits) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return false;
  auto q = dyn_cast<quant::UniformQuantizedType>(t.getElementType());
  return q && q.getStorageTypeIntegralWidth() <= maxBits;
}

//===----------------------------------------------------------------------===//
// qc.add
//===----------------------------------------------------------------------===//

struct VectorizeAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &b) const override {
    std::string why;
    if (failed(checkIntegerOpLowerable(op, why)))
      return b.notifyMatchFailure(op, why);
    // 16-bit storage at most: the i32 wide type of the reference saturation.
    for (Value v : {op.getLhs(), op.getRhs(), op.getResult()})
      if (!perTensorNarrow(v, 16))
        return b.notifyMatchFailure(op, "operands must be per-tensor with at "
                                        "most 16-bit storage");
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    if (op.getLhs().getType().getShape() != outType.getShape() ||
        op.getRhs().getType().getShape() != outType.getShape())
      return b.notifyMatchFailure(op, "operand and result shapes differ");

    Location loc = op.getLoc();
    quant::QuantizedType qa = qtypeOf(op.getLhs()), qb = qtypeOf(op.getRhs()),
                         qy = qtypeOf(op.getResult());
    double sy = scaleAt(qy, 0);
    APFloat ra = toF32(scaleAt(qa, 0) / sy), rb = toF32(scaleAt(qb, 0) / sy);
    auto [lo, hi] = op.getResultStorageBounds();
    auto storage = IntegerType::get(b.getContext(),
                                    qy.getStorageTypeIntegralWidth());
    auto storageOf = [&](quant::QuantizedType t) {
      return IntegerType::get(b.getContext(), t.getStorageTypeIntegralWidth());
    };

    Value a = storageBuffer(b, loc, op.getLhs());
    Value bb = storageBuffer(b, loc, op.getRhs());
    Value out = allocBuffer(b, loc, outType, storage,
                          dynamicSizes(b, loc, a, outType.getShape()));
    Value fa = flatten(b, loc, a), fb = flatten(b, loc, bb),
          fy = flatten(b, loc, out);
    Value total = flatSize(b, loc, fy);

    auto va = VectorType::get({kLanes}, storageOf(qa));
    auto vb = VectorType::get({kLanes}, storageOf(qb));
    auto vf = VectorType::get({kLanes}, b.getF32Type());
    auto vm = VectorType::get({kLanes}, b.getI1Type());
    // y = saturate(roundeven(f32(a - za) * ra + f32(b - zb) * rb)).
    auto compute = [&](Value x, Value y) {
      auto term = [&](Value q, quant::QuantizedType t, const APFloat &r) {
        Value f = arith::SIToFPOp::create(b, loc, vf, shifted(b, loc, q, t));
        return arith::MulFOp::create(b, loc, f, constF32(b, loc, vf, r))
            .getResult();
      };
      Value lhs = term(x, qa, ra);
      Value rhs = term(y, qb, rb);
      Value sum = arith::AddFOp::create(b, loc, lhs, rhs);
      Value r = math::RoundEvenOp::create(b, loc, sum);
      return saturate(b, loc, r, storage, zeroPointOf(qy), lo, hi);
    };
    Value full = arith::MulIOp::create(
        b, loc,
        arith::DivUIOp::create(b, loc, total, cIndex(b, loc, kLanes)),
        cIndex(b, loc, kLanes));
    forLoop(b, loc, cIndex(b, loc, 0), full, kLanes, [&](Value i) {
      Value x = vector::LoadOp::create(b, loc, va, fa, ValueRange{i});
      Value y = vector::LoadOp::create(b, loc, vb, fb, ValueRange{i});
      vector::StoreOp::create(b, loc, compute(x, y), fy, ValueRange{i});
    });
    // The tail (fewer than 16 elements): masked, at most one iteration.
    bool staticTotal = outType.hasStaticShape();
    if (!staticTotal || outType.getNumElements() % kLanes != 0)
      forLoop(b, loc, full, total, kLanes, [&](Value i) {
        Value left = arith::SubIOp::create(b, loc, total, i);
        Value mask = vector::CreateMaskOp::create(b, loc, vm, ValueRange{left});
        Value x = vector::MaskedLoadOp::create(
            b, loc, va, fa, ValueRange{i}, mask, constInt(b, loc, va, 0));
        Value y = vector::MaskedLoadOp::create(
            b, loc, vb, fb, ValueRange{i}, mask, constInt(b, loc, vb, 0));
        vector::MaskedStoreOp::create(b, loc, fy, ValueRange{i}, mask,
                                      compute(x, y));
      });
    b.replaceOp(op, resultTensor(b, loc, out, outType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// qc.avg_pool2d over the whole plane
//===----------------------------------------------------------------------===//

struct VectorizeGlobalAvgPool : OpRewritePattern<AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AvgPool2DOp op,
                                PatternRewriter &b) const override {
    std::string why;
    if (failed(checkIntegerOpLowerable(op, why)))
      return b.notifyMatchFailure(op, why);
    if (!perTensorNarrow(op.getInput(), 16) ||
        !perTensorNarrow(op.getResult(), 16))
      return b.notifyMatchFailure(op, "input and result must be per-tensor "
                                      "with at most 16-bit storage");
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    if (xType.isDynamicDim(2) || xType.isDynamicDim(3))
      return b.notifyMatchFailure(op, "dynamic spatial size");
    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    ArrayRef<int64_t> k = op.getKernel();
    if (k[0] != h || k[1] != w ||
        llvm::any_of(op.getPadding(), [](int64_t p) { return p != 0; }))
      return b.notifyMatchFailure(op, "not a global average pool");

    Location loc = op.getLoc();
    quant::QuantizedType qx = qtypeOf(op.getInput()),
                         qy = qtypeOf(op.getResult());
    int64_t plane = h * w;
    // Every window is the whole plane: one multiplier.
    APFloat m = toF32(scaleAt(qx, 0) /
                      (scaleAt(qy, 0) * static_cast<double>(plane)));
    auto xStorage = IntegerType::get(b.getContext(),
                                     qx.getStorageTypeIntegralWidth());
    auto storage = IntegerType::get(b.getContext(),
                                    qy.getStorageTypeIntegralWidth());
    Type i32 = b.getI32Type(), f32 = b.getF32Type();

    Value x = storageBuffer(b, loc, op.getInput());
    Value out = allocBuffer(b, loc, outType, storage,
                          dynamicSizes(b, loc, x, outType.getShape()));
    Value fx = flatten(b, loc, x), fy = flatten(b, loc, out);
    Value planes = flatSize(b, loc, fy);

    auto vx = VectorType::get({kLanes}, xStorage);
    auto vi = VectorType::get({kLanes}, i32);
    int64_t fullChunks = plane / kLanes, tail = plane % kLanes;
    forLoop(b, loc, cIndex(b, loc, 0), planes, 1, [&](Value p) {
      Value base = arith::MulIOp::create(b, loc, p, cIndex(b, loc, plane));
      // sum (x - zx) = sum x - plane * zx, both exact (or both wrapping
      // alike) in i32.
      auto widen = [&](Value v) -> Value {
        if (qx.isSigned())
          return arith::ExtSIOp::create(b, loc, vi, v);
        return arith::ExtUIOp::create(b, loc, vi, v);
      };
      Value acc = constInt(b, loc, vi, 0);
      if (fullChunks > 0) {
        auto loop = scf::ForOp::create(
            b, loc, cIndex(b, loc, 0), cIndex(b, loc, fullChunks * kLanes),
            cIndex(b, loc, kLanes), ValueRange{acc},
            [&](OpBuilder &nb, Location nl, Value i, ValueRange args) {
              Value at = arith::AddIOp::create(nb, nl, base, i);
              Value v = vector::LoadOp::create(nb, nl, vx, fx, ValueRange{at});
              Value wide =
                  qx.isSigned()
                      ? arith::ExtSIOp::create(nb, nl, vi, v).getResult()
                      : arith::ExtUIOp::create(nb, nl, vi, v).getResult();
              scf::YieldOp::create(
                  nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args[0], wide)});
            });
        acc = loop.getResult(0);
      }
      if (tail) {
        Value mask = prefixMask(b, loc, kLanes, tail);
        Value at = arith::AddIOp::create(b, loc, base,
                                         cIndex(b, loc, fullChunks * kLanes));
        // Masked-off lanes read as 0 and are zero-extended: they add 0.
        Value v = vector::MaskedLoadOp::create(b, loc, vx, fx, ValueRange{at},
                                               mask, constInt(b, loc, vx, 0));
        acc = arith::AddIOp::create(b, loc, acc, widen(v));
      }
      Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                              acc);
      if (int64_t zx = zeroPointOf(qx))
        sum = arith::SubIOp::create(
            b, loc, sum,
            constInt(b, loc, i32,
                     static_cast<int32_t>(static_cast<uint32_t>(zx) *
                                          static_cast<uint32_t>(plane))));
      Value f = arith::SIToFPOp::create(b, loc, f32, sum);
      Value prod = arith::MulFOp::create(b, loc, f, constF32(b, loc, f32, m));
      Value r = math::RoundEvenOp::create(b, loc, prod);
      Value y = saturate(b, loc, r, storage, zeroPointOf(qy),
                         qy.getStorageTypeMin(), qy.getStorageTypeMax());
      memref::StoreOp::create(b, loc, y, fy, ValueRange{p});
    });
    b.replaceOp(op, resultTensor(b, loc, out, outType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Integer max pooling (linalg.generic)
//===----------------------------------------------------------------------===//

/// `e` as sum_d coef[d] * d over the 6 loop dimensions, without constant;
/// false for anything else.
bool linearCoefficients(AffineExpr e, SmallVector<int64_t> &coef) {
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    coef[d.getPosition()] += 1;
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return linearCoefficients(bin.getLHS(), coef) &&
           linearCoefficients(bin.getRHS(), coef);
  if (bin.getKind() == AffineExprKind::Mul) {
    auto d = dyn_cast<AffineDimExpr>(bin.getLHS());
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (!d || !c || c.getValue() <= 0)
      return false;
    coef[d.getPosition()] += c.getValue();
    return true;
  }
  return false;
}

struct VectorizeIntegerMaxPool : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &b) const override {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op.getNumResults() != 1 || op.getNumLoops() != 6)
      return b.notifyMatchFailure(op, "not a 2-D pooling");
    auto iters = op.getIteratorTypesArray();
    for (int64_t d = 0; d < 6; ++d)
      if (iters[d] != (d < 4 ? utils::IteratorType::parallel
                             : utils::IteratorType::reduction))
        return b.notifyMatchFailure(op, "not a 2-D pooling");
    auto xType = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
    auto kType = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
    auto outType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    if (!xType || !kType || !outType || xType.getRank() != 4 ||
        kType.getRank() != 2 || !kType.hasStaticShape())
      return b.notifyMatchFailure(op, "not an NCHW pooling");
    auto elt = dyn_cast<IntegerType>(xType.getElementType());
    if (!elt || outType.getElementType() != elt || elt.getWidth() > 32)
      return b.notifyMatchFailure(op, "not an integer pooling");
    for (int64_t d = 1; d < 4; ++d)
      if (xType.isDynamicDim(d) || outType.isDynamicDim(d))
        return b.notifyMatchFailure(op, "dynamic channel or spatial size");

    // Indexing: x[d0, d1, d2*sh + d4*dh, d3*sw + d5*dw], window[d4, d5],
    // out[d0, d1, d2, d3].
    auto maps = op.getIndexingMapsArray();
    MLIRContext *ctx = op.getContext();
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    if (maps[1] != AffineMap::get(6, 0, {dim(4), dim(5)}, ctx) ||
        maps[2] != AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, ctx) ||
        maps[0].getNumResults() != 4 || maps[0].getResult(0) != dim(0) ||
        maps[0].getResult(1) != dim(1))
      return b.notifyMatchFailure(op, "not an NCHW window access");
    int64_t strides[2], dilations[2];
    for (int i = 0; i < 2; ++i) {
      SmallVector<int64_t> coef(6, 0);
      if (!linearCoefficients(maps[0].getResult(2 + i), coef))
        return b.notifyMatchFailure(op, "not an NCHW window access");
      for (int64_t d = 0; d < 6; ++d)
        if (d != 2 + i && d != 4 + i && coef[d] != 0)
          return b.notifyMatchFailure(op, "not an NCHW window access");
      strides[i] = coef[2 + i];
      dilations[i] = coef[4 + i];
      if (strides[i] <= 0 || dilations[i] <= 0)
        return b.notifyMatchFailure(op, "not an NCHW window access");
    }

    // Body: yield max(out, in) (either operand order).
    Block &body = op.getRegion().front();
    if (body.getOperations().size() != 2)
      return b.notifyMatchFailure(op, "body is not a single max");
    Operation *maxOp = &body.front();
    bool isUnsigned = isa<arith::MaxUIOp>(maxOp);
    if (!isUnsigned && !isa<arith::MaxSIOp>(maxOp))
      return b.notifyMatchFailure(op, "body is not an integer max");
    Value in = body.getArgument(0), acc = body.getArgument(2);
    if (!((maxOp->getOperand(0) == in && maxOp->getOperand(1) == acc) ||
          (maxOp->getOperand(0) == acc && maxOp->getOperand(1) == in)) ||
        body.getTerminator()->getOperand(0) != maxOp->getResult(0))
      return b.notifyMatchFailure(op, "body is not max(in, out)");

    // Initial value: a filled constant.
    auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    IntegerAttr initAttr;
    if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&initAttr)))
      return b.notifyMatchFailure(op, "the init is not a constant fill");
    APInt init = initAttr.getValue();
    bool initIsIdentity = isUnsigned ? init.isMinValue() : init.isMinSignedValue();

    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    int64_t kh = kType.getDimSize(0), kw = kType.getDimSize(1);
    // linalg guarantees in-bounds accesses; check the static shapes agree.
    if ((oh - 1) * strides[0] + (kh - 1) * dilations[0] >= h ||
        (ow - 1) * strides[1] + (kw - 1) * dilations[1] >= w ||
        (xType.isDynamicDim(0) != outType.isDynamicDim(0)) ||
        (!xType.isDynamicDim(0) &&
         xType.getDimSize(0) != outType.getDimSize(0)) ||
        xType.getDimSize(1) != outType.getDimSize(1))
      return b.notifyMatchFailure(op, "window out of bounds");

    Location loc = op.getLoc();
    Value x = storageBuffer(b, loc, op.getDpsInputs()[0]);
    Value out = allocBuffer(b, loc, outType, elt,
                          dynamicSizes(b, loc, x, outType.getShape()));
    Value fx = flatten(b, loc, x), fy = flatten(b, loc, out);
    Value planes = arith::DivUIOp::create(b, loc, flatSize(b, loc, fy),
                                          cIndex(b, loc, oh * ow));
    auto vmax = [&](Value l, Value r) -> Value {
      if (isUnsigned)
        return arith::MaxUIOp::create(b, loc, l, r);
      return arith::MaxSIOp::create(b, loc, l, r);
    };
    forLoop(b, loc, cIndex(b, loc, 0), planes, 1, [&](Value p) {
      Value inPlane = arith::MulIOp::create(b, loc, p, cIndex(b, loc, h * w));
      Value outPlane =
          arith::MulIOp::create(b, loc, p, cIndex(b, loc, oh * ow));
      forLoop(b, loc, cIndex(b, loc, 0), cIndex(b, loc, oh), 1, [&](Value r) {
        Value rowIn = arith::AddIOp::create(
            b, loc, inPlane,
            arith::MulIOp::create(b, loc, r, cIndex(b, loc, strides[0] * w)));
        Value rowOut = arith::AddIOp::create(
            b, loc, outPlane,
            arith::MulIOp::create(b, loc, r, cIndex(b, loc, ow)));
        // The row in chunks of at most kPoolChunk results.
        for (int64_t c0 = 0; c0 < ow; c0 += kPoolChunk) {
          int64_t v = std::min(kPoolChunk, ow - c0);
          int64_t span = (v - 1) * strides[1] + (kw - 1) * dilations[1] + 1;
          int64_t start = c0 * strides[1];
          auto spanType = VectorType::get({span}, elt);
          auto outVec = VectorType::get({v}, elt);
          Value m;
          if (!initIsIdentity)
            m = constOf(b, loc, outVec, initAttr);
          for (int64_t i = 0; i < kh; ++i) {
            Value at = arith::AddIOp::create(
                b, loc, rowIn, cIndex(b, loc, i * dilations[0] * w + start));
            // In bounds: the last window of the chunk ends inside the row.
            if (strides[1] == 1) {
              // Unit stride: the inputs of window column j are contiguous.
              for (int64_t j = 0; j < kw; ++j) {
                Value picked = vector::LoadOp::create(
                    b, loc, outVec, fx,
                    ValueRange{arith::AddIOp::create(
                        b, loc, at, cIndex(b, loc, j * dilations[1]))});
                m = m ? vmax(m, picked) : picked;
              }
              continue;
            }
            Value row = vector::LoadOp::create(b, loc, spanType, fx,
                                               ValueRange{at});
            for (int64_t j = 0; j < kw; ++j) {
              SmallVector<int64_t> lanes;
              for (int64_t l = 0; l < v; ++l)
                lanes.push_back(j * dilations[1] + l * strides[1]);
              Value picked =
                  span == v ? row
                            : vector::ShuffleOp::create(b, loc, row, row, lanes)
                                  .getResult();
              m = m ? vmax(m, picked) : picked;
            }
          }
          Value to = arith::AddIOp::create(b, loc, rowOut, cIndex(b, loc, c0));
          vector::StoreOp::create(b, loc, m, fy, ValueRange{to});
        }
      });
    });
    b.replaceOp(op, resultTensor(b, loc, out, outType));
    return success();
  }
};

struct QCVectorizePoolAddPass
    : qc::impl::QCVectorizePoolAddPassBase<QCVectorizePoolAddPass> {
  using QCVectorizePoolAddPassBase::QCVectorizePoolAddPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<VectorizeAdd, VectorizeGlobalAvgPool, VectorizeIntegerMaxPool>(
        &getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
