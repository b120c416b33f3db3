//===- ConstData.cpp - Tensors known at import time -----------------------===//
#include "ConstData.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <cmath>
#include <cstring>

using namespace qc::onnx_import;

bool qc::onnx_import::isSupportedDType(int dtype) {
  switch (dtype) {
  case DT_FLOAT:
  case DT_UINT8:
  case DT_INT8:
  case DT_UINT16:
  case DT_INT16:
  case DT_INT32:
  case DT_INT64:
  case DT_BOOL:
  case DT_FLOAT16:
  case DT_DOUBLE:
  case DT_UINT32:
  case DT_UINT64:
  case DT_BFLOAT16:
    return true;
  default:
    return false;
  }
}

bool qc::onnx_import::isFloatDType(int dtype) {
  return dtype == DT_FLOAT || dtype == DT_DOUBLE || dtype == DT_FLOAT16 ||
         dtype == DT_BFLOAT16;
}

bool qc::onnx_import::isUnsignedDType(int dtype) {
  return dtype == DT_UINT8 || dtype == DT_UINT16 || dtype == DT_UINT32 ||
         dtype == DT_UINT64 || dtype == DT_BOOL;
}

bool qc::onnx_import::isIntegerDType(int dtype) {
  return isSupportedDType(dtype) && !isFloatDType(dtype);
}

unsigned qc::onnx_import::dtypeBytes(int dtype) {
  switch (dtype) {
  case DT_UINT8:
  case DT_INT8:
  case DT_BOOL:
    return 1;
  case DT_UINT16:
  case DT_INT16:
  case DT_FLOAT16:
  case DT_BFLOAT16:
    return 2;
  case DT_FLOAT:
  case DT_INT32:
  case DT_UINT32:
    return 4;
  default:
    return 8;
  }
}

unsigned qc::onnx_import::dtypeBits(int dtype) {
  return dtype == DT_BOOL ? 1 : dtypeBytes(dtype) * 8;
}

std::string qc::onnx_import::dtypeName(int dtype) {
  switch (dtype) {
  case DT_FLOAT:
    return "float32";
  case DT_UINT8:
    return "uint8";
  case DT_INT8:
    return "int8";
  case DT_UINT16:
    return "uint16";
  case DT_INT16:
    return "int16";
  case DT_INT32:
    return "int32";
  case DT_INT64:
    return "int64";
  case DT_STRING:
    return "string";
  case DT_BOOL:
    return "bool";
  case DT_FLOAT16:
    return "float16";
  case DT_DOUBLE:
    return "float64";
  case DT_UINT32:
    return "uint32";
  case DT_UINT64:
    return "uint64";
  case DT_COMPLEX64:
    return "complex64";
  case DT_COMPLEX128:
    return "complex128";
  case DT_BFLOAT16:
    return "bfloat16";
  default:
    return "data type " + std::to_string(dtype);
  }
}

int64_t qc::onnx_import::numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (isSymDim(d))
      return -1;
    n *= d;
  }
  return n;
}

std::string qc::onnx_import::shapeToString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += isSymDim(shape[i]) ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

std::shared_ptr<ConstData> ConstData::create(int dtype,
                                             llvm::ArrayRef<int64_t> shape) {
  auto c = std::make_shared<ConstData>();
  c->dtype = dtype;
  c->shape.assign(shape.begin(), shape.end());
  c->bytes.assign(static_cast<size_t>(numElements(shape)) * dtypeBytes(dtype),
                  0);
  return c;
}

int64_t ConstData::numel() const { return numElements(shape); }

template <typename T> static T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> static void store(uint8_t *p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

static double halfToDouble(uint16_t bits) {
  llvm::APFloat f(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}
static uint16_t doubleToHalf(double v, bool bf16) {
  llvm::APFloat f(v);
  bool lost;
  f.convert(bf16 ? llvm::APFloat::BFloat() : llvm::APFloat::IEEEhalf(),
            llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

double ConstData::getF(int64_t i) const {
  const uint8_t *p = bytes.data() + i * dtypeBytes(dtype);
  switch (dtype) {
  case DT_FLOAT:
    return load<float>(p);
  case DT_DOUBLE:
    return load<double>(p);
  case DT_FLOAT16:
    return halfToDouble(load<uint16_t>(p));
  case DT_BFLOAT16: {
    uint32_t bits = static_cast<uint32_t>(load<uint16_t>(p)) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  case DT_UINT64:
    return static_cast<double>(load<uint64_t>(p));
  default:
    return static_cast<double>(getI(i));
  }
}

int64_t ConstData::getI(int64_t i) const {
  const uint8_t *p = bytes.data() + i * dtypeBytes(dtype);
  switch (dtype) {
  case DT_UINT8:
  case DT_BOOL:
    return load<uint8_t>(p);
  case DT_INT8:
    return load<int8_t>(p);
  case DT_UINT16:
    return load<uint16_t>(p);
  case DT_INT16:
    return load<int16_t>(p);
  case DT_INT32:
    return load<int32_t>(p);
  case DT_UINT32:
    return load<uint32_t>(p);
  case DT_INT64:
    return load<int64_t>(p);
  case DT_UINT64:
    return static_cast<int64_t>(load<uint64_t>(p));
  default: {
    double v = getF(i);
    if (std::isnan(v))
      return 0;
    if (v >= 9.2233720368547758e18)
      return std::numeric_limits<int64_t>::max();
    if (v <= -9.2233720368547758e18)
      return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(v);
  }
  }
}

void ConstData::setF(int64_t i, double v) {
  uint8_t *p = bytes.data() + i * dtypeBytes(dtype);
  switch (dtype) {
  case DT_FLOAT:
    return store<float>(p, static_cast<float>(v));
  case DT_DOUBLE:
    return store<double>(p, v);
  case DT_FLOAT16:
    return store<uint16_t>(p, doubleToHalf(v, false));
  case DT_BFLOAT16:
    return store<uint16_t>(p, doubleToHalf(v, true));
  case DT_BOOL:
    return store<uint8_t>(p, v != 0.0);
  default: {
    int64_t iv;
    if (std::isnan(v))
      iv = 0;
    else if (v >= 9.2233720368547758e18)
      iv = std::numeric_limits<int64_t>::max();
    else if (v <= -9.2233720368547758e18)
      iv = std::numeric_limits<int64_t>::min();
    else
      iv = static_cast<int64_t>(v);
    return setI(i, iv);
  }
  }
}

void ConstData::setI(int64_t i, int64_t v) {
  uint8_t *p = bytes.data() + i * dtypeBytes(dtype);
  switch (dtype) {
  case DT_UINT8:
    return store<uint8_t>(p, static_cast<uint8_t>(v));
  case DT_BOOL:
    return store<uint8_t>(p, v != 0);
  case DT_INT8:
    return store<int8_t>(p, static_cast<int8_t>(v));
  case DT_UINT16:
    return store<uint16_t>(p, static_cast<uint16_t>(v));
  case DT_INT16:
    return store<int16_t>(p, static_cast<int16_t>(v));
  case DT_INT32:
    return store<int32_t>(p, static_cast<int32_t>(v));
  case DT_UINT32:
    return store<uint32_t>(p, static_cast<uint32_t>(v));
  case DT_INT64:
    return store<int64_t>(p, v);
  case DT_UINT64:
    return store<uint64_t>(p, static_cast<uint64_t>(v));
  default:
    return setF(i, static_cast<double>(v));
  }
}

bool ConstData::hasSymbols() const {
  if (dtype != DT_INT64)
    return false;
  for (int64_t i = 0, e = numel(); i < e; ++i)
    if (isSymValue(getI(i)))
      return true;
  return false;
}

std::vector<int64_t> ConstData::toInts() const {
  std::vector<int64_t> v(static_cast<size_t>(numel()));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = getI(static_cast<int64_t>(i));
  return v;
}

std::vector<double> ConstData::toDoubles() const {
  std::vector<double> v(static_cast<size_t>(numel()));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = getF(static_cast<int64_t>(i));
  return v;
}

bool ConstData::isSplat() const {
  unsigned eb = dtypeBytes(dtype);
  for (size_t off = eb; off < bytes.size(); off += eb)
    if (std::memcmp(bytes.data(), bytes.data() + off, eb) != 0)
      return false;
  return true;
}

/// Row-major strides of a static shape.
static llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> s(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Calls fn(outLinear, srcOffsets...) for every element of outShape, where
/// srcStrides[k] are per-input strides aligned to outShape (0 = broadcast).
static void forEachIndex(
    llvm::ArrayRef<int64_t> outShape,
    llvm::ArrayRef<llvm::SmallVector<int64_t, 6>> srcStrides,
    llvm::ArrayRef<int64_t> srcBase,
    llvm::function_ref<void(int64_t, llvm::ArrayRef<int64_t>)> fn) {
  int64_t n = numElements(outShape);
  size_t rank = outShape.size();
  size_t nsrc = srcStrides.size();
  llvm::SmallVector<int64_t, 6> idx(rank, 0);
  llvm::SmallVector<int64_t, 4> off(srcBase.begin(), srcBase.end());
  for (int64_t k = 0; k < n; ++k) {
    fn(k, off);
    // Advance the odometer.
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      ++idx[d];
      for (size_t s = 0; s < nsrc; ++s)
        off[s] += srcStrides[s][d];
      if (idx[d] < outShape[d])
        break;
      for (size_t s = 0; s < nsrc; ++s)
        off[s] -= srcStrides[s][d] * outShape[d];
      idx[d] = 0;
    }
  }
}

static void copyElem(const ConstData &src, int64_t si, ConstData &dst,
                     int64_t di) {
  unsigned eb = dtypeBytes(src.dtype);
  std::memcpy(dst.bytes.data() + di * eb, src.bytes.data() + si * eb, eb);
}

ConstPtr qc::onnx_import::foldReshape(const ConstData &x,
                                      llvm::ArrayRef<int64_t> shape) {
  auto r = std::make_shared<ConstData>(x);
  r->shape.assign(shape.begin(), shape.end());
  return r;
}

ConstPtr qc::onnx_import::foldTranspose(const ConstData &x,
                                        llvm::ArrayRef<int64_t> perm) {
  Shape outShape;
  for (int64_t p : perm)
    outShape.push_back(x.shape[p]);
  auto r = ConstData::create(x.dtype, outShape);
  auto inStrides = stridesOf(x.shape);
  llvm::SmallVector<int64_t, 6> s;
  for (int64_t p : perm)
    s.push_back(inStrides[p]);
  llvm::SmallVector<int64_t, 6> strides[1] = {s};
  int64_t base[1] = {0};
  forEachIndex(outShape, strides, base,
               [&](int64_t k, llvm::ArrayRef<int64_t> off) {
                 copyElem(x, off[0], *r, k);
               });
  return r;
}

ConstPtr qc::onnx_import::foldConcat(llvm::ArrayRef<const ConstData *> xs,
                                     int64_t axis) {
  Shape outShape(xs[0]->shape);
  outShape[axis] = 0;
  for (const ConstData *x : xs)
    outShape[axis] += x->shape[axis];
  auto r = ConstData::create(xs[0]->dtype, outShape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= outShape[d];
  for (size_t d = axis + 1; d < outShape.size(); ++d)
    inner *= outShape[d];
  unsigned eb = dtypeBytes(r->dtype);
  int64_t dstRow = outShape[axis] * inner;
  int64_t col = 0;
  for (const ConstData *x : xs) {
    int64_t rowLen = x->shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o)
      std::memcpy(r->bytes.data() + (o * dstRow + col) * eb,
                  x->bytes.data() + o * rowLen * eb, rowLen * eb);
    col += rowLen;
  }
  return r;
}

ConstPtr qc::onnx_import::foldSlice(const ConstData &x,
                                    llvm::ArrayRef<int64_t> starts,
                                    llvm::ArrayRef<int64_t> counts,
                                    llvm::ArrayRef<int64_t> steps) {
  auto r = ConstData::create(x.dtype, counts);
  auto inStrides = stridesOf(x.shape);
  int64_t base = 0;
  llvm::SmallVector<int64_t, 6> s;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    base += starts[d] * inStrides[d];
    s.push_back(steps[d] * inStrides[d]);
  }
  llvm::SmallVector<int64_t, 6> strides[1] = {s};
  int64_t bases[1] = {base};
  forEachIndex(counts, strides, bases,
               [&](int64_t k, llvm::ArrayRef<int64_t> off) {
                 copyElem(x, off[0], *r, k);
               });
  return r;
}

ConstPtr qc::onnx_import::foldGather(const ConstData &x,
                                     const ConstData &indices, int64_t axis) {
  Shape outShape(x.shape.begin(), x.shape.begin() + axis);
  outShape.append(indices.shape.begin(), indices.shape.end());
  outShape.append(x.shape.begin() + axis + 1, x.shape.end());
  auto r = ConstData::create(x.dtype, outShape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= x.shape[d];
  for (size_t d = axis + 1; d < x.shape.size(); ++d)
    inner *= x.shape[d];
  int64_t nidx = indices.numel();
  unsigned eb = dtypeBytes(x.dtype);
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < nidx; ++j, ++k)
      std::memcpy(r->bytes.data() + k * inner * eb,
                  x.bytes.data() +
                      ((o * x.shape[axis] + indices.getI(j)) * inner) * eb,
                  inner * eb);
  return r;
}

ConstPtr qc::onnx_import::foldCast(const ConstData &x, int toDtype) {
  auto r = ConstData::create(toDtype, x.shape);
  bool viaFloat = isFloatDType(x.dtype) || isFloatDType(toDtype);
  for (int64_t i = 0, e = x.numel(); i < e; ++i) {
    if (toDtype == DT_BOOL)
      r->setI(i, isFloatDType(x.dtype) ? x.getF(i) != 0.0 : x.getI(i) != 0);
    else if (viaFloat)
      r->setF(i, x.getF(i));
    else
      r->setI(i, x.getI(i));
  }
  return r;
}

static llvm::SmallVector<int64_t, 6>
broadcastStrides(llvm::ArrayRef<int64_t> inShape,
                 llvm::ArrayRef<int64_t> outShape) {
  auto inStrides = stridesOf(inShape);
  llvm::SmallVector<int64_t, 6> s(outShape.size(), 0);
  size_t off = outShape.size() - inShape.size();
  for (size_t d = 0; d < inShape.size(); ++d)
    s[off + d] = (inShape[d] == 1 && outShape[off + d] != 1) ? 0 : inStrides[d];
  return s;
}

ConstPtr qc::onnx_import::foldElementwise(
    llvm::ArrayRef<const ConstData *> xs, llvm::ArrayRef<int64_t> outShape,
    int outDtype, bool computeInFloat,
    llvm::function_ref<double(llvm::ArrayRef<double>)> fop,
    llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> iop) {
  auto r = ConstData::create(outDtype, outShape);
  llvm::SmallVector<llvm::SmallVector<int64_t, 6>, 4> strides;
  llvm::SmallVector<int64_t, 4> bases(xs.size(), 0);
  for (const ConstData *x : xs)
    strides.push_back(broadcastStrides(x->shape, outShape));
  llvm::SmallVector<double, 4> fargs(xs.size());
  llvm::SmallVector<int64_t, 4> iargs(xs.size());
  forEachIndex(outShape, strides, bases,
               [&](int64_t k, llvm::ArrayRef<int64_t> off) {
                 if (computeInFloat) {
                   for (size_t s = 0; s < xs.size(); ++s)
                     fargs[s] = xs[s]->getF(off[s]);
                   r->setF(k, fop(fargs));
                 } else {
                   for (size_t s = 0; s < xs.size(); ++s)
                     iargs[s] = xs[s]->getI(off[s]);
                   r->setI(k, iop(iargs));
                 }
               });
  return r;
}

ConstPtr qc::onnx_import::foldBroadcast(const ConstData &x,
                                        llvm::ArrayRef<int64_t> outShape) {
  auto r = ConstData::create(x.dtype, outShape);
  llvm::SmallVector<int64_t, 6> strides[1] = {
      broadcastStrides(x.shape, outShape)};
  int64_t bases[1] = {0};
  forEachIndex(outShape, strides, bases,
               [&](int64_t k, llvm::ArrayRef<int64_t> off) {
                 copyElem(x, off[0], *r, k);
               });
  return r;
}
