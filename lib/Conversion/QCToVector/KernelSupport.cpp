//===- KernelSupport.cpp - Pieces shared by the int8 vector kernels -------===//
#include "KernelSupport.h"

#include "qc/Conversion/QuantTypeUtils.h"
#include "qc/Dialect/QC/Transforms/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

std::optional<SmallVector<int64_t>> qc::kernels::constantIntegers(Value v) {
  if (auto cast = v.getDefiningOp<quant::StorageCastOp>())
    v = cast.getInput();
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isInteger())
    return std::nullopt;
  auto values = elements.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  SmallVector<int64_t> out;
  out.reserve(elements.getNumElements());
  for (const APInt &a : *values)
    out.push_back(a.getSExtValue());
  return out;
}

LogicalResult qc::kernels::readKernelOperands(Value input, Value weight,
                                              Value bias, Value result,
                                              bool exactInputBits,
                                              KernelOperands &out,
                                              std::string &why) {
  out.input = qtypeOf(input);
  out.weight = qtypeOf(weight);
  out.result = qtypeOf(result);
  unsigned xBits = out.input.getStorageTypeIntegralWidth();
  if ((exactInputBits ? xBits != 8 : xBits > 8) ||
      isa<quant::UniformQuantizedPerAxisType>(out.input)) {
    why = exactInputBits
              ? "the input must be per-tensor with 8-bit storage"
              : "the input must be per-tensor with at most 8-bit storage";
    return failure();
  }
  if (!out.weight.isSigned() || out.weight.getStorageTypeIntegralWidth() > 8) {
    why = "the weights must have signed storage of at most 8 bits";
    return failure();
  }
  if (out.result.getStorageTypeIntegralWidth() > 32) {
    why = "the result storage is wider than 32 bits";
    return failure();
  }
  std::optional<SmallVector<int64_t>> w = constantIntegers(weight);
  if (!w) {
    why = "the weights are not a constant";
    return failure();
  }
  out.weights = std::move(*w);
  if (bias) {
    out.bias = constantIntegers(bias);
    if (!out.bias) {
      why = "the bias is not a constant";
      return failure();
    }
  }
  return success();
}

LogicalResult qc::kernels::computeChannelRequant(
    quant::QuantizedType x, quant::QuantizedType w, quant::QuantizedType y,
    int64_t channels, int64_t padTo, bool doubleRound, ChannelRequant &out,
    std::string &why) {
  bool perChannel = isa<quant::UniformQuantizedPerAxisType>(w);
  double sy = scaleAt(y, 0);
  for (int64_t c = 0; c < std::max(channels, padTo); ++c) {
    int64_t ch = perChannel ? std::min(c, channels - 1) : 0;
    double ratio = scaleAt(x, 0) * scaleAt(w, ch) / sy;
    std::optional<RequantMultiplier> m = computeRequantMultiplier(ratio);
    if (!m || !requantFitsInt64(uint64_t(1) << 31, *m, doubleRound)) {
      why = "the requantization of channel " + std::to_string(ch) +
            " needs the split 128-bit form";
      return failure();
    }
    out.multiplier.push_back(m->multiplier);
    out.shift.push_back(m->shift);
    out.roundPos.push_back(requantRoundingTerm(m->shift, doubleRound, true));
    out.roundNeg.push_back(requantRoundingTerm(m->shift, doubleRound, false));
    out.signedRounding |= out.roundPos.back() != out.roundNeg.back();
    out.minShift = std::min<int64_t>(out.minShift, m->shift);
  }
  return success();
}

Value qc::kernels::constantGlobal(OpBuilder &b, Location loc, ModuleOp module,
                                  SymbolTable &symbols, StringRef name,
                                  DenseElementsAttr data) {
  auto type = MemRefType::get(data.getType().getShape(),
                              data.getType().getElementType());
  memref::GlobalOp global;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    global = memref::GlobalOp::create(
        b, loc, b.getStringAttr(name), b.getStringAttr("private"),
        TypeAttr::get(type), data, b.getUnitAttr(), b.getI64IntegerAttr(64));
    symbols.insert(global);
  }
  return memref::GetGlobalOp::create(b, loc, type, global.getSymName());
}

Value qc::kernels::prefixMask(OpBuilder &b, Location loc, int64_t lanes,
                              int64_t count) {
  SmallVector<bool> bits(lanes, false);
  for (int64_t l = 0; l < std::min(lanes, count); ++l)
    bits[l] = true;
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                             ArrayRef<bool>(bits)));
}

Value qc::kernels::storageBuffer(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType())) {
    type = type.clone(
        IntegerType::get(b.getContext(), q.getStorageTypeIntegralWidth()));
    v = quant::StorageCastOp::create(b, loc, type, v);
  }
  auto mt = MemRefType::get(type.getShape(), type.getElementType());
  return bufferization::ToBufferOp::create(b, loc, mt, v, /*read_only=*/true);
}

Value qc::kernels::allocBuffer(OpBuilder &b, Location loc,
                               RankedTensorType type, Type elt,
                               ValueRange dynamicSizes) {
  auto mt = MemRefType::get(type.getShape(), elt);
  return memref::AllocOp::create(b, loc, mt, dynamicSizes,
                                 b.getI64IntegerAttr(64));
}

Value qc::kernels::flatten(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 1)
    return buffer;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return memref::CollapseShapeOp::create(b, loc, buffer,
                                         ArrayRef<ReassociationIndices>{all});
}

Value qc::kernels::resultTensor(OpBuilder &b, Location loc, Value buffer,
                                RankedTensorType resultType) {
  auto storageType =
      resultType.clone(cast<MemRefType>(buffer.getType()).getElementType());
  Value t = bufferization::ToTensorOp::create(b, loc, storageType, buffer,
                                              b.getUnitAttr(), b.getUnitAttr());
  if (isa<quant::QuantizedType>(resultType.getElementType()))
    return quant::StorageCastOp::create(b, loc, resultType, t);
  return t;
}

std::string qc::kernels::layerSymbol(StringRef prefix, Operation *op) {
  std::string name = prefix.str();
  if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc())) {
    name += "_";
    for (char ch : nameLoc.getName().strref())
      name += llvm::isAlnum(ch) ? ch : '_';
  }
  return name;
}
