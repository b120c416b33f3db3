//===- OpsNN.cpp - Convolution, pooling, matmul and normalization ops -----===//
//
// Conv becomes linalg.conv_{1d,2d,3d}_nc*_fc* (groups: conv_2d_ngchw_gfchw,
// depthwise: depthwise_conv_*_nc*_c*), pools become linalg.pooling_* (NCHW;
// 3-D pools go through NDHWC), Gemm/MatMul become linalg.matmul /
// linalg.batch_matmul. Padding is an explicit tensor.pad, biases are a
// separate broadcast-add linalg.generic. Normalizations and softmax are
// reduction + elementwise linalg.generic ops.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace qc::onnx_import;

static DenseIntElementsAttr i64Elements(OpBuilder &b,
                                        llvm::ArrayRef<int64_t> v) {
  return DenseIntElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(v.size())},
                            b.getI64Type()),
      v);
}

static int64_t ceilDiv(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}
static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

namespace {
/// Spatial window parameters shared by Conv and the pools.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd, out;
};
} // namespace

/// Reads strides/dilations/pads/auto_pad and computes the output sizes.
static LogicalResult computeWindow(Importer &imp,
                                   llvm::ArrayRef<int64_t> inSpatial,
                                   llvm::ArrayRef<int64_t> kernel, bool ceilMode,
                                   Window &w) {
  size_t n = inSpatial.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  auto strides = imp.attrInts("strides");
  auto dilations = imp.attrInts("dilations");
  auto pads = imp.attrInts("pads");
  auto autoPad = imp.attrString("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  w.strides = strides->value_or(SmallVector<int64_t>(n, 1));
  w.dilations = dilations->value_or(SmallVector<int64_t>(n, 1));
  SmallVector<int64_t> p = pads->value_or(SmallVector<int64_t>(2 * n, 0));
  if (w.strides.size() != n || w.dilations.size() != n || p.size() != 2 * n)
    return imp.fail("strides/dilations/pads must have " + llvm::Twine(n) + ", " +
                    llvm::Twine(n) + " and " + llvm::Twine(2 * n) +
                    " entries for " + llvm::Twine(n) + " spatial dims");
  for (size_t i = 0; i < n; ++i) {
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || kernel[i] <= 0)
      return imp.fail("kernel sizes, strides and dilations must be positive");
    if (p[i] < 0 || p[n + i] < 0)
      return imp.fail("negative pads are not supported");
  }
  llvm::StringRef ap = *autoPad;
  w.padBegin.assign(n, 0);
  w.padEnd.assign(n, 0);
  w.out.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inSpatial[i], s = w.strides[i];
    int64_t dk = (kernel[i] - 1) * w.dilations[i] + 1;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      int64_t out = ceilDiv(in, s);
      int64_t total = std::max<int64_t>(0, (out - 1) * s + dk - in);
      int64_t small = total / 2;
      w.padBegin[i] = ap == "SAME_UPPER" ? small : total - small;
      w.padEnd[i] = total - w.padBegin[i];
      w.out[i] = out;
    } else if (ap == "VALID") {
      w.out[i] = floorDiv(in - dk, s) + 1;
    } else if (ap == "NOTSET" || ap.empty()) {
      w.padBegin[i] = p[i];
      w.padEnd[i] = p[n + i];
      int64_t span = in + p[i] + p[n + i] - dk;
      int64_t out = (ceilMode ? ceilDiv(span, s) : floorDiv(span, s)) + 1;
      // A window may not start inside the end padding (PyTorch/ONNX Runtime).
      if (ceilMode && (out - 1) * s >= in + p[i])
        --out;
      w.out[i] = out;
    } else {
      return imp.fail("unknown auto_pad value '" + ap + "'");
    }
    if (w.out[i] <= 0)
      return imp.fail("inconsistent shapes: window of extent " + llvm::Twine(dk) +
                      " does not fit spatial size " + llvm::Twine(in) +
                      " (with padding " + llvm::Twine(w.padBegin[i]) + "+" +
                      llvm::Twine(w.padEnd[i]) + ")");
  }
  return success();
}

/// Reshapes a channel vector [C] to [C, 1, ..., 1] (rank r-1) so that it
/// broadcasts against an N x C x ... tensor of rank r.
static TensorValue channelView(Importer &imp, TensorValue &p, int64_t rank) {
  Shape s = {p.shape[0]};
  s.append(rank - 2, 1);
  if (p.isConst()) {
    TensorValue t = imp.known(foldReshape(*p.cst, s));
    t.name = p.name;
    t.loc = p.loc;
    return t;
  }
  return imp.result(imp.reshapeValue(imp.valueOf(p), p.shape, s, p.dtype),
                    p.dtype, s);
}

LogicalResult Importer::importConv() {
  auto xr = required(0);
  auto wr = required(1);
  if (failed(xr) || failed(wr))
    return failure();
  TensorValue &X = **xr, &W = **wr;
  TensorValue *B = input(2);
  int dt = X.dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  if (W.dtype != dt || (B && B->dtype != dt))
    return fail("inconsistent element types");
  int64_t r = X.rank();
  if (r < 3 || r > 5)
    return fail("input must have 1 to 3 spatial dims, got shape " +
                shapeToString(X.shape));
  if (W.rank() != r)
    return fail("inconsistent shapes: input " + shapeToString(X.shape) +
                " and weight " + shapeToString(W.shape) + " differ in rank");
  int64_t ns = r - 2;
  for (int64_t d = 1; d < r; ++d)
    if (isSymDim(X.shape[d]))
      return fail("only the batch dimension may be dynamic, got input " +
                  shapeToString(X.shape));
  if (numElements(W.shape) < 0)
    return fail("weight shape must be static");
  auto group = attrInt("group", 1);
  auto ks = attrInts("kernel_shape");
  if (failed(group) || failed(ks))
    return failure();
  int64_t G = *group, C = X.shape[1], M = W.shape[0], Cg = W.shape[1];
  SmallVector<int64_t> kernel(W.shape.begin() + 2, W.shape.end());
  if (*ks && llvm::ArrayRef<int64_t>(**ks) != llvm::ArrayRef<int64_t>(kernel))
    return fail("inconsistent shapes: kernel_shape does not match weight " +
                shapeToString(W.shape));
  if (G <= 0 || C != Cg * G || M % G != 0)
    return fail("inconsistent shapes: input has " + llvm::Twine(C) +
                " channels but weight " + shapeToString(W.shape) +
                " with group " + llvm::Twine(G) + " expects " +
                llvm::Twine(Cg * G));
  if (B && (B->rank() != 1 || B->shape[0] != M))
    return fail("inconsistent shapes: bias " + shapeToString(B->shape) +
                " does not match " + llvm::Twine(M) + " output channels");
  Window w;
  if (failed(computeWindow(*this, llvm::ArrayRef<int64_t>(X.shape).drop_front(2),
                           kernel, false, w)))
    return failure();

  Value x = valueOf(X);
  SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
  lo.append(w.padBegin);
  hi.append(w.padEnd);
  Shape padded = {X.shape[0], C};
  for (int64_t i = 0; i < ns; ++i)
    padded.push_back(X.shape[2 + i] + w.padBegin[i] + w.padEnd[i]);
  x = padValue(x, X.shape, lo, hi, dt, 0.0);

  Shape outShape = {X.shape[0], M};
  outShape.append(w.out.begin(), w.out.end());
  Value init = filled(outShape, dt, 0.0);
  Type outTy = init.getType();
  DenseIntElementsAttr st = i64Elements(b, w.strides);
  DenseIntElementsAttr dl = i64Elements(b, w.dilations);

  // The weight, reshaped for the named op (folded when it is a constant).
  auto weightAs = [&](llvm::ArrayRef<int64_t> shape) -> Value {
    if (W.isConst()) {
      TensorValue t = known(foldReshape(*W.cst, shape));
      t.name = W.name;
      t.loc = W.loc;
      return valueOf(t);
    }
    return reshapeValue(valueOf(W), W.shape, shape, dt);
  };

  Value y;
  if (G == 1) {
    Value wv = valueOf(W);
    if (ns == 1)
      y = linalg::Conv1DNcwFcwOp::create(b, loc, TypeRange{outTy},
                                         ValueRange{x, wv}, ValueRange{init},
                                         st, dl)
              .getResult(0);
    else if (ns == 2)
      y = linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{outTy},
                                           ValueRange{x, wv}, ValueRange{init},
                                           st, dl)
              .getResult(0);
    else
      y = linalg::Conv3DNcdhwFcdhwOp::create(b, loc, TypeRange{outTy},
                                             ValueRange{x, wv},
                                             ValueRange{init}, st, dl)
              .getResult(0);
  } else if (G == C && M == C) {
    // Depthwise, channel multiplier 1: weight [C, 1, k...] -> [C, k...].
    Shape ws = {C};
    ws.append(kernel.begin(), kernel.end());
    Value wv = weightAs(ws);
    if (ns == 1)
      y = linalg::DepthwiseConv1DNcwCwOp::create(b, loc, TypeRange{outTy},
                                                 ValueRange{x, wv},
                                                 ValueRange{init}, st, dl)
              .getResult(0);
    else if (ns == 2)
      y = linalg::DepthwiseConv2DNchwChwOp::create(b, loc, TypeRange{outTy},
                                                   ValueRange{x, wv},
                                                   ValueRange{init}, st, dl)
              .getResult(0);
    else
      y = linalg::DepthwiseConv3DNcdhwCdhwOp::create(b, loc, TypeRange{outTy},
                                                     ValueRange{x, wv},
                                                     ValueRange{init}, st, dl)
              .getResult(0);
  } else if (ns == 2) {
    // Grouped: N x G x C/G x H x W with weight G x M/G x C/G x kh x kw.
    Shape xg = {padded[0], G, C / G, padded[2], padded[3]};
    Value xv = reshapeValue(x, padded, xg, dt);
    Value wv = weightAs({G, M / G, Cg, kernel[0], kernel[1]});
    Shape og = {outShape[0], G, M / G, outShape[2], outShape[3]};
    Value ginit = filled(og, dt, 0.0);
    Value yg = linalg::Conv2DNgchwGfchwOp::create(
                   b, loc, TypeRange{ginit.getType()}, ValueRange{xv, wv},
                   ValueRange{ginit}, st, dl)
                   .getResult(0);
    y = reshapeValue(yg, og, outShape, dt);
  } else {
    return fail("grouped convolution (group " + llvm::Twine(G) + ") with " +
                llvm::Twine(ns) + " spatial dims is not supported");
  }

  TensorValue out = result(y, dt, outShape);
  if (B) {
    TensorValue bias = channelView(*this, *B, r);
    TensorValue *ins[] = {&out, &bias};
    auto sum = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                        ArrayRef<Value> v) -> Value {
      return arith::AddFOp::create(ob, l, v[0], v[1]);
    });
    if (failed(sum))
      return failure();
    return setOutput(0, *sum);
  }
  return setOutput(0, out);
}

LogicalResult Importer::importPool() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  bool isMax = node->op_type() == "MaxPool";
  int dt = X.dtype;
  if (dt == DT_BOOL || (!isFloatDType(dt) && !isMax))
    return fail("unsupported element type " + dtypeName(dt));
  bool unsignedMax = isMax && isUnsignedDType(dt);
  int64_t r = X.rank();
  if (r < 3 || r > 5)
    return fail("input must have 1 to 3 spatial dims, got shape " +
                shapeToString(X.shape));
  int64_t ns = r - 2;
  for (int64_t d = 1; d < r; ++d)
    if (isSymDim(X.shape[d]))
      return fail("only the batch dimension may be dynamic, got input " +
                  shapeToString(X.shape));
  auto ks = attrInts("kernel_shape");
  auto ceil = attrInt("ceil_mode", 0);
  auto cip = attrInt("count_include_pad", 0);
  if (failed(ks) || failed(ceil) || failed(cip))
    return failure();
  if (!*ks || static_cast<int64_t>((*ks)->size()) != ns)
    return fail("kernel_shape must be given with " + llvm::Twine(ns) +
                " entries");
  Window w;
  auto spatial = llvm::ArrayRef<int64_t>(X.shape).drop_front(2);
  if (failed(computeWindow(*this, spatial, **ks, *ceil != 0, w)))
    return failure();

  // Extra end padding so that ceil-mode windows stay in bounds.
  SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
  Shape padded = {X.shape[0], X.shape[1]};
  for (int64_t i = 0; i < ns; ++i) {
    int64_t dk = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t need = (w.out[i] - 1) * w.strides[i] + dk;
    int64_t extra =
        std::max<int64_t>(0, need - (spatial[i] + w.padBegin[i] + w.padEnd[i]));
    lo.push_back(w.padBegin[i]);
    hi.push_back(w.padEnd[i] + extra);
    padded.push_back(spatial[i] + lo.back() + hi.back());
  }
  Scalar init = isMax ? lowest(dt) : Scalar{dt, 0.0, 0};
  double padWith = !isMax ? 0.0
                   : isFloatDType(dt) ? init.f
                                      : static_cast<double>(init.i);
  Value x = padValue(valueOf(X), X.shape, lo, hi, dt, padWith);

  Shape outShape = {X.shape[0], X.shape[1]};
  outShape.append(w.out.begin(), w.out.end());
  DenseIntElementsAttr st = i64Elements(b, w.strides);
  DenseIntElementsAttr dl = i64Elements(b, w.dilations);

  if (isMax && hasOutput(1)) {
    // Values and Indices together: one linalg.generic over (n, c, out...,
    // window...) that keeps the first maximum and its flattened input index.
    auto order = attrInt("storage_order", 0);
    if (failed(order))
      return failure();
    if (!isFloatDType(dt))
      return fail("the Indices output needs a floating-point input");
    unsigned rank = 2 + 2 * ns;
    SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                       getAffineDimExpr(1, ctx)};
    SmallVector<AffineExpr> outExprs(inExprs);
    for (int64_t i = 0; i < ns; ++i) {
      inExprs.push_back(getAffineDimExpr(2 + i, ctx) * w.strides[i] +
                        getAffineDimExpr(2 + ns + i, ctx) * w.dilations[i]);
      outExprs.push_back(getAffineDimExpr(2 + i, ctx));
    }
    AffineMap inMap = AffineMap::get(rank, 0, inExprs, ctx);
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    // A window-shaped operand (as the named pooling ops have) bounds the
    // window loops.
    SmallVector<AffineExpr> winExprs;
    for (int64_t i = 0; i < ns; ++i)
      winExprs.push_back(getAffineDimExpr(2 + ns + i, ctx));
    AffineMap winMap = AffineMap::get(rank, 0, winExprs, ctx);
    Value win = tensor::EmptyOp::create(b, loc, w.kernel, elemType(dt));
    SmallVector<utils::IteratorType> iters(2 + ns, utils::IteratorType::parallel);
    iters.append(ns, utils::IteratorType::reduction);
    Value vInit = filled(outShape, init);
    Value iInit = filled(outShape, DT_INT64, 0.0);
    int64_t C = X.shape[1];
    bool colMajor = *order != 0;
    auto op = linalg::GenericOp::create(
        b, loc, TypeRange{vInit.getType(), iInit.getType()}, ValueRange{x, win},
        ValueRange{vInit, iInit},
        ArrayRef<AffineMap>{inMap, winMap, outMap, outMap},
        iters, [&](OpBuilder &ob, Location l, ValueRange a) {
          auto cidx = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(ob, l, v);
          };
          auto idx = [&](int64_t d) -> Value {
            return linalg::IndexOp::create(ob, l, d);
          };
          SmallVector<Value> pos;
          for (int64_t i = 0; i < ns; ++i) {
            Value p = arith::AddIOp::create(
                ob, l, arith::MulIOp::create(ob, l, idx(2 + i), cidx(w.strides[i])),
                arith::MulIOp::create(ob, l, idx(2 + ns + i),
                                      cidx(w.dilations[i])));
            pos.push_back(arith::SubIOp::create(ob, l, p, cidx(w.padBegin[i])));
          }
          Value flat = arith::AddIOp::create(
              ob, l, arith::MulIOp::create(ob, l, idx(0), cidx(C)), idx(1));
          for (int64_t k = 0; k < ns; ++k) {
            int64_t i = colMajor ? ns - 1 - k : k;
            flat = arith::AddIOp::create(
                ob, l, arith::MulIOp::create(ob, l, flat, cidx(spatial[i])),
                pos[i]);
          }
          Value fi = arith::IndexCastOp::create(ob, l, ob.getI64Type(), flat);
          Value gt = arith::CmpFOp::create(ob, l, arith::CmpFPredicate::OGT,
                                           a[0], a[2]);
          Value nv = arith::SelectOp::create(ob, l, gt, a[0], a[2]);
          Value ni = arith::SelectOp::create(ob, l, gt, fi, a[3]);
          linalg::YieldOp::create(ob, l, ValueRange{nv, ni});
        });
    if (failed(setOutput(0, result(op.getResult(0), dt, outShape))))
      return failure();
    return setOutput(1, result(op.getResult(1), DT_INT64, outShape));
  }

  Value window = tensor::EmptyOp::create(b, loc, w.kernel, elemType(dt));
  Value y;
  if (unsignedMax && ns == 3)
    return fail("3-D max pooling of unsigned integers is not supported");
  if (unsignedMax) {
    // Unsigned max pools exist only channels-last: transpose around them.
    SmallVector<int64_t> toLast = ns == 2 ? SmallVector<int64_t>{0, 2, 3, 1}
                                          : SmallVector<int64_t>{0, 2, 1};
    SmallVector<int64_t> toFirst = ns == 2 ? SmallVector<int64_t>{0, 3, 1, 2}
                                           : SmallVector<int64_t>{0, 2, 1};
    Value xt = transposeValue(x, padded, toLast, dt);
    Shape ot;
    for (int64_t p : toLast)
      ot.push_back(outShape[p]);
    Value o = filled(ot, init);
    SmallVector<Type> rt = {o.getType()};
    SmallVector<Value> ins = {xt, window}, outs = {o};
    Value yt = ns == 2 ? linalg::PoolingNhwcMaxUnsignedOp::create(b, loc, rt, ins,
                                                                  outs, st, dl)
                             .getResult(0)
                       : linalg::PoolingNwcMaxUnsignedOp::create(b, loc, rt, ins,
                                                                 outs, st, dl)
                             .getResult(0);
    y = transposeValue(yt, ot, toFirst, dt);
  } else if (ns == 3) {
    // Only NDHWC 3-D pools exist: transpose around them.
    SmallVector<int64_t> toLast = {0, 2, 3, 4, 1}, toFirst = {0, 4, 1, 2, 3};
    Value xt = transposeValue(x, padded, toLast, dt);
    Shape ot = {outShape[0], outShape[2], outShape[3], outShape[4], outShape[1]};
    Value o = filled(ot, init);
    Value yt = isMax ? linalg::PoolingNdhwcMaxOp::create(
                           b, loc, TypeRange{o.getType()},
                           ValueRange{xt, window}, ValueRange{o}, st, dl)
                           .getResult(0)
                     : linalg::PoolingNdhwcSumOp::create(
                           b, loc, TypeRange{o.getType()},
                           ValueRange{xt, window}, ValueRange{o}, st, dl)
                           .getResult(0);
    y = transposeValue(yt, ot, toFirst, dt);
  } else {
    Value o = filled(outShape, init);
    SmallVector<Type> rt = {o.getType()};
    SmallVector<Value> ins = {x, window}, outs = {o};
    if (ns == 2)
      y = isMax ? linalg::PoolingNchwMaxOp::create(b, loc, rt, ins, outs, st, dl)
                      .getResult(0)
                : linalg::PoolingNchwSumOp::create(b, loc, rt, ins, outs, st, dl)
                      .getResult(0);
    else
      y = isMax ? linalg::PoolingNcwMaxOp::create(b, loc, rt, ins, outs, st, dl)
                      .getResult(0)
                : linalg::PoolingNcwSumOp::create(b, loc, rt, ins, outs, st, dl)
                      .getResult(0);
  }
  TensorValue sum = result(y, dt, outShape);
  if (isMax)
    return setOutput(0, sum);

  // Average: divide by the number of counted window positions, per output
  // position (padding is counted only with count_include_pad; the ceil-mode
  // extension never is).
  SmallVector<SmallVector<int64_t>> counts(ns);
  bool uniform = true;
  for (int64_t i = 0; i < ns; ++i) {
    int64_t lower = *cip ? -w.padBegin[i] : 0;
    int64_t upper = spatial[i] + (*cip ? w.padEnd[i] : 0);
    for (int64_t o = 0; o < w.out[i]; ++o) {
      int64_t c = 0;
      for (int64_t k = 0; k < w.kernel[i]; ++k) {
        int64_t pos = o * w.strides[i] - w.padBegin[i] + k * w.dilations[i];
        c += pos >= lower && pos < upper;
      }
      counts[i].push_back(std::max<int64_t>(c, 1));
      uniform &= counts[i].back() == counts[i].front();
    }
  }
  TensorValue divisor;
  if (uniform) {
    auto c = ConstData::create(dt, {});
    double v = 1;
    for (auto &cs : counts)
      v *= static_cast<double>(cs.front());
    c->setF(0, v);
    divisor = known(c);
  } else {
    auto c = ConstData::create(dt, w.out);
    int64_t total = c->numel();
    for (int64_t k = 0; k < total; ++k) {
      int64_t rem = k;
      double v = 1;
      for (int64_t i = ns - 1; i >= 0; --i) {
        v *= static_cast<double>(counts[i][rem % w.out[i]]);
        rem /= w.out[i];
      }
      c->setF(k, v);
    }
    divisor = known(c);
    divisor.name = nodeName + "_divisor";
  }
  TensorValue *ins[] = {&sum, &divisor};
  auto avg = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
    return arith::DivFOp::create(ob, l, v[0], v[1]);
  });
  if (failed(avg))
    return failure();
  return setOutput(0, *avg);
}

LogicalResult Importer::importGlobalPool() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  bool isMax = node->op_type() == "GlobalMaxPool";
  int dt = X.dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  int64_t r = X.rank();
  if (r < 3)
    return fail("input must have spatial dims, got shape " +
                shapeToString(X.shape));
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (int64_t d = 2; d < r; ++d) {
    if (isSymDim(X.shape[d]))
      return fail("spatial dims must be static, got input " +
                  shapeToString(X.shape));
    dims.push_back(d);
    count *= X.shape[d];
  }
  Shape outShape = {X.shape[0], X.shape[1]};
  outShape.append(r - 2, 1);
  Scalar init = isMax ? lowest(dt) : Scalar{dt, 0.0, 0};
  Value y;
  if (r == 4) {
    Value o = filled(outShape, init);
    Value window =
        tensor::EmptyOp::create(b, loc, {X.shape[2], X.shape[3]}, elemType(dt));
    DenseIntElementsAttr ones = i64Elements(b, {1, 1});
    SmallVector<Type> rt = {o.getType()};
    SmallVector<Value> ins = {valueOf(X), window}, outs = {o};
    y = isMax ? linalg::PoolingNchwMaxOp::create(b, loc, rt, ins, outs, ones, ones)
                    .getResult(0)
              : linalg::PoolingNchwSumOp::create(b, loc, rt, ins, outs, ones, ones)
                    .getResult(0);
  } else {
    Value red = reduce(valueOf(X), X.shape, dt, dims, init,
                       [&](OpBuilder &ob, Location l, Value e, Value acc) {
                         return isMax ? max(ob, l, dt, e, acc)
                                      : add(ob, l, dt, e, acc);
                       });
    y = reshapeValue(red, {X.shape[0], X.shape[1]}, outShape, dt);
  }
  TensorValue sum = result(y, dt, outShape);
  if (isMax)
    return setOutput(0, sum);
  auto c = ConstData::create(dt, {});
  c->setF(0, static_cast<double>(count));
  TensorValue divisor = known(c);
  TensorValue *ins[] = {&sum, &divisor};
  auto avg = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
    return arith::DivFOp::create(ob, l, v[0], v[1]);
  });
  if (failed(avg))
    return failure();
  return setOutput(0, *avg);
}

Value Importer::matmul2D(Value a, Value bm, int64_t m, int64_t n, int dtype) {
  Value init = filled({m, n}, dtype, 0.0);
  return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{a, bm}, ValueRange{init})
      .getResult(0);
}

LogicalResult Importer::importGemm() {
  auto ar = required(0);
  auto br = required(1);
  if (failed(ar) || failed(br))
    return failure();
  TensorValue &A = **ar, &B = **br;
  TensorValue *C = input(2);
  auto transA = attrInt("transA", 0);
  auto transB = attrInt("transB", 0);
  auto alpha = attrFloat("alpha", 1.0f);
  auto beta = attrFloat("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  int dt = A.dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  if (B.dtype != dt || (C && C->dtype != dt))
    return fail("inconsistent element types");
  if (A.rank() != 2 || B.rank() != 2)
    return fail("inconsistent shapes: A " + shapeToString(A.shape) + " and B " +
                shapeToString(B.shape) + " must be 2-D");

  // Operands in [M,K] x [K,N] form; transposes of constants are folded.
  auto oriented = [&](TensorValue &t, bool trans) -> TensorValue {
    if (!trans)
      return t;
    Shape s = {t.shape[1], t.shape[0]};
    if (t.isConst()) {
      TensorValue r = known(foldTranspose(*t.cst, {1, 0}));
      r.name = t.name;
      r.loc = t.loc;
      return r;
    }
    return result(transposeValue(valueOf(t), t.shape, {1, 0}, dt), dt, s);
  };
  TensorValue a = oriented(A, *transA != 0);
  TensorValue bt = oriented(B, *transB != 0);
  int64_t M = a.shape[0], K = a.shape[1], K2 = bt.shape[0], N = bt.shape[1];
  if (K != K2 || isSymDim(K) || isSymDim(N))
    return fail("inconsistent shapes: A " + shapeToString(A.shape) +
                (*transA ? " (transposed)" : "") + " and B " +
                shapeToString(B.shape) + (*transB ? " (transposed)" : "") +
                " do not multiply");
  double al = *alpha, be = *beta;
  auto scaleConst = [&](TensorValue &t, double s) {
    auto sc = ConstData::create(t.dtype, {});
    sc->setF(0, s);
    const ConstData *xs[] = {t.cst.get(), sc.get()};
    TensorValue r = known(foldElementwise(
        xs, t.shape, t.dtype, true,
        [&](llvm::ArrayRef<double> v) {
          return t.dtype == DT_FLOAT
                     ? static_cast<double>(static_cast<float>(v[0]) *
                                           static_cast<float>(v[1]))
                     : v[0] * v[1];
        },
        nullptr));
    r.name = t.name;
    r.loc = t.loc;
    return r;
  };
  bool alphaDone = al == 1.0;
  if (!alphaDone && bt.isConst()) {
    bt = scaleConst(bt, al);
    alphaDone = true;
  } else if (!alphaDone && a.isConst()) {
    a = scaleConst(a, al);
    alphaDone = true;
  }
  Value av = valueOf(a), bv = valueOf(bt);
  TensorValue y = result(matmul2D(av, bv, M, N, dt), dt, {M, N});
  if (!alphaDone) {
    TensorValue s = known([&] {
      auto c = ConstData::create(dt, {});
      c->setF(0, al);
      return c;
    }());
    TensorValue *ins[] = {&y, &s};
    auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
      return arith::MulFOp::create(ob, l, v[0], v[1]);
    });
    if (failed(r))
      return failure();
    y = *r;
  }
  if (C && be != 0.0) {
    Shape target = {M, N};
    auto bs = broadcastShapes({target, C->shape});
    if (failed(bs))
      return failure();
    if (*bs != target)
      return fail("inconsistent shapes: C " + shapeToString(C->shape) +
                  " does not broadcast to " + shapeToString(target));
    TensorValue c = *C;
    SmallVector<TensorValue *> ins = {&y, &c};
    TensorValue s;
    if (be != 1.0) {
      if (c.isConst()) {
        c = scaleConst(c, be);
      } else {
        auto sc = ConstData::create(dt, {});
        sc->setF(0, be);
        s = known(sc);
        ins.push_back(&s);
      }
    }
    auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
      Value bias = v.size() == 3 ? arith::MulFOp::create(ob, l, v[1], v[2])
                                 : v[1];
      return arith::AddFOp::create(ob, l, v[0], bias);
    });
    if (failed(r))
      return failure();
    y = *r;
  }
  return setOutput(0, y);
}

LogicalResult Importer::importMatMul() {
  auto ar = required(0);
  auto br = required(1);
  if (failed(ar) || failed(br))
    return failure();
  TensorValue &A = **ar, &B = **br;
  int dt = A.dtype;
  if (B.dtype != dt)
    return fail("inconsistent element types");
  if (dt == DT_BOOL)
    return fail("unsupported element type bool");
  if (A.rank() < 1 || B.rank() < 1)
    return fail("inconsistent shapes: operands must have rank >= 1");
  bool aVec = A.rank() == 1, bVec = B.rank() == 1;
  Shape as = A.shape, bs = B.shape;
  Value av = valueOf(A), bv = valueOf(B);
  if (aVec) {
    as = {1, A.shape[0]};
    av = reshapeValue(av, A.shape, as, dt);
  }
  if (bVec) {
    bs = {B.shape[0], 1};
    bv = reshapeValue(bv, B.shape, bs, dt);
  }
  int64_t ra = as.size(), rb = bs.size();
  int64_t M = as[ra - 2], K = as[ra - 1], K2 = bs[rb - 2], N = bs[rb - 1];
  if (K != K2)
    return fail("inconsistent shapes: " + shapeToString(A.shape) + " x " +
                shapeToString(B.shape) + " (inner dimensions differ)");
  if (isSymDim(N) || isSymDim(K))
    return fail("dynamic inner/column dimensions are not supported: " +
                shapeToString(A.shape) + " x " + shapeToString(B.shape));
  Shape batchA(as.begin(), as.end() - 2), batchB(bs.begin(), bs.end() - 2);
  auto batch = broadcastShapes({batchA, batchB});
  if (failed(batch))
    return failure();
  Shape outShape(*batch);
  outShape.push_back(M);
  outShape.push_back(N);

  Value y;
  if (rb == 2) {
    // [batch..., M, K] x [K, N]: fold the batch into the rows.
    if (ra == 2) {
      y = matmul2D(av, bv, M, N, dt);
    } else {
      SmallVector<ReassociationIndices> assoc(2);
      for (int64_t d = 0; d < ra - 1; ++d)
        assoc[0].push_back(d);
      assoc[1].push_back(ra - 1);
      Value a2 = tensor::CollapseShapeOp::create(b, loc, av, assoc);
      OpFoldResult rows = tensor::getMixedSize(b, loc, a2, 0);
      Value empty = tensor::EmptyOp::create(
          b, loc, ArrayRef<OpFoldResult>{rows, b.getIndexAttr(N)}, elemType(dt));
      Value zero = scalarConst(b, loc, dt, 0.0);
      Value init =
          linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
              .getResult(0);
      Value y2 = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                          ValueRange{a2, bv}, ValueRange{init})
                     .getResult(0);
      y = tensor::ExpandShapeOp::create(b, loc, tensorType(outShape, dt), y2,
                                        assoc, mixedSizes(outShape));
    }
  } else {
    // Batched: broadcast both operands to the full batch, collapse the batch
    // dims into one and use linalg.batch_matmul.
    auto expandTo = [&](Value v, const Shape &s, int64_t rows,
                        int64_t cols) -> Value {
      Shape full(*batch);
      full.push_back(rows);
      full.push_back(cols);
      if (s == full)
        return v;
      Shape aligned(full.size() - s.size(), 1);
      aligned.append(s.begin(), s.end());
      Value r = reshapeValue(v, s, aligned, dt);
      return genericOp({r}, {broadcastMap(aligned, full)}, full, dt,
                       [](OpBuilder &, Location, ArrayRef<Value> a) {
                         return a[0];
                       });
    };
    Value a3 = expandTo(av, as, M, K), b3 = expandTo(bv, bs, K, N);
    int64_t nb = batch->size();
    SmallVector<ReassociationIndices> assoc(3);
    for (int64_t d = 0; d < nb; ++d)
      assoc[0].push_back(d);
    assoc[1].push_back(nb);
    assoc[2].push_back(nb + 1);
    if (nb != 1) {
      a3 = tensor::CollapseShapeOp::create(b, loc, a3, assoc);
      b3 = tensor::CollapseShapeOp::create(b, loc, b3, assoc);
    }
    OpFoldResult nbat = tensor::getMixedSize(b, loc, a3, 0);
    Value empty = tensor::EmptyOp::create(
        b, loc,
        ArrayRef<OpFoldResult>{nbat, b.getIndexAttr(M), b.getIndexAttr(N)},
        elemType(dt));
    if (isSymDim(M))
      return fail("dynamic row dimension in a batched MatMul is not supported");
    Value zero = scalarConst(b, loc, dt, 0.0);
    Value init =
        linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
            .getResult(0);
    Value y3 = linalg::BatchMatmulOp::create(b, loc, TypeRange{init.getType()},
                                             ValueRange{a3, b3}, ValueRange{init})
                   .getResult(0);
    y = nb != 1 ? tensor::ExpandShapeOp::create(b, loc, tensorType(outShape, dt),
                                                y3, assoc, mixedSizes(outShape))
                      .getResult()
                : y3;
  }
  Shape finalShape(*batch);
  if (!aVec)
    finalShape.push_back(M);
  if (!bVec)
    finalShape.push_back(N);
  y = reshapeValue(y, outShape, finalShape, dt);
  return setOutput(0, result(y, dt, finalShape));
}

LogicalResult Importer::importSoftmax() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  bool isLog = node->op_type() == "LogSoftmax";
  int dt = X.dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  int64_t r = X.rank();
  auto axisAttr = attrInt("axis", opset < 13 ? 1 : -1);
  if (failed(axisAttr))
    return failure();
  if (r == 0)
    return fail("input must have rank >= 1");
  auto axis = normAxis(*axisAttr, r);
  if (failed(axis))
    return failure();
  // Before opset 13 the input is coerced to 2-D at `axis`: normalize over all
  // trailing dims. From 13 on: over `axis` alone.
  SmallVector<int64_t> dims;
  if (opset < 13)
    for (int64_t d = *axis; d < r; ++d)
      dims.push_back(d);
  else
    dims.push_back(*axis);
  Value x = valueOf(X);
  AffineMap id = AffineMap::getMultiDimIdentityMap(r, ctx);
  AffineMap red = dropDimsMap(r, dims);
  Value m = reduce(x, X.shape, dt, dims, lowest(dt),
                   [&](OpBuilder &ob, Location l, Value e, Value acc) {
                     return arith::MaximumFOp::create(ob, l, e, acc);
                   });
  Value e = genericOp({x, m}, {id, red}, X.shape, dt,
                      [](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                        return math::ExpOp::create(
                            ob, l, arith::SubFOp::create(ob, l, v[0], v[1]));
                      });
  Value s = reduce(e, X.shape, dt, dims, Scalar{dt, 0.0, 0},
                   [&](OpBuilder &ob, Location l, Value v, Value acc) {
                     return arith::AddFOp::create(ob, l, v, acc);
                   });
  Value y;
  if (isLog)
    y = genericOp({x, m, s}, {id, red, red}, X.shape, dt,
                  [](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                    Value d = arith::SubFOp::create(ob, l, v[0], v[1]);
                    return arith::SubFOp::create(ob, l, d,
                                                 math::LogOp::create(ob, l, v[2]));
                  });
  else
    y = genericOp({e, s}, {id, red}, X.shape, dt,
                  [](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                    return arith::DivFOp::create(ob, l, v[0], v[1]);
                  });
  return setOutput(0, result(y, dt, X.shape));
}

LogicalResult Importer::importBatchNorm() {
  SmallVector<TensorValue *> in;
  for (unsigned i = 0; i < 5; ++i) {
    auto t = required(i);
    if (failed(t))
      return failure();
    in.push_back(*t);
  }
  TensorValue &X = *in[0];
  auto eps = attrFloat("epsilon", 1e-5f);
  auto training = attrInt("training_mode", 0);
  auto spatial = attrInt("spatial", 1);
  if (failed(eps) || failed(training) || failed(spatial))
    return failure();
  if (*training != 0)
    return fail("training mode is not supported (inference only)");
  if (*spatial != 1)
    return fail("spatial=0 is not supported");
  if (hasOutput(1) || hasOutput(2) || hasOutput(3) || hasOutput(4))
    return fail("training outputs (running/saved mean and variance) are not "
                "supported");
  int dt = X.dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  int64_t r = X.rank();
  if (r < 2 || isSymDim(X.shape[1]))
    return fail("input must be N x C x ... with a static C, got " +
                shapeToString(X.shape));
  int64_t C = X.shape[1];
  for (unsigned i = 1; i < 5; ++i)
    if (in[i]->rank() != 1 || in[i]->shape[0] != C)
      return fail("inconsistent shapes: parameter '" + in[i]->name + "' " +
                  shapeToString(in[i]->shape) + " must be [" + llvm::Twine(C) +
                  "]");
  double epsilon = *eps;
  Shape cs = {C};
  cs.append(r - 2, 1);
  if (in[1]->isConst() && in[2]->isConst() && in[3]->isConst() &&
      in[4]->isConst()) {
    // y = x * a + b with a = scale / sqrt(var + eps), b = bias - mean * a.
    auto a = ConstData::create(dt, cs), bb = ConstData::create(dt, cs);
    for (int64_t c = 0; c < C; ++c) {
      double s = in[1]->cst->getF(c), bias = in[2]->cst->getF(c);
      double mean = in[3]->cst->getF(c), var = in[4]->cst->getF(c);
      double k = s / std::sqrt(var + epsilon);
      a->setF(c, k);
      bb->setF(c, bias - mean * k);
    }
    TensorValue at = known(a), bt = known(bb);
    at.name = nodeName + "_scale";
    bt.name = nodeName + "_shift";
    TensorValue *ins[] = {&X, &at, &bt};
    auto y = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
      return arith::AddFOp::create(ob, l,
                                   arith::MulFOp::create(ob, l, v[0], v[1]),
                                   v[2]);
    });
    if (failed(y))
      return failure();
    return setOutput(0, *y);
  }
  TensorValue s = channelView(*this, *in[1], r), bias = channelView(*this, *in[2], r);
  TensorValue mean = channelView(*this, *in[3], r), var = channelView(*this, *in[4], r);
  TensorValue *ins[] = {&X, &s, &bias, &mean, &var};
  auto y = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    Value d = arith::SubFOp::create(ob, l, v[0], v[3]);
    Value sd = math::SqrtOp::create(
        ob, l, arith::AddFOp::create(ob, l, v[4], scalarConst(ob, l, dt, epsilon)));
    Value n = arith::DivFOp::create(ob, l, d, sd);
    return arith::AddFOp::create(ob, l, arith::MulFOp::create(ob, l, n, v[1]),
                                 v[2]);
  });
  if (failed(y))
    return failure();
  return setOutput(0, *y);
}

LogicalResult Importer::importLayerNorm() {
  auto xr = required(0);
  auto sr = required(1);
  if (failed(xr) || failed(sr))
    return failure();
  TensorValue &X = **xr, &S = **sr;
  TensorValue *B = input(2);
  auto axisAttr = attrInt("axis", -1);
  auto eps = attrFloat("epsilon", 1e-5f);
  if (failed(axisAttr) || failed(eps))
    return failure();
  int dt = X.dtype;
  if (!isFloatDType(dt) || S.dtype != dt || (B && B->dtype != dt))
    return fail("unsupported or inconsistent element types");
  int64_t r = X.rank();
  auto axis = normAxis(*axisAttr, r);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> dims;
  int64_t n = 1;
  for (int64_t d = *axis; d < r; ++d) {
    if (isSymDim(X.shape[d]))
      return fail("normalized dims must be static, got " +
                  shapeToString(X.shape));
    dims.push_back(d);
    n *= X.shape[d];
  }
  for (TensorValue *p : {&S, B}) {
    if (!p)
      continue;
    auto bs = broadcastShapes({X.shape, p->shape});
    if (failed(bs))
      return failure();
    if (*bs != X.shape || p->rank() > r - *axis)
      return fail("inconsistent shapes: '" + p->name + "' " +
                  shapeToString(p->shape) + " does not broadcast to the "
                  "normalized dims of " + shapeToString(X.shape));
  }
  Value x = valueOf(X);
  Shape rs(X.shape.begin(), X.shape.begin() + *axis);
  AffineMap id = AffineMap::getMultiDimIdentityMap(r, ctx);
  AffineMap red = dropDimsMap(r, dims);
  AffineMap rid = AffineMap::getMultiDimIdentityMap(rs.size(), ctx);
  Value sum = reduce(x, X.shape, dt, dims, Scalar{dt, 0.0, 0},
                     [&](OpBuilder &ob, Location l, Value e, Value acc) {
                       return arith::AddFOp::create(ob, l, e, acc);
                     });
  double nd = static_cast<double>(n), epsilon = *eps;
  Value mean = genericOp({sum}, {rid}, rs, dt,
                         [&](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                           return arith::DivFOp::create(ob, l, v[0],
                                                        scalarConst(ob, l, dt, nd));
                         });
  // Sum of squared deviations.
  Value acc = filled(rs, dt, 0.0);
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < r; ++d)
    iters.push_back(d >= *axis ? utils::IteratorType::reduction
                               : utils::IteratorType::parallel);
  Value sq = linalg::GenericOp::create(
                 b, loc, TypeRange{acc.getType()}, ValueRange{x, mean},
                 ValueRange{acc}, ArrayRef<AffineMap>{id, red, red}, iters,
                 [&](OpBuilder &ob, Location l, ValueRange v) {
                   Value d = arith::SubFOp::create(ob, l, v[0], v[1]);
                   Value s = arith::AddFOp::create(
                       ob, l, v[2], arith::MulFOp::create(ob, l, d, d));
                   linalg::YieldOp::create(ob, l, s);
                 })
                 .getResult(0);
  Value stddev = genericOp(
      {sq}, {rid}, rs, dt, [&](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
        Value var = arith::DivFOp::create(ob, l, v[0], scalarConst(ob, l, dt, nd));
        return math::SqrtOp::create(
            ob, l, arith::AddFOp::create(ob, l, var, scalarConst(ob, l, dt, epsilon)));
      });
  SmallVector<Value> ins = {x, mean, stddev, valueOf(S)};
  SmallVector<AffineMap> maps = {id, red, red, broadcastMap(S.shape, X.shape)};
  if (B) {
    ins.push_back(valueOf(*B));
    maps.push_back(broadcastMap(B->shape, X.shape));
  }
  bool hasB = B != nullptr;
  Value y = genericOp(ins, maps, X.shape, dt,
                      [&](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                        Value d = arith::SubFOp::create(ob, l, v[0], v[1]);
                        Value nrm = arith::DivFOp::create(ob, l, d, v[2]);
                        Value s = arith::MulFOp::create(ob, l, nrm, v[3]);
                        return hasB ? arith::AddFOp::create(ob, l, s, v[4]).getResult()
                                    : s;
                      });
  if (failed(setOutput(0, result(y, dt, X.shape))))
    return failure();
  Shape keep(rs);
  keep.append(r - *axis, 1);
  if (hasOutput(1))
    if (failed(setOutput(1, result(reshapeValue(mean, rs, keep, dt), dt, keep))))
      return failure();
  if (hasOutput(2)) {
    Value inv = genericOp({stddev}, {rid}, rs, dt,
                          [&](OpBuilder &ob, Location l, ArrayRef<Value> v) -> Value {
                            return arith::DivFOp::create(
                                ob, l, scalarConst(ob, l, dt, 1.0), v[0]);
                          });
    if (failed(setOutput(2, result(reshapeValue(inv, rs, keep, dt), dt, keep))))
      return failure();
  }
  return success();
}

LogicalResult Importer::importReduce() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  llvm::StringRef op = node->op_type();
  int dt = X.dtype;
  if (dt == DT_BOOL || (op == "ReduceMean" && !isFloatDType(dt)))
    return fail("unsupported element type " + dtypeName(dt));
  auto keep = attrInt("keepdims", 1);
  auto noop = attrInt("noop_with_empty_axes", 0);
  auto axesAttr = attrInts("axes");
  if (failed(keep) || failed(noop) || failed(axesAttr))
    return failure();
  SmallVector<int64_t> axes;
  if (*axesAttr) {
    axes = **axesAttr;
  } else if (TensorValue *a = input(1)) {
    auto v = constInts(a, "axes");
    if (failed(v))
      return failure();
    axes = *v;
  }
  int64_t r = X.rank();
  if (axes.empty()) {
    if (*noop)
      return setOutput(0, X);
    for (int64_t d = 0; d < r; ++d)
      axes.push_back(d);
  }
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (int64_t a : axes) {
    auto d = normAxis(a, r, "axis");
    if (failed(d))
      return failure();
    if (llvm::is_contained(dims, *d))
      return fail("axis " + llvm::Twine(a) + " is repeated");
    dims.push_back(*d);
    if (isSymDim(X.shape[*d]) && op == "ReduceMean")
      return fail("ReduceMean over a dynamic dimension is not supported");
    if (!isSymDim(X.shape[*d]))
      count *= X.shape[*d];
  }
  llvm::sort(dims);
  Scalar init = op == "ReduceMax"    ? lowest(dt)
                : op == "ReduceMin"  ? highest(dt)
                : op == "ReduceProd" ? Scalar{dt, 1.0, 1}
                                     : Scalar{dt, 0.0, 0};
  Value red = reduce(valueOf(X), X.shape, dt, dims, init,
                     [&](OpBuilder &ob, Location l, Value e, Value acc) -> Value {
                       if (op == "ReduceMax")
                         return max(ob, l, dt, e, acc);
                       if (op == "ReduceMin")
                         return min(ob, l, dt, e, acc);
                       if (op == "ReduceProd")
                         return mul(ob, l, dt, e, acc);
                       if (op == "ReduceSumSquare")
                         return add(ob, l, dt, mul(ob, l, dt, e, e), acc);
                       return add(ob, l, dt, e, acc);
                     });
  Shape rs;
  Shape ks;
  for (int64_t d = 0; d < r; ++d) {
    bool reduced = llvm::is_contained(dims, d);
    if (!reduced)
      rs.push_back(X.shape[d]);
    ks.push_back(reduced ? 1 : X.shape[d]);
  }
  TensorValue out = result(red, dt, rs);
  if (op == "ReduceMean") {
    auto c = ConstData::create(dt, {});
    c->setF(0, static_cast<double>(count));
    TensorValue divisor = known(c);
    TensorValue *ins[] = {&out, &divisor};
    auto m = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
      return arith::DivFOp::create(ob, l, v[0], v[1]);
    });
    if (failed(m))
      return failure();
    out = *m;
  }
  if (*keep)
    out = result(reshapeValue(out.value, rs, ks, dt), dt, ks);
  return setOutput(0, out);
}
