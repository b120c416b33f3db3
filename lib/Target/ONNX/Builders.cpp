//===- Builders.cpp - IR construction helpers for the ONNX importer -------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <limits>
#include <optional>

using namespace mlir;
using namespace qc::onnx_import;

Type Importer::elemType(int dtype) {
  switch (dtype) {
  case DT_FLOAT:
    return b.getF32Type();
  case DT_DOUBLE:
    return b.getF64Type();
  case DT_FLOAT16:
    return b.getF16Type();
  case DT_BFLOAT16:
    return b.getBF16Type();
  default:
    return b.getIntegerType(dtypeBits(dtype));
  }
}

RankedTensorType Importer::tensorType(llvm::ArrayRef<int64_t> shape,
                                      int dtype) {
  SmallVector<int64_t> dims;
  for (int64_t d : shape)
    dims.push_back(isSymDim(d) ? ShapedType::kDynamic : d);
  return RankedTensorType::get(dims, elemType(dtype));
}

Value Importer::symbolSize(int sym) {
  auto it = symbolValues.find(sym);
  if (it != symbolValues.end())
    return it->second;
  auto [arg, dim] = symbolSources[sym];
  OpBuilder eb = OpBuilder::atBlockBegin(&func.front());
  Location argLoc = arg.getLoc();
  Value v = tensor::DimOp::create(eb, argLoc, arg, dim);
  symbolValues[sym] = v;
  return v;
}

SmallVector<OpFoldResult> Importer::mixedSizes(llvm::ArrayRef<int64_t> shape) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : shape) {
    if (isSymDim(d))
      sizes.push_back(symbolSize(dimSym(d)));
    else
      sizes.push_back(b.getIndexAttr(d));
  }
  return sizes;
}

Value Importer::emptyTensor(llvm::ArrayRef<int64_t> shape, int dtype) {
  return tensor::EmptyOp::create(b, loc, mixedSizes(shape), elemType(dtype));
}

Scalar Importer::scalarOf(int dtype, double v) {
  Scalar s{dtype, v, 0};
  if (std::isnan(v))
    s.i = 0;
  else if (v >= 9.2233720368547758e18)
    s.i = std::numeric_limits<int64_t>::max();
  else if (v <= -9.2233720368547758e18)
    s.i = std::numeric_limits<int64_t>::min();
  else
    s.i = static_cast<int64_t>(v);
  return s;
}

Scalar Importer::lowest(int dtype) {
  if (isFloatDType(dtype))
    return Scalar{dtype, -std::numeric_limits<double>::infinity(), 0};
  if (isUnsignedDType(dtype))
    return Scalar{dtype, 0.0, 0};
  unsigned bits = dtypeBits(dtype);
  int64_t v = bits >= 64 ? std::numeric_limits<int64_t>::min()
                         : -(int64_t(1) << (bits - 1));
  return Scalar{dtype, static_cast<double>(v), v};
}

Scalar Importer::highest(int dtype) {
  if (isFloatDType(dtype))
    return Scalar{dtype, std::numeric_limits<double>::infinity(), 0};
  unsigned bits = dtypeBits(dtype);
  if (isUnsignedDType(dtype)) {
    // All-ones bit pattern.
    int64_t v = bits >= 64 ? -1 : static_cast<int64_t>((uint64_t(1) << bits) - 1);
    return Scalar{dtype, static_cast<double>(static_cast<uint64_t>(v)), v};
  }
  int64_t v = bits >= 64 ? std::numeric_limits<int64_t>::max()
                         : (int64_t(1) << (bits - 1)) - 1;
  return Scalar{dtype, static_cast<double>(v), v};
}

Value Importer::scalarConst(OpBuilder &ob, Location l, const Scalar &s) {
  Type t = elemType(s.dtype);
  if (isFloatDType(s.dtype))
    return arith::ConstantOp::create(ob, l, FloatAttr::get(t, s.f));
  unsigned bits = dtypeBits(s.dtype);
  APInt v(bits, static_cast<uint64_t>(s.i), /*isSigned=*/!isUnsignedDType(s.dtype),
          /*implicitTrunc=*/true);
  return arith::ConstantOp::create(ob, l, IntegerAttr::get(t, v));
}

Value Importer::scalarConst(OpBuilder &ob, Location l, int dtype, double v) {
  return scalarConst(ob, l, scalarOf(dtype, v));
}

Value Importer::filled(llvm::ArrayRef<int64_t> shape, const Scalar &v) {
  Value empty = emptyTensor(shape, v.dtype);
  Value c = scalarConst(b, loc, v);
  return linalg::FillOp::create(b, loc, ValueRange{c}, ValueRange{empty})
      .getResult(0);
}

Value Importer::filled(llvm::ArrayRef<int64_t> shape, int dtype, double v) {
  return filled(shape, scalarOf(dtype, v));
}

static std::string blobName(llvm::StringRef name) {
  std::string s;
  for (char c : name)
    s += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (s.empty() || !llvm::isAlpha(s[0]))
    s = "onnx_" + s;
  return s;
}

Value Importer::materializeConst(const ConstData &c, Location at,
                                 llvm::StringRef name) {
  RankedTensorType type = tensorType(c.shape, c.dtype);
  if (c.hasSymbols()) {
    // A shape tensor with a dynamic entry: build it from index values.
    SmallVector<Value> elems;
    for (int64_t i = 0, e = c.numel(); i < e; ++i) {
      int64_t v = c.getI(i);
      if (isSymValue(v))
        elems.push_back(arith::IndexCastOp::create(
            b, at, b.getI64Type(), symbolSize(valueSym(v))));
      else
        elems.push_back(
            arith::ConstantOp::create(b, at, b.getI64IntegerAttr(v)));
    }
    return tensor::FromElementsOp::create(b, at, type, elems);
  }
  ElementsAttr attr;
  bool splat = c.isSplat();
  if (c.dtype == DT_BOOL) {
    SmallVector<bool> bits;
    for (int64_t i = 0, e = c.numel(); i < e; ++i)
      bits.push_back(c.getI(i) != 0);
    attr = DenseElementsAttr::get(type, bits);
  } else if (!splat && options.maxDenseElements >= 0 &&
             c.numel() > options.maxDenseElements) {
    llvm::ArrayRef<char> raw(reinterpret_cast<const char *>(c.bytes.data()),
                             c.bytes.size());
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        raw, std::max<size_t>(dtypeBytes(c.dtype), 8));
    attr = DenseResourceElementsAttr::get(type, blobName(name), std::move(blob));
  } else {
    size_t n = splat && c.numel() > 0 ? dtypeBytes(c.dtype) : c.bytes.size();
    llvm::ArrayRef<char> raw(reinterpret_cast<const char *>(c.bytes.data()), n);
    attr = DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  return arith::ConstantOp::create(b, at, type, cast<TypedAttr>(attr));
}

Value Importer::valueOf(TensorValue &t) {
  if (!t.value)
    t.value = materializeConst(*t.cst, t.loc ? *t.loc : loc, t.name);
  return t.value;
}

namespace {
struct Group {
  SmallVector<int64_t, 2> src, dst;
};
} // namespace

/// Groups of source/destination dims with equal element counts, each group
/// holding at most one symbolic dim (so tensor.collapse/expand_shape apply).
static std::optional<SmallVector<Group>>
reshapeGroups(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to) {
  SmallVector<Group> groups;
  size_t i = 0, j = 0, n = from.size(), m = to.size();
  while (i < n && j < m) {
    Group g;
    if (isSymDim(from[i]) || isSymDim(to[j])) {
      while (i < n && !isSymDim(from[i]) && from[i] == 1)
        g.src.push_back(i++);
      while (j < m && !isSymDim(to[j]) && to[j] == 1)
        g.dst.push_back(j++);
      if (i < n && j < m && isSymDim(from[i]) && from[i] == to[j]) {
        g.src.push_back(i++);
        g.dst.push_back(j++);
        groups.push_back(g);
        continue;
      }
      return std::nullopt;
    }
    int64_t ps = from[i], pd = to[j];
    g.src.push_back(i++);
    g.dst.push_back(j++);
    while (ps != pd) {
      if (ps < pd) {
        if (i >= n || isSymDim(from[i]) || ps == 0)
          return std::nullopt;
        ps *= from[i];
        g.src.push_back(i++);
      } else {
        if (j >= m || isSymDim(to[j]) || pd == 0)
          return std::nullopt;
        pd *= to[j];
        g.dst.push_back(j++);
      }
    }
    groups.push_back(g);
  }
  for (; i < n; ++i) {
    if (isSymDim(from[i]) || from[i] != 1 || groups.empty())
      return std::nullopt;
    groups.back().src.push_back(i);
  }
  for (; j < m; ++j) {
    if (isSymDim(to[j]) || to[j] != 1 || groups.empty())
      return std::nullopt;
    groups.back().dst.push_back(j);
  }
  return groups;
}

Value Importer::reshapeValue(Value v, llvm::ArrayRef<int64_t> from,
                             llvm::ArrayRef<int64_t> to, int dtype) {
  if (from == to)
    return v;
  RankedTensorType outTy = tensorType(to, dtype);
  if (to.empty())
    return tensor::CollapseShapeOp::create(b, loc, outTy, v,
                                           ArrayRef<ReassociationIndices>{});
  if (from.empty())
    return tensor::ExpandShapeOp::create(b, loc, outTy, v,
                                         ArrayRef<ReassociationIndices>{},
                                         mixedSizes(to));
  auto groups = reshapeGroups(from, to);
  if (!groups) {
    SmallVector<Value> dims;
    for (OpFoldResult s : mixedSizes(to)) {
      if (auto attr = dyn_cast<Attribute>(s))
        dims.push_back(arith::ConstantIndexOp::create(
            b, loc, cast<IntegerAttr>(attr).getInt()));
      else
        dims.push_back(cast<Value>(s));
    }
    Value shape = tensor::FromElementsOp::create(b, loc, dims);
    return tensor::ReshapeOp::create(b, loc, outTy, v, shape);
  }
  bool needCollapse = false, needExpand = false;
  SmallVector<ReassociationIndices> srcAssoc, dstAssoc;
  Shape mid;
  for (const Group &g : *groups) {
    needCollapse |= g.src.size() > 1;
    needExpand |= g.dst.size() > 1;
    srcAssoc.push_back(ReassociationIndices(g.src.begin(), g.src.end()));
    dstAssoc.push_back(ReassociationIndices(g.dst.begin(), g.dst.end()));
    int64_t d = 1;
    for (int64_t s : g.src) {
      if (isSymDim(from[s])) {
        d = from[s];
        break;
      }
      d *= from[s];
    }
    mid.push_back(d);
  }
  Value cur = v;
  if (needCollapse)
    cur = tensor::CollapseShapeOp::create(b, loc, tensorType(mid, dtype), cur,
                                          srcAssoc);
  if (needExpand)
    cur = tensor::ExpandShapeOp::create(b, loc, outTy, cur, dstAssoc,
                                        mixedSizes(to));
  return cur;
}

Value Importer::transposeValue(Value v, llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<int64_t> perm, int dtype) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return v;
  Shape out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  Value init = emptyTensor(out, dtype);
  return linalg::TransposeOp::create(b, loc, v, init, perm).getResult()[0];
}

Value Importer::padValue(Value v, llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<int64_t> low,
                         llvm::ArrayRef<int64_t> high, int dtype,
                         double padVal) {
  bool any = false;
  for (size_t i = 0; i < low.size(); ++i)
    any |= low[i] != 0 || high[i] != 0;
  if (!any)
    return v;
  Shape out;
  SmallVector<OpFoldResult> lo, hi;
  for (size_t i = 0; i < shape.size(); ++i) {
    out.push_back(isSymDim(shape[i]) ? shape[i] : shape[i] + low[i] + high[i]);
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
  }
  Value pv = scalarConst(b, loc, dtype, padVal);
  return tensor::PadOp::create(b, loc, tensorType(out, dtype), v, lo, hi, pv);
}

FailureOr<Shape> Importer::broadcastShapes(llvm::ArrayRef<Shape> shapes) {
  size_t rank = 0;
  for (const Shape &s : shapes)
    rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape &s : shapes) {
    size_t off = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t &o = out[off + d];
      int64_t x = s[d];
      if (x == o || x == 1)
        continue;
      if (o == 1) {
        o = x;
        continue;
      }
      auto diag = nodeError() << "inconsistent shapes: cannot broadcast";
      for (size_t k = 0; k < shapes.size(); ++k)
        diag << (k ? " and " : " ") << shapeToString(shapes[k]);
      return failure();
    }
  }
  return out;
}

AffineMap Importer::broadcastMap(llvm::ArrayRef<int64_t> inShape,
                                 llvm::ArrayRef<int64_t> outShape) {
  SmallVector<AffineExpr> exprs;
  size_t off = outShape.size() - inShape.size();
  for (size_t d = 0; d < inShape.size(); ++d) {
    if (inShape[d] == 1 && outShape[off + d] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(off + d, ctx));
  }
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

AffineMap Importer::dropDimsMap(unsigned rank, llvm::ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, static_cast<int64_t>(d)))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value Importer::genericOp(llvm::ArrayRef<Value> ins,
                          llvm::ArrayRef<AffineMap> inMaps,
                          llvm::ArrayRef<int64_t> outShape, int outDtype,
                          const BodyFn &body) {
  unsigned rank = outShape.size();
  SmallVector<AffineMap> maps(inMaps.begin(), inMaps.end());
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = emptyTensor(outShape, outDtype);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> vals(args.drop_back());
        Value r = body(nb, l, vals);
        linalg::YieldOp::create(nb, l, r);
      });
  return op.getResult(0);
}

FailureOr<TensorValue> Importer::elementwise(llvm::ArrayRef<TensorValue *> ins,
                                             int outDtype, const BodyFn &body) {
  SmallVector<Shape> shapes;
  for (TensorValue *t : ins)
    shapes.push_back(t->shape);
  auto out = broadcastShapes(shapes);
  if (failed(out))
    return failure();
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  SmallVector<std::optional<Scalar>> inlined;
  for (TensorValue *t : ins) {
    if (t->isConst() && t->cst->numel() == 1 && !t->cst->hasSymbols()) {
      const ConstData &c = *t->cst;
      inlined.push_back(Scalar{t->dtype, c.getF(0), c.getI(0)});
      continue;
    }
    inlined.push_back(std::nullopt);
    operands.push_back(valueOf(*t));
    maps.push_back(broadcastMap(t->shape, *out));
  }
  Value v = genericOp(operands, maps, *out, outDtype,
                      [&](OpBuilder &nb, Location l, ArrayRef<Value> args) {
                        SmallVector<Value> vals;
                        size_t k = 0;
                        for (auto &s : inlined)
                          vals.push_back(s ? scalarConst(nb, l, *s) : args[k++]);
                        return body(nb, l, vals);
                      });
  return result(v, outDtype, *out);
}

Value Importer::reduce(Value x, llvm::ArrayRef<int64_t> xShape, int dtype,
                       llvm::ArrayRef<int64_t> dims, const Scalar &init,
                       const CombineFn &combine) {
  unsigned rank = xShape.size();
  Shape outShape;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, static_cast<int64_t>(d)))
      outShape.push_back(xShape[d]);
  Value acc = filled(outShape, init);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 dropDimsMap(rank, dims)};
  SmallVector<utils::IteratorType> iters;
  for (unsigned d = 0; d < rank; ++d)
    iters.push_back(llvm::is_contained(dims, static_cast<int64_t>(d))
                        ? utils::IteratorType::reduction
                        : utils::IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{x}, ValueRange{acc}, maps,
      iters, [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, combine(nb, l, args[0], args[1]));
      });
  return op.getResult(0);
}

Value Importer::add(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::AddFOp::create(ob, l, a, c);
  return arith::AddIOp::create(ob, l, a, c);
}

Value Importer::sub(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::SubFOp::create(ob, l, a, c);
  return arith::SubIOp::create(ob, l, a, c);
}

Value Importer::mul(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::MulFOp::create(ob, l, a, c);
  return arith::MulIOp::create(ob, l, a, c);
}

Value Importer::div(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::DivFOp::create(ob, l, a, c);
  if (isUnsignedDType(dt))
    return arith::DivUIOp::create(ob, l, a, c);
  return arith::DivSIOp::create(ob, l, a, c);
}

Value Importer::max(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::MaximumFOp::create(ob, l, a, c);
  if (isUnsignedDType(dt))
    return arith::MaxUIOp::create(ob, l, a, c);
  return arith::MaxSIOp::create(ob, l, a, c);
}

Value Importer::min(OpBuilder &ob, Location l, int dt, Value a, Value c) {
  if (isFloatDType(dt))
    return arith::MinimumFOp::create(ob, l, a, c);
  if (isUnsignedDType(dt))
    return arith::MinUIOp::create(ob, l, a, c);
  return arith::MinSIOp::create(ob, l, a, c);
}

Value Importer::convert(OpBuilder &ob, Location l, Value v, int fromDt,
                        int toDt) {
  if (fromDt == toDt)
    return v;
  Type to = elemType(toDt);
  bool fromF = isFloatDType(fromDt), toF = isFloatDType(toDt);
  if (toDt == DT_BOOL) {
    if (fromF) {
      Value zero = scalarConst(ob, l, fromDt, 0.0);
      return arith::CmpFOp::create(ob, l, arith::CmpFPredicate::UNE, v, zero);
    }
    Value zero = scalarConst(ob, l, fromDt, 0.0);
    return arith::CmpIOp::create(ob, l, arith::CmpIPredicate::ne, v, zero);
  }
  if (fromF && toF) {
    unsigned fb = dtypeBits(fromDt), tb = dtypeBits(toDt);
    if (fb == tb) { // f16 <-> bf16
      Value w = arith::ExtFOp::create(ob, l, ob.getF32Type(), v);
      return arith::TruncFOp::create(ob, l, to, w);
    }
    if (fb < tb)
      return arith::ExtFOp::create(ob, l, to, v);
    return arith::TruncFOp::create(ob, l, to, v);
  }
  if (!fromF && toF) {
    if (isUnsignedDType(fromDt))
      return arith::UIToFPOp::create(ob, l, to, v);
    return arith::SIToFPOp::create(ob, l, to, v);
  }
  if (fromF && !toF) {
    if (isUnsignedDType(toDt))
      return arith::FPToUIOp::create(ob, l, to, v);
    return arith::FPToSIOp::create(ob, l, to, v);
  }
  unsigned fb = dtypeBits(fromDt), tb = dtypeBits(toDt);
  if (fb == tb)
    return v;
  if (fb > tb)
    return arith::TruncIOp::create(ob, l, to, v);
  if (isUnsignedDType(fromDt))
    return arith::ExtUIOp::create(ob, l, to, v);
  return arith::ExtSIOp::create(ob, l, to, v);
}
