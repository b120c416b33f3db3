//===- OpsShape.cpp - Shape manipulation ONNX ops -------------------------===//
//
// Reshape/Flatten/Squeeze/Unsqueeze become tensor.collapse_shape /
// tensor.expand_shape, Transpose linalg.transpose, Concat tensor.concat,
// Split/Slice tensor.extract_slice, Pad tensor.pad (constant) or a gathering
// linalg.generic (edge/reflect). All of them fold on known tensors, which
// carries Shape -> Gather -> Concat -> Reshape chains through import time.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace qc::onnx_import;

/// Keeps the name/location of a folded weight-like input so that its
/// constant is named after the tensor it came from.
static TensorValue foldedFrom(Importer &imp, ConstPtr c) {
  TensorValue t = imp.known(std::move(c));
  return t;
}

LogicalResult Importer::importReshape() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  SmallVector<int64_t> dims;
  if (opset < 5 || !input(1)) {
    auto s = attrInts("shape");
    if (failed(s))
      return failure();
    if (!*s)
      return fail("missing shape input");
    dims = **s;
  } else {
    auto v = constInts(input(1), "shape");
    if (failed(v))
      return failure();
    dims = *v;
  }
  auto allowZero = attrInt("allowzero", 0);
  if (failed(allowZero))
    return failure();
  Shape target;
  int inferAt = -1;
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t v = dims[i];
    if (isSymValue(v)) {
      target.push_back(symDim(valueSym(v)));
    } else if (v == 0 && !*allowZero) {
      if (i >= X.shape.size())
        return fail("shape entry " + llvm::Twine(i) +
                    " is 0 (copy) but the input has rank " +
                    llvm::Twine(X.rank()));
      target.push_back(X.shape[i]);
    } else if (v == -1) {
      if (inferAt >= 0)
        return fail("more than one -1 in shape");
      inferAt = static_cast<int>(i);
      target.push_back(1);
    } else if (v < 0) {
      return fail("invalid shape entry " + llvm::Twine(v));
    } else {
      target.push_back(v);
    }
  }
  // Match symbolic dims, then solve for the -1 entry.
  int64_t inStatic = 1, outStatic = 1;
  SmallVector<int64_t> inSyms, outSyms;
  for (int64_t d : X.shape) {
    if (isSymDim(d))
      inSyms.push_back(d);
    else
      inStatic *= d;
  }
  for (size_t i = 0; i < target.size(); ++i) {
    if (static_cast<int>(i) == inferAt)
      continue;
    if (isSymDim(target[i]))
      outSyms.push_back(target[i]);
    else
      outStatic *= target[i];
  }
  for (auto it = outSyms.begin(); it != outSyms.end();) {
    auto m = llvm::find(inSyms, *it);
    if (m == inSyms.end()) {
      ++it;
      continue;
    }
    inSyms.erase(m);
    it = outSyms.erase(it);
  }
  std::string requested = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    requested += (i ? ", " : "") + (isSymValue(dims[i]) ? std::string("?")
                                                        : std::to_string(dims[i]));
  requested += "]";
  std::string err = "inconsistent shapes: cannot reshape " +
                    shapeToString(X.shape) + " to " + requested;
  if (!outSyms.empty())
    return fail(err);
  if (inferAt >= 0) {
    if (inSyms.empty()) {
      if (outStatic == 0 || inStatic % outStatic != 0)
        return fail(err);
      target[inferAt] = inStatic / outStatic;
    } else if (inSyms.size() == 1 && inStatic == outStatic) {
      target[inferAt] = inSyms[0];
    } else {
      return fail(err + " (the -1 entry would mix dynamic and static sizes)");
    }
  } else if (!inSyms.empty() || inStatic != outStatic) {
    return fail(err);
  }
  if (X.isConst())
    return setOutput(0, foldedFrom(*this, foldReshape(*X.cst, target)));
  return setOutput(0, result(reshapeValue(valueOf(X), X.shape, target, X.dtype),
                             X.dtype, target));
}

/// Product of dims [b, e); a single symbolic dim times ones stays symbolic.
static FailureOr<int64_t> productOf(Importer &imp, llvm::ArrayRef<int64_t> s) {
  int64_t p = 1;
  std::optional<int64_t> sym;
  for (int64_t d : s) {
    if (isSymDim(d)) {
      if (sym)
        return imp.fail("cannot merge two dynamic dims of " + shapeToString(s));
      sym = d;
    } else {
      p *= d;
    }
  }
  if (sym) {
    if (p != 1)
      return imp.fail("cannot merge a dynamic dim with static dims in " +
                      shapeToString(s));
    return *sym;
  }
  return p;
}

LogicalResult Importer::importFlatten() {
  auto xr = required(0);
  auto axisAttr = attrInt("axis", 1);
  if (failed(xr) || failed(axisAttr))
    return failure();
  TensorValue &X = **xr;
  int64_t r = X.rank();
  int64_t axis = *axisAttr < 0 ? *axisAttr + r : *axisAttr;
  if (axis < 0 || axis > r)
    return fail("axis " + llvm::Twine(*axisAttr) + " is out of range for rank " +
                llvm::Twine(r));
  auto outer = productOf(*this, llvm::ArrayRef<int64_t>(X.shape).take_front(axis));
  auto inner = productOf(*this, llvm::ArrayRef<int64_t>(X.shape).drop_front(axis));
  if (failed(outer) || failed(inner))
    return failure();
  Shape target = {*outer, *inner};
  if (X.isConst())
    return setOutput(0, foldedFrom(*this, foldReshape(*X.cst, target)));
  return setOutput(0, result(reshapeValue(valueOf(X), X.shape, target, X.dtype),
                             X.dtype, target));
}

LogicalResult Importer::importTranspose() {
  auto xr = required(0);
  auto permAttr = attrInts("perm");
  if (failed(xr) || failed(permAttr))
    return failure();
  TensorValue &X = **xr;
  int64_t r = X.rank();
  SmallVector<int64_t> perm;
  if (*permAttr) {
    perm = **permAttr;
  } else {
    for (int64_t d = r - 1; d >= 0; --d)
      perm.push_back(d);
  }
  SmallVector<bool> seen(r, false);
  if (static_cast<int64_t>(perm.size()) != r)
    return fail("perm has " + llvm::Twine(perm.size()) +
                " entries for an input of rank " + llvm::Twine(r));
  for (int64_t &p : perm) {
    if (p < 0)
      p += r;
    if (p < 0 || p >= r || seen[p])
      return fail("perm is not a permutation of 0.." + llvm::Twine(r - 1));
    seen[p] = true;
  }
  Shape out;
  for (int64_t p : perm)
    out.push_back(X.shape[p]);
  if (X.isConst())
    return setOutput(0, foldedFrom(*this, foldTranspose(*X.cst, perm)));
  return setOutput(0, result(transposeValue(valueOf(X), X.shape, perm, X.dtype),
                             X.dtype, out));
}

LogicalResult Importer::importConcat() {
  auto axisAttr = attrInt("axis", std::numeric_limits<int64_t>::min());
  if (failed(axisAttr))
    return failure();
  if (*axisAttr == std::numeric_limits<int64_t>::min())
    return fail("missing required attribute 'axis'");
  SmallVector<TensorValue *> ins;
  for (unsigned i = 0; i < numInputs(); ++i) {
    auto t = required(i);
    if (failed(t))
      return failure();
    ins.push_back(*t);
  }
  if (ins.empty())
    return fail("needs at least one input");
  int64_t r = ins[0]->rank();
  auto axis = normAxis(*axisAttr, r);
  if (failed(axis))
    return failure();
  Shape out(ins[0]->shape);
  out[*axis] = 0;
  SmallVector<TensorValue *> nonEmpty;
  bool allConst = true;
  for (TensorValue *t : ins) {
    if (t->dtype != ins[0]->dtype)
      return fail("inconsistent element types: " + dtypeName(ins[0]->dtype) +
                  " and " + dtypeName(t->dtype));
    bool ok = t->rank() == r;
    for (int64_t d = 0; ok && d < r; ++d)
      if (d != *axis && t->shape[d] != ins[0]->shape[d])
        ok = false;
    if (!ok)
      return fail("inconsistent shapes: cannot concatenate " +
                  shapeToString(ins[0]->shape) + " and " +
                  shapeToString(t->shape) + " along axis " +
                  llvm::Twine(*axis));
    if (isSymDim(t->shape[*axis]))
      return fail("concatenation along a dynamic dimension is not supported");
    out[*axis] += t->shape[*axis];
    if (t->shape[*axis] != 0)
      nonEmpty.push_back(t);
    allConst &= t->isConst();
  }
  if (allConst) {
    SmallVector<const ConstData *> cs;
    for (TensorValue *t : ins)
      cs.push_back(t->cst.get());
    return setOutput(0, known(foldConcat(cs, *axis)));
  }
  if (nonEmpty.size() == 1)
    return setOutput(0, *nonEmpty[0]);
  SmallVector<Value> vals;
  for (TensorValue *t : nonEmpty)
    vals.push_back(valueOf(*t));
  Value v = tensor::ConcatOp::create(b, loc, *axis, vals);
  return setOutput(0, result(v, ins[0]->dtype, out));
}

/// Static slice of `t` (offsets/sizes/strides per dim; positive strides).
static TensorValue sliceOf(Importer &imp, TensorValue &t,
                           llvm::ArrayRef<int64_t> offsets,
                           llvm::ArrayRef<int64_t> sizes,
                           llvm::ArrayRef<int64_t> strides) {
  if (t.isConst())
    return imp.known(foldSlice(*t.cst, offsets, sizes, strides));
  if (numElements(sizes) == 0) {
    // An empty slice: offsets may point past the end, which extract_slice
    // rejects.
    return imp.result(imp.emptyTensor(sizes, t.dtype), t.dtype, sizes);
  }
  SmallVector<OpFoldResult> offs, szs, sts;
  SmallVector<OpFoldResult> mixed = imp.mixedSizes(sizes);
  for (size_t d = 0; d < offsets.size(); ++d) {
    offs.push_back(imp.b.getIndexAttr(offsets[d]));
    szs.push_back(mixed[d]);
    sts.push_back(imp.b.getIndexAttr(strides[d]));
  }
  Value v = tensor::ExtractSliceOp::create(
      imp.b, imp.loc, imp.tensorType(sizes, t.dtype), imp.valueOf(t), offs, szs,
      sts);
  return imp.result(v, t.dtype, sizes);
}

LogicalResult Importer::importSplit() {
  auto xr = required(0);
  auto axisAttr = attrInt("axis", 0);
  if (failed(xr) || failed(axisAttr))
    return failure();
  TensorValue &X = **xr;
  auto axis = normAxis(*axisAttr, X.rank());
  if (failed(axis))
    return failure();
  int64_t dim = X.shape[*axis];
  if (isSymDim(dim))
    return fail("splitting a dynamic dimension is not supported");
  SmallVector<int64_t> parts;
  auto splitAttr = attrInts("split");
  auto numOut = attrInt("num_outputs", 0);
  if (failed(splitAttr) || failed(numOut))
    return failure();
  if (*splitAttr) {
    parts = **splitAttr;
  } else if (TensorValue *s = input(1)) {
    auto v = constInts(s, "split");
    if (failed(v))
      return failure();
    parts = *v;
  } else {
    int64_t n = *numOut > 0 ? *numOut : node->output_size();
    if (n <= 0)
      return fail("no outputs to split into");
    int64_t chunk = (dim + n - 1) / n;
    if (*numOut == 0 && dim % n != 0)
      return fail("inconsistent shapes: dimension " + llvm::Twine(dim) +
                  " does not split evenly into " + llvm::Twine(n) + " outputs");
    for (int64_t i = 0; i < n; ++i)
      parts.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  int64_t total = 0;
  for (int64_t p : parts) {
    if (p < 0)
      return fail("negative split size " + llvm::Twine(p));
    total += p;
  }
  if (total != dim)
    return fail("inconsistent shapes: split sizes sum to " + llvm::Twine(total) +
                " but the dimension is " + llvm::Twine(dim));
  if (static_cast<int64_t>(parts.size()) != node->output_size())
    return fail("split has " + llvm::Twine(parts.size()) + " parts but the node "
                "has " + llvm::Twine(node->output_size()) + " outputs");
  int64_t off = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    SmallVector<int64_t> offsets(X.rank(), 0), sizes(X.shape.begin(), X.shape.end()),
        strides(X.rank(), 1);
    offsets[*axis] = off;
    sizes[*axis] = parts[i];
    off += parts[i];
    if (!hasOutput(i))
      continue;
    if (failed(setOutput(i, sliceOf(*this, X, offsets, sizes, strides))))
      return failure();
  }
  return success();
}

LogicalResult Importer::importSlice() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  int64_t r = X.rank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    auto s = attrInts("starts");
    auto e = attrInts("ends");
    auto a = attrInts("axes");
    if (failed(s) || failed(e) || failed(a))
      return failure();
    if (!*s || !*e)
      return fail("missing starts/ends attributes");
    starts = **s;
    ends = **e;
    if (*a)
      axes = **a;
  } else {
    auto s = required(1);
    auto e = required(2);
    if (failed(s) || failed(e))
      return failure();
    auto sv = constInts(*s, "starts");
    auto ev = constInts(*e, "ends");
    if (failed(sv) || failed(ev))
      return failure();
    starts = *sv;
    ends = *ev;
    if (TensorValue *a = input(3)) {
      auto av = constInts(a, "axes");
      if (failed(av))
        return failure();
      axes = *av;
    }
    if (TensorValue *st = input(4)) {
      auto stv = constInts(st, "steps");
      if (failed(stv))
        return failure();
      steps = *stv;
    }
  }
  size_t n = starts.size();
  if (axes.empty())
    for (size_t i = 0; i < n; ++i)
      axes.push_back(static_cast<int64_t>(i));
  if (steps.empty())
    steps.assign(n, 1);
  if (ends.size() != n || axes.size() != n || steps.size() != n)
    return fail("starts, ends, axes and steps must have the same length");

  SmallVector<int64_t> offsets(r, 0), counts(X.shape.begin(), X.shape.end()),
      strides(r, 1);
  SmallVector<bool> reversed(r, false), seen(r, false);
  for (size_t i = 0; i < n; ++i) {
    auto a = normAxis(axes[i], r);
    if (failed(a))
      return failure();
    if (seen[*a])
      return fail("axis " + llvm::Twine(axes[i]) + " is repeated");
    seen[*a] = true;
    int64_t s = steps[i], st = starts[i], en = ends[i];
    if (s == 0)
      return fail("step must not be zero");
    if (isSymValue(st) || isSymValue(en) || isSymValue(s))
      return fail("dynamic slice bounds are not supported");
    int64_t dim = X.shape[*a];
    if (isSymDim(dim)) {
      if (s == 1 && st == 0 && en >= std::numeric_limits<int32_t>::max())
        continue;
      return fail("slicing a dynamic dimension is not supported");
    }
    if (st < 0)
      st += dim;
    if (en < 0)
      en = en < std::numeric_limits<int64_t>::min() + dim ? -1 : en + dim;
    int64_t count;
    if (s > 0) {
      st = std::clamp<int64_t>(st, 0, dim);
      en = std::clamp<int64_t>(en, 0, dim);
      count = en > st ? (en - st + s - 1) / s : 0;
      offsets[*a] = st;
      strides[*a] = s;
    } else {
      st = std::clamp<int64_t>(st, 0, dim - 1);
      en = std::clamp<int64_t>(en, -1, dim - 1);
      count = st > en ? (st - en + (-s) - 1) / (-s) : 0;
      // Take the same elements in increasing order, then reverse.
      offsets[*a] = count > 0 ? st - (count - 1) * (-s) : 0;
      strides[*a] = -s;
      reversed[*a] = true;
    }
    counts[*a] = count;
  }
  if (X.isConst()) {
    SmallVector<int64_t> first(offsets), step(strides);
    for (int64_t d = 0; d < r; ++d)
      if (reversed[d]) {
        first[d] = offsets[d] + (counts[d] - 1) * strides[d];
        step[d] = -strides[d];
      }
    return setOutput(0, known(foldSlice(*X.cst, first, counts, step)));
  }
  TensorValue sl = sliceOf(*this, X, offsets, counts, strides);
  if (!llvm::is_contained(reversed, true))
    return setOutput(0, sl);
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < r; ++d) {
    AffineExpr e = getAffineDimExpr(d, ctx);
    exprs.push_back(reversed[d] ? getAffineConstantExpr(counts[d] - 1, ctx) - e
                                : e);
  }
  AffineMap map = AffineMap::get(r, 0, exprs, ctx);
  Value v = genericOp({sl.value}, {map}, counts, X.dtype,
                      [](OpBuilder &, Location, ArrayRef<Value> a) { return a[0]; });
  return setOutput(0, result(v, X.dtype, counts));
}

LogicalResult Importer::importGather() {
  auto xr = required(0);
  auto ir = required(1);
  auto axisAttr = attrInt("axis", 0);
  if (failed(xr) || failed(ir) || failed(axisAttr))
    return failure();
  TensorValue &X = **xr, &I = **ir;
  if (I.dtype != DT_INT32 && I.dtype != DT_INT64)
    return fail("indices must be int32 or int64, not " + dtypeName(I.dtype));
  int64_t r = X.rank();
  if (r == 0)
    return fail("data must have rank >= 1");
  auto axis = normAxis(*axisAttr, r);
  if (failed(axis))
    return failure();
  int64_t dim = X.shape[*axis];
  Shape out(X.shape.begin(), X.shape.begin() + *axis);
  out.append(I.shape.begin(), I.shape.end());
  out.append(X.shape.begin() + *axis + 1, X.shape.end());

  TensorValue normIdx;
  TensorValue *idxTensor = &I;
  if (I.isConst()) {
    if (isSymDim(dim))
      return fail("gathering along a dynamic dimension is not supported");
    auto idx = ConstData::create(DT_INT64, I.shape);
    for (int64_t k = 0, e = I.cst->numel(); k < e; ++k) {
      int64_t v = I.cst->getI(k);
      if (v < -dim || v >= dim)
        return fail("index " + llvm::Twine(v) + " is out of range for axis " +
                    llvm::Twine(*axis) + " of size " + llvm::Twine(dim));
      idx->setI(k, v < 0 ? v + dim : v);
    }
    if (X.isConst())
      return setOutput(0, known(foldGather(*X.cst, *idx, *axis)));
    // A scalar or a contiguous run of indices is a slice.
    int64_t n = idx->numel();
    bool contiguous = I.rank() <= 1 && n > 0;
    for (int64_t k = 1; contiguous && k < n; ++k)
      contiguous = idx->getI(k) == idx->getI(0) + k;
    if (contiguous) {
      SmallVector<int64_t> offsets(r, 0), sizes(X.shape.begin(), X.shape.end()),
          strides(r, 1);
      offsets[*axis] = idx->getI(0);
      sizes[*axis] = n;
      TensorValue sl = sliceOf(*this, X, offsets, sizes, strides);
      if (I.rank() == 1)
        return setOutput(0, sl);
      return setOutput(0, result(reshapeValue(sl.value, sizes, out, X.dtype),
                                 X.dtype, out));
    }
    normIdx = known(idx);
    normIdx.name = I.name;
    normIdx.loc = I.loc;
    idxTensor = &normIdx;
  }
  // General gather: a linalg.generic reading indices and extracting from data.
  Value data = valueOf(X);
  int64_t ri = I.rank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < ri; ++d)
    exprs.push_back(getAffineDimExpr(*axis + d, ctx));
  AffineMap imap = AffineMap::get(out.size(), 0, exprs, ctx);
  int64_t ax = *axis;
  Value v = genericOp(
      {valueOf(*idxTensor)}, {imap}, out, X.dtype,
      [&](OpBuilder &ob, Location l, ArrayRef<Value> a) -> Value {
        Value i = arith::IndexCastOp::create(ob, l, ob.getIndexType(), a[0]);
        Value size = tensor::DimOp::create(ob, l, data, ax);
        Value zero = arith::ConstantIndexOp::create(ob, l, 0);
        Value neg = arith::CmpIOp::create(ob, l, arith::CmpIPredicate::slt, i, zero);
        i = arith::SelectOp::create(ob, l, neg,
                                    arith::AddIOp::create(ob, l, i, size), i);
        SmallVector<Value> coords;
        for (int64_t d = 0; d < ax; ++d)
          coords.push_back(linalg::IndexOp::create(ob, l, d));
        coords.push_back(i);
        for (int64_t d = ax + 1; d < r; ++d)
          coords.push_back(linalg::IndexOp::create(ob, l, d + ri - 1));
        return tensor::ExtractOp::create(ob, l, data, coords);
      });
  return setOutput(0, result(v, X.dtype, out));
}

LogicalResult Importer::importShape() {
  auto xr = required(0);
  auto startAttr = attrInt("start", 0);
  auto endAttr = attrInt("end", std::numeric_limits<int64_t>::max());
  if (failed(xr) || failed(startAttr) || failed(endAttr))
    return failure();
  TensorValue &X = **xr;
  int64_t r = X.rank();
  int64_t st = *startAttr < 0 ? *startAttr + r : *startAttr;
  int64_t en = *endAttr < 0 ? *endAttr + r : *endAttr;
  st = std::clamp<int64_t>(st, 0, r);
  en = std::clamp<int64_t>(en, 0, r);
  int64_t n = std::max<int64_t>(0, en - st);
  auto c = ConstData::create(DT_INT64, {n});
  for (int64_t i = 0; i < n; ++i)
    c->setI(i, dimToValue(X.shape[st + i]));
  return setOutput(0, known(c));
}

LogicalResult Importer::importSize() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  int64_t n = numElements((*xr)->shape);
  if (n < 0)
    return fail("Size of a tensor with a dynamic dimension is not supported");
  auto c = ConstData::create(DT_INT64, {});
  c->setI(0, n);
  return setOutput(0, known(c));
}

/// Axes from the 'axes' attribute (older opsets) or input #1.
static FailureOr<std::optional<SmallVector<int64_t>>> readAxes(Importer &imp) {
  auto a = imp.attrInts("axes");
  if (failed(a))
    return failure();
  if (*a)
    return a;
  if (TensorValue *t = imp.input(1)) {
    auto v = imp.constInts(t, "axes");
    if (failed(v))
      return failure();
    return std::optional<SmallVector<int64_t>>(*v);
  }
  return std::optional<SmallVector<int64_t>>();
}

LogicalResult Importer::importUnsqueeze() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  auto axesOpt = readAxes(*this);
  if (failed(axesOpt))
    return failure();
  if (!*axesOpt)
    return fail("missing axes");
  int64_t outRank = X.rank() + static_cast<int64_t>((*axesOpt)->size());
  SmallVector<bool> isNew(outRank, false);
  for (int64_t a : **axesOpt) {
    auto d = normAxis(a, outRank);
    if (failed(d))
      return failure();
    if (isNew[*d])
      return fail("axis " + llvm::Twine(a) + " is repeated");
    isNew[*d] = true;
  }
  Shape out;
  size_t k = 0;
  for (int64_t d = 0; d < outRank; ++d)
    out.push_back(isNew[d] ? 1 : X.shape[k++]);
  if (X.isConst())
    return setOutput(0, known(foldReshape(*X.cst, out)));
  return setOutput(0, result(reshapeValue(valueOf(X), X.shape, out, X.dtype),
                             X.dtype, out));
}

LogicalResult Importer::importSqueeze() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  auto axesOpt = readAxes(*this);
  if (failed(axesOpt))
    return failure();
  int64_t r = X.rank();
  SmallVector<bool> drop(r, false);
  if (*axesOpt && !(*axesOpt)->empty()) {
    for (int64_t a : **axesOpt) {
      auto d = normAxis(a, r);
      if (failed(d))
        return failure();
      if (X.shape[*d] != 1)
        return fail("inconsistent shapes: cannot squeeze axis " +
                    llvm::Twine(a) + " of size " +
                    (isSymDim(X.shape[*d]) ? std::string("?")
                                           : std::to_string(X.shape[*d])) +
                    " in " + shapeToString(X.shape));
      drop[*d] = true;
    }
  } else {
    for (int64_t d = 0; d < r; ++d)
      drop[d] = X.shape[d] == 1;
  }
  Shape out;
  for (int64_t d = 0; d < r; ++d)
    if (!drop[d])
      out.push_back(X.shape[d]);
  if (X.isConst())
    return setOutput(0, known(foldReshape(*X.cst, out)));
  return setOutput(0, result(reshapeValue(valueOf(X), X.shape, out, X.dtype),
                             X.dtype, out));
}

LogicalResult Importer::importPad() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue &X = **xr;
  int64_t r = X.rank();
  int dt = X.dtype;
  auto modeAttr = attrString("mode", "constant");
  if (failed(modeAttr))
    return failure();
  llvm::StringRef mode = *modeAttr;
  SmallVector<int64_t> pads, axes;
  double value = 0.0;
  TensorValue *runtimeValue = nullptr;
  if (opset < 11) {
    auto p = attrInts("pads");
    auto v = attrFloat("value", 0.0f);
    if (failed(p) || failed(v))
      return failure();
    if (!*p)
      return fail("missing pads attribute");
    pads = **p;
    value = *v;
  } else {
    auto p = required(1);
    if (failed(p))
      return failure();
    auto pv = constInts(*p, "pads");
    if (failed(pv))
      return failure();
    pads = *pv;
    if (TensorValue *c = input(2)) {
      if (c->dtype != dt)
        return fail("constant_value must have the input's element type");
      if (c->isConst()) {
        auto cv = constScalar(c, "constant_value");
        if (failed(cv))
          return failure();
        value = *cv;
      } else if (numElements(c->shape) == 1) {
        runtimeValue = c;
      } else {
        return fail("constant_value must be a scalar");
      }
    }
    if (TensorValue *a = input(3)) {
      auto av = constInts(a, "axes");
      if (failed(av))
        return failure();
      axes = *av;
    }
  }
  if (axes.empty())
    for (int64_t d = 0; d < r; ++d)
      axes.push_back(d);
  if (pads.size() != 2 * axes.size())
    return fail("pads has " + llvm::Twine(pads.size()) + " entries, expected " +
                llvm::Twine(2 * axes.size()));
  SmallVector<int64_t> lo(r, 0), hi(r, 0);
  size_t na = axes.size();
  for (size_t i = 0; i < na; ++i) {
    auto d = normAxis(axes[i], r);
    if (failed(d))
      return failure();
    lo[*d] = pads[i];
    hi[*d] = pads[na + i];
    if ((lo[*d] || hi[*d]) && isSymDim(X.shape[*d]))
      return fail("padding a dynamic dimension is not supported");
  }
  // Negative pads crop first.
  TensorValue src = X;
  bool crop = false;
  SmallVector<int64_t> offs(r, 0), sizes(X.shape.begin(), X.shape.end()),
      strides(r, 1);
  for (int64_t d = 0; d < r; ++d) {
    if (lo[d] < 0) {
      offs[d] = -lo[d];
      sizes[d] += lo[d];
      lo[d] = 0;
      crop = true;
    }
    if (hi[d] < 0) {
      sizes[d] += hi[d];
      hi[d] = 0;
      crop = true;
    }
    if (!isSymDim(sizes[d]) && sizes[d] < 0)
      return fail("negative pads remove more than the whole dimension");
  }
  if (crop)
    src = sliceOf(*this, X, offs, sizes, strides);
  Shape out;
  for (int64_t d = 0; d < r; ++d)
    out.push_back(isSymDim(src.shape[d]) ? src.shape[d]
                                         : src.shape[d] + lo[d] + hi[d]);
  if (mode == "constant" && runtimeValue) {
    // Pad value computed at run time: read it from its 0-d/1-element tensor.
    SmallVector<Value> zeros(runtimeValue->rank(),
                             arith::ConstantIndexOp::create(b, loc, 0));
    Value pv = tensor::ExtractOp::create(b, loc, valueOf(*runtimeValue), zeros);
    SmallVector<OpFoldResult> l, h;
    for (int64_t d = 0; d < r; ++d) {
      l.push_back(b.getIndexAttr(lo[d]));
      h.push_back(b.getIndexAttr(hi[d]));
    }
    Value v = tensor::PadOp::create(b, loc, tensorType(out, dt), valueOf(src), l,
                                    h, pv);
    return setOutput(0, result(v, dt, out));
  }
  if (mode == "constant")
    return setOutput(0, result(padValue(valueOf(src), src.shape, lo, hi, dt, value),
                               dt, out));
  if (mode != "edge" && mode != "reflect")
    return fail("unsupported pad mode '" + mode + "'");
  bool reflect = mode == "reflect";
  for (int64_t d = 0; d < r; ++d) {
    if (!(lo[d] || hi[d]))
      continue;
    int64_t n = src.shape[d];
    if (n == 0 || (reflect && (lo[d] >= n || hi[d] >= n)))
      return fail("inconsistent shapes: " + mode + " padding of " +
                  llvm::Twine(std::max(lo[d], hi[d])) +
                  " needs a dimension larger than " + llvm::Twine(n));
  }
  Value data = valueOf(src);
  Shape srcShape = src.shape;
  Value v = genericOp(
      {}, {}, out, dt, [&](OpBuilder &ob, Location l, ArrayRef<Value>) -> Value {
        SmallVector<Value> coords;
        for (int64_t d = 0; d < r; ++d) {
          Value i = linalg::IndexOp::create(ob, l, d);
          if (!(lo[d] || hi[d])) {
            coords.push_back(i);
            continue;
          }
          auto cidx = [&](int64_t c) {
            return arith::ConstantIndexOp::create(ob, l, c).getResult();
          };
          Value s = arith::SubIOp::create(ob, l, i, cidx(lo[d]));
          int64_t last = srcShape[d] - 1;
          if (reflect) {
            // reflect(s) = last - |last - |s||
            Value neg = arith::SubIOp::create(ob, l, cidx(0), s);
            Value a = arith::MaxSIOp::create(ob, l, s, neg);
            Value t = arith::SubIOp::create(ob, l, cidx(last), a);
            Value tn = arith::SubIOp::create(ob, l, cidx(0), t);
            Value at = arith::MaxSIOp::create(ob, l, t, tn);
            s = arith::SubIOp::create(ob, l, cidx(last), at);
          } else {
            s = arith::MaxSIOp::create(ob, l, s, cidx(0));
            s = arith::MinSIOp::create(ob, l, s, cidx(last));
          }
          coords.push_back(s);
        }
        return tensor::ExtractOp::create(ob, l, data, coords);
      });
  return setOutput(0, result(v, dt, out));
}

LogicalResult Importer::importExpand() {
  auto xr = required(0);
  auto sr = required(1);
  if (failed(xr) || failed(sr))
    return failure();
  TensorValue &X = **xr;
  auto dims = constInts(*sr, "shape");
  if (failed(dims))
    return failure();
  Shape target;
  for (int64_t d : *dims)
    target.push_back(isSymValue(d) ? symDim(valueSym(d)) : d);
  auto out = broadcastShapes({X.shape, target});
  if (failed(out))
    return failure();
  if (X.isConst() && numElements(*out) >= 0)
    return setOutput(0, known(foldBroadcast(*X.cst, *out)));
  if (*out == X.shape)
    return setOutput(0, X);
  Value v = genericOp({valueOf(X)}, {broadcastMap(X.shape, *out)}, *out, X.dtype,
                      [](OpBuilder &, Location, ArrayRef<Value> a) { return a[0]; });
  return setOutput(0, result(v, X.dtype, *out));
}
