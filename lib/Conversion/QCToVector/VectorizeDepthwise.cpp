//===- VectorizeDepthwise.cpp - int8 depthwise convolution as vectors -----===//
//
// qc-vectorize-depthwise: `qc.conv2d` with one group per input channel
// (depthwise, any channel multiplier) as vector code on the NCHW storage
// bytes (docs/Microkernels.md). Each output channel is an independent 2-D
// convolution of one input plane, so the kernel keeps QC's NCHW layout and
// runs along the output rows, 16 pixels per vector<16xi32>:
//
//   * the input planes are copied once into a buffer padded with the input
//     zero point (so padding contributes (zx - zx) * w = 0), with slack on
//     the right so that every tap reads a whole vector;
//   * per tap, one load of 16 (stride 1) or 16 * s bytes (stride s, then a
//     shuffle picks every s-th byte), widened to i32 and multiplied by the
//     tap's weight, splat once per plane;
//   * the zero point is folded into the bias at compile time:
//     sum (x - zx) w + b = sum x w + (b - zx sum w), modulo 2^32 like the
//     reference's i32 accumulator;
//   * the epilogue is qc.requantize's integer formula with the channel's
//     multiplier, shift and rounding terms (docs/Numerics.md), then a masked
//     store of the 16 results into the output row.
//
// Planes are independent: with `parallel`, the (image, channel) loop is an
// scf.parallel.
//
//===----------------------------------------------------------------------===//
#include "KernelSupport.h"

#include "qc/Conversion/Passes.h"
#include "qc/Conversion/QCToLinalg/QCToLinalg.h"
#include "qc/Conversion/QuantTypeUtils.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace qc {
#define GEN_PASS_DEF_QCVECTORIZEDEPTHWISEPASS
#include "qc/Conversion/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;
using namespace qc::kernels;

namespace {

constexpr int64_t kLanes = 16; // output pixels per vector<16xi32>

/// Everything the kernel needs, computed at compile time.
struct DepthwisePlan {
  int64_t c = 0, f = 0, mult = 1, h = 0, w = 0, kh = 0, kw = 0;
  int64_t oh = 0, ow = 0, hp = 0, wpp = 0;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1, padTop = 0, padLeft = 0;
  bool inputSigned = false;
  int64_t zx = 0;
  // Per output channel: weights [f][kh][kw] as i32, folded bias, and the
  // requantization constants.
  SmallVector<int32_t> weights, bias;
  ChannelRequant requant;
  int64_t zy = 0, lo = 0, hi = 0;
  IntegerType outStorage;
};

LogicalResult planDepthwise(Conv2DOp op, DepthwisePlan &p, std::string &why) {
  llvm::raw_string_ostream os(why);
  std::string reference;
  if (failed(checkIntegerOpLowerable(op, reference))) {
    os << reference;
    return failure();
  }
  auto xType = cast<RankedTensorType>(op.getInput().getType());
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  auto yType = cast<RankedTensorType>(op.getResult().getType());
  for (int64_t d = 1; d < 4; ++d)
    if (xType.isDynamicDim(d) || yType.isDynamicDim(d)) {
      os << "dynamic channel or spatial size";
      return failure();
    }
  p.c = xType.getDimSize(1);
  p.f = wType.getDimSize(0);
  if (static_cast<int64_t>(op.getGroups()) != p.c || p.c == 1 ||
      wType.getDimSize(1) != 1) {
    os << "not a depthwise convolution (groups = " << op.getGroups() << ", "
       << p.c << " input channels)";
    return failure();
  }
  if (op.getMode() == RequantMode::float_scale) {
    os << "mode float_scale has no vector epilogue";
    return failure();
  }
  KernelOperands ops;
  std::string operandsWhy;
  if (failed(readKernelOperands(op.getInput(), op.getWeight(), op.getBias(),
                                op.getResult(), /*exactInputBits=*/true, ops,
                                operandsWhy))) {
    os << operandsWhy;
    return failure();
  }
  quant::QuantizedType xq = ops.input, wq = ops.weight, yq = ops.result;
  const SmallVector<int64_t> &wv = ops.weights;
  const std::optional<SmallVector<int64_t>> &bv = ops.bias;
  p.mult = p.f / p.c;
  p.h = xType.getDimSize(2);
  p.w = xType.getDimSize(3);
  p.kh = wType.getDimSize(2);
  p.kw = wType.getDimSize(3);
  p.oh = yType.getDimSize(2);
  p.ow = yType.getDimSize(3);
  ArrayRef<int64_t> pad = op.getPadding(), st = op.getStrides(),
                    dil = op.getDilations();
  p.sh = st[0], p.sw = st[1], p.dh = dil[0], p.dw = dil[1];
  p.padTop = pad[0], p.padLeft = pad[1];
  p.hp = p.h + pad[0] + pad[2];
  // Row length of the padded planes: the padded input, and room for the
  // last vector of the row (16 output pixels, s bytes each) at the last
  // tap, so that every load stays inside the row.
  int64_t tiles = (p.ow + kLanes - 1) / kLanes;
  p.wpp = std::max(p.w + pad[1] + pad[3],
                   tiles * kLanes * p.sw + (p.kw - 1) * p.dw);
  p.inputSigned = xq.isSigned();
  p.zx = zeroPointOf(xq);

  // Weights and the folded bias, wrapping like the reference accumulator.
  int64_t taps = p.kh * p.kw;
  for (int64_t o = 0; o < p.f; ++o) {
    uint32_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      int64_t v = wv[o * taps + t];
      p.weights.push_back(static_cast<int32_t>(v));
      sum += static_cast<uint32_t>(v);
    }
    uint32_t b = bv ? static_cast<uint32_t>((*bv)[o]) : 0u;
    b -= static_cast<uint32_t>(p.zx) * sum;
    p.bias.push_back(static_cast<int32_t>(b));
  }

  // Requantization per output channel, exactly as qc-lower-quant does it.
  if (failed(computeChannelRequant(xq, wq, yq, p.f, p.f,
                                   op.getMode() == RequantMode::double_round,
                                   p.requant, why)))
    return failure();
  std::pair<int64_t, int64_t> bounds = op.getResultStorageBounds();
  p.zy = zeroPointOf(yq);
  p.lo = std::max<int64_t>(yq.getStorageTypeMin(), bounds.first);
  p.hi = std::min<int64_t>(yq.getStorageTypeMax(), bounds.second);
  p.outStorage =
      IntegerType::get(op->getContext(), yq.getStorageTypeIntegralWidth());
  return success();
}

struct VectorizeDepthwise : OpRewritePattern<Conv2DOp> {
  VectorizeDepthwise(MLIRContext *ctx, SymbolTable &symbols, bool parallel)
      : OpRewritePattern(ctx), symbols(symbols), parallel(parallel) {}
  SymbolTable &symbols;
  bool parallel;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &b) const override {
    DepthwisePlan p;
    std::string why;
    if (failed(planDepthwise(op, p, why)))
      return b.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto yType = cast<RankedTensorType>(op.getResult().getType());
    IntegerType i8 = b.getI8Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
    auto v16i32 = VectorType::get({kLanes}, i32);
    auto v16i64 = VectorType::get({kLanes}, i64);
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(b, loc, x, y);
    };
    auto mul = [&](Value x, int64_t y) -> Value {
      return y == 1 ? x : arith::MulIOp::create(b, loc, x, idx(y)).getResult();
    };

    // Constants as private globals named after the layer.
    std::string prefix = layerSymbol("__qc_dwkernel", op);
    auto module = op->getParentOfType<ModuleOp>();
    auto global = [&](StringRef what, DenseElementsAttr data) -> Value {
      return constantGlobal(b, loc, module, symbols, prefix + "_" + what.str(),
                            data);
    };
    const ChannelRequant &rq = p.requant;
    Value gWeights = global("weights", denseOf<int32_t>(p.weights, i32));
    Value gBias = global("bias", denseOf<int32_t>(p.bias, i32));
    Value gMult = global("multiplier", denseOf<int32_t>(rq.multiplier, i32));
    Value gShift = global("shift", denseOf<int64_t>(rq.shift, i64));
    Value gPos = global("round_pos", denseOf<int64_t>(rq.roundPos, i64));
    Value gNeg = rq.signedRounding
                     ? global("round_neg", denseOf<int64_t>(rq.roundNeg, i64))
                     : Value();

    Value x = storageBuffer(b, loc, op.getInput());
    Value batch = xType.isDynamicDim(0)
                      ? memref::DimOp::create(b, loc, x, 0).getResult()
                      : idx(xType.getDimSize(0));

    // Padded planes [N][C][hp][wpp], filled with the zero point's byte 64 at
    // a time (the size rounded up to whole vectors), then the rows copied in.
    int64_t planeBytes = p.hp * p.wpp;
    Value total = mul(batch, p.c * planeBytes);
    Value rounded =
        mul(arith::DivUIOp::create(b, loc, add(total, idx(63)), idx(64)), 64);
    Value padded = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, i8),
        ValueRange{rounded}, b.getI64IntegerAttr(64));
    auto v64i8 = VectorType::get({64}, i8);
    Value zxVector = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(v64i8,
                               b.getI8IntegerAttr(static_cast<int8_t>(p.zx))));
    scf::ForOp::create(b, loc, idx(0), rounded, idx(64), ValueRange{},
                       [&](OpBuilder &fb, Location fl, Value i, ValueRange) {
                         vector::StoreOp::create(fb, fl, zxVector, padded,
                                                 ValueRange{i});
                         scf::YieldOp::create(fb, fl);
                       });
    auto rowType = VectorType::get({p.w}, i8);
    Value rows = mul(batch, p.c * p.h);
    scf::ForOp::create(
        b, loc, idx(0), rows, idx(1), ValueRange{},
        [&](OpBuilder &fb, Location fl, Value r, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(fb.getInsertionBlock(), fb.getInsertionPoint());
          // Row r = (n * C + ch) * H + y of the input.
          Value plane = arith::DivUIOp::create(b, fl, r, idx(p.h));
          Value y = arith::RemUIOp::create(b, fl, r, idx(p.h));
          Value n = arith::DivUIOp::create(b, fl, plane, idx(p.c));
          Value ch = arith::RemUIOp::create(b, fl, plane, idx(p.c));
          Value row = vector::LoadOp::create(b, fl, rowType, x,
                                             ValueRange{n, ch, y, idx(0)});
          Value at = add(
              add(mul(plane, planeBytes), mul(add(y, idx(p.padTop)), p.wpp)),
              idx(p.padLeft));
          vector::StoreOp::create(b, fl, row, padded, ValueRange{at});
          scf::YieldOp::create(fb, fl);
        });

    // The result, written through its flat view.
    SmallVector<Value> dyn;
    if (yType.isDynamicDim(0))
      dyn.push_back(batch);
    Value out = allocBuffer(b, loc, yType, p.outStorage, dyn);
    Value flat = flatten(b, loc, out);

    auto splat = [&](Type vt, TypedAttr a) -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(cast<ShapedType>(vt), a));
    };
    auto broadcastLoad = [&](Value mem, Value at, VectorType vt) -> Value {
      Value s = memref::LoadOp::create(b, loc, mem, ValueRange{at});
      return vector::BroadcastOp::create(b, loc, vt, s);
    };
    auto vOut = VectorType::get({kLanes}, p.outStorage);
    auto maskType = VectorType::get({kLanes}, b.getI1Type());
    int64_t taps = p.kh * p.kw;
    // One output plane (image n, output channel o).
    auto planeBody = [&](Value no) {
      Value n = arith::DivUIOp::create(b, loc, no, idx(p.f));
      Value o = arith::RemUIOp::create(b, loc, no, idx(p.f));
      Value inChannel =
          p.mult == 1
              ? o
              : arith::DivUIOp::create(b, loc, o, idx(p.mult)).getResult();
      Value inPlane = add(mul(n, p.c), inChannel);
      Value inBase = mul(inPlane, planeBytes);
      SmallVector<Value> w;
      for (int64_t t = 0; t < taps; ++t)
        w.push_back(broadcastLoad(gWeights, add(mul(o, taps), idx(t)), v16i32));
      Value bias = broadcastLoad(gBias, o, v16i32);
      Value mult = arith::ExtSIOp::create(b, loc, v16i64,
                                          broadcastLoad(gMult, o, v16i32));
      Value shift = broadcastLoad(gShift, o, v16i64);
      Value pos = broadcastLoad(gPos, o, v16i64);
      Value neg = rq.signedRounding ? broadcastLoad(gNeg, o, v16i64) : Value();
      Value outBase = mul(no, p.oh * p.ow);
      int64_t tiles = (p.ow + kLanes - 1) / kLanes;
      scf::ForOp::create(
          b, loc, idx(0), idx(p.oh * tiles), idx(1), ValueRange{},
          [&](OpBuilder &fb, Location, Value t, ValueRange) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(fb.getInsertionBlock(), fb.getInsertionPoint());
            Value oy = arith::DivUIOp::create(b, loc, t, idx(tiles));
            Value ox =
                mul(arith::RemUIOp::create(b, loc, t, idx(tiles)), kLanes);
            Value acc = bias;
            auto wide = VectorType::get({kLanes * p.sw}, i8);
            auto v16i8 = VectorType::get({kLanes}, i8);
            SmallVector<int64_t> pick;
            for (int64_t l = 0; l < kLanes; ++l)
              pick.push_back(l * p.sw);
            for (int64_t i = 0; i < p.kh; ++i) {
              Value rowAt =
                  add(inBase, mul(add(mul(oy, p.sh), idx(i * p.dh)), p.wpp));
              for (int64_t j = 0; j < p.kw; ++j) {
                Value at = add(rowAt, add(mul(ox, p.sw), idx(j * p.dw)));
                Value bytes;
                if (p.sw == 1) {
                  bytes = vector::LoadOp::create(b, loc, v16i8, padded,
                                                 ValueRange{at});
                } else {
                  Value all = vector::LoadOp::create(b, loc, wide, padded,
                                                     ValueRange{at});
                  bytes = vector::ShuffleOp::create(b, loc, all, all, pick);
                }
                Value xi = p.inputSigned
                               ? arith::ExtSIOp::create(b, loc, v16i32, bytes)
                                     .getResult()
                               : arith::ExtUIOp::create(b, loc, v16i32, bytes)
                                     .getResult();
                acc = add(acc,
                          arith::MulIOp::create(b, loc, xi, w[i * p.kw + j]));
              }
            }
            // qc.requantize's integer formula, in i64 lanes.
            Value d = arith::ExtSIOp::create(b, loc, v16i64, acc);
            Value prod = arith::MulIOp::create(b, loc, d, mult);
            Value term = pos;
            if (rq.signedRounding) {
              Value nonNeg =
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d,
                                        splat(v16i64, b.getI64IntegerAttr(0)));
              term = arith::SelectOp::create(b, loc, nonNeg, pos, neg);
            }
            Value r = arith::ShRSIOp::create(
                b, loc, arith::AddIOp::create(b, loc, prod, term), shift);
            if (p.zy != 0)
              r = add(r, splat(v16i64, b.getI64IntegerAttr(p.zy)));
            r = arith::MaxSIOp::create(
                b, loc, r, splat(v16i64, b.getI64IntegerAttr(p.lo)));
            r = arith::MinSIOp::create(
                b, loc, r, splat(v16i64, b.getI64IntegerAttr(p.hi)));
            Value y = arith::TruncIOp::create(b, loc, vOut, r);
            Value left = arith::SubIOp::create(b, loc, idx(p.ow), ox);
            Value mask = vector::CreateMaskOp::create(b, loc, maskType,
                                                      ValueRange{left});
            Value at = add(outBase, add(mul(oy, p.ow), ox));
            vector::MaskedStoreOp::create(b, loc, flat, ValueRange{at}, mask,
                                          y);
            scf::YieldOp::create(fb, loc);
          });
    };
    Value planes = mul(batch, p.f);
    if (parallel) {
      scf::ParallelOp::create(
          b, loc, ValueRange{idx(0)}, ValueRange{planes}, ValueRange{idx(1)},
          [&](OpBuilder &pb, Location, ValueRange ivs) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(pb.getInsertionBlock(), pb.getInsertionPoint());
            planeBody(ivs[0]);
          });
    } else {
      scf::ForOp::create(b, loc, idx(0), planes, idx(1), ValueRange{},
                         [&](OpBuilder &fb, Location fl, Value i, ValueRange) {
                           OpBuilder::InsertionGuard guard(b);
                           b.setInsertionPoint(fb.getInsertionBlock(),
                                               fb.getInsertionPoint());
                           planeBody(i);
                           scf::YieldOp::create(b, fl);
                         });
    }

    b.replaceOp(op, resultTensor(b, loc, out, yType));
    return success();
  }
};

struct QCVectorizeDepthwisePass
    : qc::impl::QCVectorizeDepthwisePassBase<QCVectorizeDepthwisePass> {
  using QCVectorizeDepthwisePassBase::QCVectorizeDepthwisePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    RewritePatternSet patterns(&getContext());
    patterns.add<VectorizeDepthwise>(&getContext(), symbols, parallel);
    walkAndApplyPatterns(module, std::move(patterns));
  }
};

} // namespace
