//===- QCOps.cpp - QC operations and attributes ---------------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qc;

#include "qc/Dialect/QC/IR/QCEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qc/Dialect/QC/IR/QCAttrs.cpp.inc"

//===----------------------------------------------------------------------===//
// StatsAttr
//===----------------------------------------------------------------------===//

/// Parses a float literal, also accepting `nan`, `inf` and `-inf` so that the
/// verifier (not the parser) can report non-finite statistics.
static ParseResult parseStatsFloat(AsmParser &parser, double &value) {
  if (succeeded(parser.parseOptionalKeyword("nan"))) {
    value = std::nan("");
    return success();
  }
  if (succeeded(parser.parseOptionalKeyword("inf"))) {
    value = INFINITY;
    return success();
  }
  if (succeeded(parser.parseOptionalMinus())) {
    if (succeeded(parser.parseOptionalKeyword("inf"))) {
      value = -INFINITY;
      return success();
    }
    if (parser.parseFloat(value))
      return failure();
    value = -value;
    return success();
  }
  return parser.parseFloat(value);
}

template <typename T>
static ParseResult parseNumberList(AsmParser &parser, SmallVectorImpl<T> &out) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        if constexpr (std::is_same_v<T, double>) {
          double v;
          if (parseStatsFloat(parser, v))
            return failure();
          out.push_back(v);
        } else {
          int64_t v;
          if (parser.parseInteger(v))
            return failure();
          out.push_back(v);
        }
        return success();
      });
}

Attribute StatsAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  std::optional<double> min, max, avgMin, avgMax, histMin, histMax;
  SmallVector<int64_t> hist;
  SmallVector<double> chMin, chMax;
  if (parser.parseLess())
    return {};
  auto parseField = [&]() -> ParseResult {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    auto scalar = [&](std::optional<double> &slot) -> ParseResult {
      if (slot)
        return parser.emitError(keyLoc) << "duplicate stats field '" << key << "'";
      double v;
      if (parseStatsFloat(parser, v))
        return failure();
      slot = v;
      return success();
    };
    if (key == "min")
      return scalar(min);
    if (key == "max")
      return scalar(max);
    if (key == "avg_min")
      return scalar(avgMin);
    if (key == "avg_max")
      return scalar(avgMax);
    if (key == "hist_min")
      return scalar(histMin);
    if (key == "hist_max")
      return scalar(histMax);
    if (key == "hist")
      return parseNumberList(parser, hist);
    if (key == "channel_min")
      return parseNumberList(parser, chMin);
    if (key == "channel_max")
      return parseNumberList(parser, chMax);
    return parser.emitError(keyLoc) << "unknown stats field '" << key << "'";
  };
  if (parser.parseCommaSeparatedList(parseField) || parser.parseGreater())
    return {};
  if (!min || !max) {
    parser.emitError(loc) << "stats require both 'min' and 'max'";
    return {};
  }
  if (!hist.empty() && (!histMin || !histMax)) {
    parser.emitError(loc) << "a stats histogram needs 'hist_min' and 'hist_max'";
    return {};
  }
  auto ap = [](std::optional<double> v) -> std::optional<llvm::APFloat> {
    if (!v)
      return std::nullopt;
    return llvm::APFloat(*v);
  };
  MLIRContext *ctx = parser.getContext();
  auto chAttr = [&](ArrayRef<double> v) {
    return v.empty() ? DenseF64ArrayAttr() : DenseF64ArrayAttr::get(ctx, v);
  };
  return parser.getChecked<StatsAttr>(
      loc, ctx, llvm::APFloat(*min), llvm::APFloat(*max), ap(avgMin),
      ap(avgMax), llvm::APFloat(histMin.value_or(0.0)),
      llvm::APFloat(histMax.value_or(0.0)), hist, chAttr(chMin),
      chAttr(chMax));
}

static void printDouble(AsmPrinter &printer, double v) {
  printer.printFloat(llvm::APFloat(v));
}

void StatsAttr::print(AsmPrinter &printer) const {
  printer << "<min = ";
  printDouble(printer, minValue());
  printer << ", max = ";
  printDouble(printer, maxValue());
  if (hasAverage()) {
    printer << ", avg_min = ";
    printDouble(printer, avgMinValue());
    printer << ", avg_max = ";
    printDouble(printer, avgMaxValue());
  }
  if (hasHistogram()) {
    printer << ", hist_min = ";
    printDouble(printer, histMinValue());
    printer << ", hist_max = ";
    printDouble(printer, histMaxValue());
    printer << ", hist = [";
    llvm::interleaveComma(getHist(), printer);
    printer << "]";
  }
  if (hasChannels()) {
    auto list = [&](ArrayRef<double> values) {
      printer << "[";
      llvm::interleaveComma(values, printer,
                            [&](double v) { printDouble(printer, v); });
      printer << "]";
    };
    printer << ", channel_min = ";
    list(channelMins());
    printer << ", channel_max = ";
    list(channelMaxs());
  }
  printer << ">";
}

LogicalResult StatsAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, llvm::APFloat minAP,
    llvm::APFloat maxAP, std::optional<llvm::APFloat> avgMinAP,
    std::optional<llvm::APFloat> avgMaxAP, llvm::APFloat histMinAP,
    llvm::APFloat histMaxAP, ArrayRef<int64_t> hist,
    DenseF64ArrayAttr channelMinAttr, DenseF64ArrayAttr channelMaxAttr) {
  double min = minAP.convertToDouble(), max = maxAP.convertToDouble();
  double histMin = histMinAP.convertToDouble();
  double histMax = histMaxAP.convertToDouble();
  std::optional<double> avgMin, avgMax;
  if (avgMinAP)
    avgMin = avgMinAP->convertToDouble();
  if (avgMaxAP)
    avgMax = avgMaxAP->convertToDouble();
  if (avgMin.has_value() != avgMax.has_value())
    return emitError() << "stats need both avg_min and avg_max or neither";
  ArrayRef<double> channelMin, channelMax;
  if (channelMinAttr)
    channelMin = channelMinAttr.asArrayRef();
  if (channelMaxAttr)
    channelMax = channelMaxAttr.asArrayRef();
  auto finite = [&](double v, StringRef name) -> LogicalResult {
    if (!std::isfinite(v))
      return emitError() << "stats '" << name << "' is " << v
                         << "; calibration ranges must be finite";
    return success();
  };
  if (failed(finite(min, "min")) || failed(finite(max, "max")))
    return failure();
  if (min > max)
    return emitError() << "stats min " << min << " exceeds max " << max;
  if (avgMin) {
    if (failed(finite(*avgMin, "avg_min")) || failed(finite(*avgMax, "avg_max")))
      return failure();
    if (*avgMin > *avgMax)
      return emitError() << "stats avg_min " << *avgMin << " exceeds avg_max "
                         << *avgMax;
  }
  if (!hist.empty()) {
    if (failed(finite(histMin, "hist_min")) ||
        failed(finite(histMax, "hist_max")))
      return failure();
    if (!(histMin < histMax))
      return emitError() << "stats histogram range [" << histMin << ", "
                         << histMax << "] is empty";
    for (auto [i, c] : llvm::enumerate(hist))
      if (c < 0)
        return emitError() << "stats histogram bin " << i
                           << " has negative count " << c;
  }
  if (channelMin.size() != channelMax.size())
    return emitError() << "stats have " << channelMin.size()
                       << " channel_min values but " << channelMax.size()
                       << " channel_max values";
  for (size_t i = 0; i < channelMin.size(); ++i) {
    if (!std::isfinite(channelMin[i]) || !std::isfinite(channelMax[i]))
      return emitError() << "stats channel " << i
                         << " has a non-finite range";
    if (channelMin[i] > channelMax[i])
      return emitError() << "stats channel " << i << " min " << channelMin[i]
                         << " exceeds max " << channelMax[i];
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Shared verification of quantized element types
//===----------------------------------------------------------------------===//

LogicalResult qc::verifyQuantizedElementType(
    function_ref<InFlightDiagnostic()> emitError, quant::QuantizedType qtype,
    ShapedType shaped, Type expressed, StringRef what) {
  auto intTy = dyn_cast<IntegerType>(qtype.getStorageType());
  if (!intTy || intTy.getWidth() < 2 || intTy.getWidth() > 32)
    return emitError() << what << " has storage type "
                       << qtype.getStorageType()
                       << "; supported storage is a 2..32-bit integer";
  if (expressed && qtype.getExpressedType() != expressed)
    return emitError() << what << " expresses " << qtype.getExpressedType()
                       << " but the float element type is " << expressed;
  int64_t qmin = qtype.getStorageTypeMin(), qmax = qtype.getStorageTypeMax();
  auto checkParams = [&](double scale, int64_t zp,
                         std::optional<int64_t> channel) -> LogicalResult {
    auto where = [&](InFlightDiagnostic diag) -> InFlightDiagnostic {
      if (channel)
        diag << " (channel " << *channel << ")";
      return diag;
    };
    if (!std::isfinite(scale) || !(scale > 0.0))
      return where(emitError() << what << " has scale " << scale
                               << "; a scale must be finite and > 0");
    if (zp < qmin || zp > qmax)
      return where(emitError() << what << " has zero point " << zp
                               << " outside the storage range [" << qmin
                               << ", " << qmax << "]");
    return success();
  };
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype))
    return checkParams(uniform.getScale(), uniform.getZeroPoint(), std::nullopt);
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis < 0 || axis >= shaped.getRank())
      return emitError() << what << " quantizes axis " << axis
                         << " but the tensor has rank " << shaped.getRank();
    int64_t count = perAxis.getScales().size();
    if (!shaped.isDynamicDim(axis) && shaped.getDimSize(axis) != count)
      return emitError() << what << " has " << count
                         << " scales but dimension " << axis << " has size "
                         << shaped.getDimSize(axis);
    for (int64_t i = 0; i < count; ++i)
      if (failed(checkParams(perAxis.getScales()[i],
                             perAxis.getZeroPoints()[i], i)))
        return failure();
    return success();
  }
  return emitError() << what << " " << qtype
                     << " is not a uniform (per-tensor or per-axis) type";
}

//===----------------------------------------------------------------------===//
// Op verifiers
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getId().empty())
    return emitOpError("requires a non-empty id");
  auto type = getInput().getType();
  std::optional<int64_t> axis = getAxis();
  if (axis && (*axis < 0 || *axis >= type.getRank()))
    return emitOpError() << "axis " << *axis << " is out of range for rank "
                         << type.getRank();
  if (auto stats = getStatsAttr()) {
    if (stats.hasChannels()) {
      if (!axis)
        return emitOpError("has per-channel statistics but no axis");
      int64_t dim = type.getDimSize(*axis);
      if (!ShapedType::isDynamic(dim) &&
          dim != static_cast<int64_t>(stats.channelMins().size()))
        return emitOpError() << "has " << stats.channelMins().size()
                             << " per-channel statistics but axis " << *axis
                             << " has size " << dim;
    }
  }
  return success();
}

static quant::QuantizedType elementQType(Type t) {
  return cast<quant::QuantizedType>(cast<ShapedType>(t).getElementType());
}

LogicalResult QuantizeOp::verify() {
  auto resultType = cast<ShapedType>(getResult().getType());
  return verifyQuantizedElementType(
      [&]() { return emitOpError(); }, elementQType(resultType), resultType,
      getInput().getType().getElementType(), "result type");
}

LogicalResult DequantizeOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  return verifyQuantizedElementType(
      [&]() { return emitOpError(); }, elementQType(inputType), inputType,
      getResult().getType().getElementType(), "input type");
}

LogicalResult RequantizeOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  auto in = elementQType(inputType), out = elementQType(resultType);
  if (failed(verifyQuantizedElementType([&]() { return emitOpError(); }, in,
                                        inputType, Type(), "input type")) ||
      failed(verifyQuantizedElementType([&]() { return emitOpError(); }, out,
                                        resultType, Type(), "result type")))
    return failure();
  if (in.getExpressedType() != out.getExpressedType())
    return emitOpError() << "input expresses " << in.getExpressedType()
                         << " but result expresses " << out.getExpressedType();
  auto inAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(in);
  auto outAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(out);
  if (inAxis && outAxis &&
      inAxis.getQuantizedDimension() != outAxis.getQuantizedDimension())
    return emitOpError() << "input is quantized along axis "
                         << inAxis.getQuantizedDimension()
                         << " but result along axis "
                         << outAxis.getQuantizedDimension();
  return success();
}

LogicalResult FakeQuantOp::verify() {
  auto type = getInput().getType();
  auto qtype = cast<quant::QuantizedType>(getQtype());
  return verifyQuantizedElementType([&]() { return emitOpError(); }, qtype,
                                    type, type.getElementType(),
                                    "fake-quant type");
}

//===----------------------------------------------------------------------===//
// DotU8S8Op
//===----------------------------------------------------------------------===//

LogicalResult DotU8S8Op::verify() {
  int64_t lanes = getAcc().getType().getNumElements();
  int64_t bytes = getLhs().getType().getNumElements();
  if (getAcc().getType().isScalable() || getLhs().getType().isScalable())
    return emitOpError() << "scalable vectors are not supported";
  if (bytes != 4 * lanes)
    return emitOpError() << "operands have " << bytes
                         << " bytes but the accumulator has " << lanes
                         << " lanes; each lane takes 4 bytes";
  // The 7-bit promise can be checked where the weights are a constant.
  DenseIntElementsAttr rhs;
  if (getRhsFitsI7() && matchPattern(getRhs(), m_Constant(&rhs)))
    for (auto [i, v] : llvm::enumerate(rhs.getValues<APInt>())) {
      int64_t w = v.getSExtValue();
      if (w < -64 || w > 63)
        return emitOpError() << "has rhs_fits_i7 but rhs byte " << i << " is "
                             << w << ", outside [-64, 63]";
    }
  return success();
}

LogicalResult MmlaU8S8Op::verify() {
  VectorType acc = getAcc().getType(), lhs = getLhs().getType();
  if (acc.isScalable() || lhs.isScalable())
    return emitOpError() << "scalable vectors are not supported";
  int64_t lanes = acc.getNumElements(), bytes = lhs.getNumElements();
  if (lanes % 4 != 0)
    return emitOpError() << "accumulator has " << lanes
                         << " lanes; it must hold whole 2x2 blocks (a "
                            "multiple of 4 lanes)";
  if (bytes != 4 * lanes)
    return emitOpError() << "operands have " << bytes
                         << " bytes but the accumulator has " << lanes
                         << " lanes; each 2x2 block of 4 lanes takes 16 "
                            "bytes";
  return success();
}

#define GET_OP_CLASSES
#include "qc/Dialect/QC/IR/QCOps.cpp.inc"

void QCDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qc/Dialect/QC/IR/QCOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qc/Dialect/QC/IR/QCAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Integer compute ops
//===----------------------------------------------------------------------===//

static std::optional<double> toDouble(std::optional<llvm::APFloat> v) {
  if (!v)
    return std::nullopt;
  return v->convertToDouble();
}

namespace {
/// Emits the verifier diagnostics shared by the integer compute ops.
struct IntegerOpChecker {
  Operation *op;

  InFlightDiagnostic error() { return op->emitOpError(); }

  /// A per-tensor uniform quantized element type, or an error naming `what`.
  FailureOr<quant::UniformQuantizedType> perTensor(Value v, StringRef what) {
    auto shaped = cast<ShapedType>(v.getType());
    auto qtype = cast<quant::QuantizedType>(shaped.getElementType());
    if (failed(verifyQuantizedElementType([&]() { return error(); }, qtype,
                                          shaped, Type(), what)))
      return failure();
    auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype);
    if (!uniform) {
      error() << what << " must be quantized per tensor, got " << qtype;
      return failure();
    }
    return uniform;
  }

  /// Symmetric weights: signed storage of at most 8 bits, zero point 0,
  /// per-tensor or per-channel along `channelAxis`.
  LogicalResult weight(Value w, int64_t channelAxis) {
    auto shaped = cast<ShapedType>(w.getType());
    auto qtype = cast<quant::QuantizedType>(shaped.getElementType());
    if (failed(verifyQuantizedElementType([&]() { return error(); }, qtype,
                                          shaped, Type(), "weight type")))
      return failure();
    if (!qtype.isSigned() || qtype.getStorageTypeIntegralWidth() > 8)
      return error() << "weight storage must be signed with at most 8 bits, got "
                     << qtype.getStorageType();
    if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype)) {
      if (uniform.getZeroPoint() != 0)
        return error() << "weights must be symmetric (zero point 0), got "
                       << uniform.getZeroPoint();
      return success();
    }
    auto perAxis = cast<quant::UniformQuantizedPerAxisType>(qtype);
    if (perAxis.getQuantizedDimension() != channelAxis)
      return error() << "weights must be quantized per output channel (axis "
                     << channelAxis << "), got axis "
                     << perAxis.getQuantizedDimension();
    for (auto [i, zp] : llvm::enumerate(perAxis.getZeroPoints()))
      if (zp != 0)
        return error() << "weights must be symmetric (zero point 0), channel "
                       << i << " has " << zp;
    return success();
  }

  /// int32 bias with scale s_x * s_w (per channel when the weights are).
  LogicalResult bias(Value b, double inputScale, Value w, int64_t channels) {
    auto shaped = cast<ShapedType>(b.getType());
    auto qtype = cast<quant::QuantizedType>(shaped.getElementType());
    if (failed(verifyQuantizedElementType([&]() { return error(); }, qtype,
                                          shaped, Type(), "bias type")))
      return failure();
    if (shaped.getRank() != 1 ||
        (!shaped.isDynamicDim(0) && !ShapedType::isDynamic(channels) &&
         shaped.getDimSize(0) != channels))
      return error() << "bias must be a 1-D tensor of " << channels
                     << " values, got " << shaped;
    if (qtype.getStorageTypeIntegralWidth() != 32 || !qtype.isSigned())
      return error() << "bias storage must be i32, got "
                     << qtype.getStorageType();
    auto wq = cast<quant::QuantizedType>(
        cast<ShapedType>(w.getType()).getElementType());
    auto scaleOf = [](quant::QuantizedType t, int64_t i) -> double {
      if (auto u = dyn_cast<quant::UniformQuantizedType>(t))
        return u.getScale();
      return cast<quant::UniformQuantizedPerAxisType>(t).getScales()[i];
    };
    int64_t count = 1;
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype))
      count = pa.getScales().size();
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(wq))
      count = std::max<int64_t>(count, pa.getScales().size());
    for (int64_t i = 0; i < count; ++i) {
      auto bz = isa<quant::UniformQuantizedType>(qtype)
                    ? cast<quant::UniformQuantizedType>(qtype).getZeroPoint()
                    : cast<quant::UniformQuantizedPerAxisType>(qtype)
                          .getZeroPoints()[i];
      if (bz != 0)
        return error() << "bias zero point must be 0, channel " << i << " has "
                       << bz;
      double expect = inputScale * scaleOf(wq, i);
      double got = scaleOf(qtype, i);
      if (std::abs(got - expect) > 1e-6 * expect)
        return error() << "bias scale " << got << " of channel " << i
                       << " must equal input scale * weight scale = " << expect;
    }
    return success();
  }

  LogicalResult clamp(std::optional<double> lo, std::optional<double> hi) {
    if (lo && !std::isfinite(*lo))
      return error() << "clamp_min must be finite";
    if (hi && !std::isfinite(*hi))
      return error() << "clamp_max must be finite";
    if (lo && hi && *lo > *hi)
      return error() << "clamp_min " << *lo << " exceeds clamp_max " << *hi;
    return success();
  }

  LogicalResult sameExpressed(ArrayRef<Value> values) {
    Type expressed;
    for (Value v : values) {
      auto q = cast<quant::QuantizedType>(
          cast<ShapedType>(v.getType()).getElementType());
      if (!expressed)
        expressed = q.getExpressedType();
      else if (q.getExpressedType() != expressed)
        return error() << "operands express different float types ("
                       << expressed << " and " << q.getExpressedType() << ")";
    }
    return success();
  }

  /// The checks conv2d and fully_connected share: per-tensor input and
  /// result, symmetric weights with channels on axis 0, one expressed type,
  /// a valid clamp. Returns the input's type.
  FailureOr<quant::UniformQuantizedType> weightedOperands(Value input, Value weight, Value bias,
                                    Value result, std::optional<double> lo,
                                    std::optional<double> hi) {
    auto x = perTensor(input, "input type");
    if (failed(x) || failed(perTensor(result, "result type")) ||
        failed(this->weight(weight, 0)))
      return failure();
    SmallVector<Value> all{input, weight, result};
    if (bias)
      all.push_back(bias);
    if (failed(sameExpressed(all)) || failed(clamp(lo, hi)))
      return failure();
    return x;
  }

  LogicalResult dimsEqual(int64_t a, int64_t b, StringRef what) {
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return error() << what << ": " << a << " vs " << b;
    return success();
  }
};

std::pair<int64_t, int64_t> storageBounds(Type resultType,
                                          std::optional<double> lo,
                                          std::optional<double> hi) {
  auto q = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(resultType).getElementType());
  int64_t qmin = q.getStorageTypeMin(), qmax = q.getStorageTypeMax();
  auto toStorage = [&](double real) {
    double v = std::nearbyint(real / q.getScale()) + q.getZeroPoint();
    return static_cast<int64_t>(
        std::clamp(v, static_cast<double>(qmin), static_cast<double>(qmax)));
  };
  int64_t l = lo ? std::max(qmin, toStorage(*lo)) : qmin;
  int64_t h = hi ? std::min(qmax, toStorage(*hi)) : qmax;
  return {l, h};
}
} // namespace

std::pair<int64_t, int64_t> Conv2DOp::getResultStorageBounds() {
  return storageBounds(getResult().getType(), toDouble(getClampMin()), toDouble(getClampMax()));
}
std::pair<int64_t, int64_t> FullyConnectedOp::getResultStorageBounds() {
  return storageBounds(getResult().getType(), toDouble(getClampMin()), toDouble(getClampMax()));
}
std::pair<int64_t, int64_t> AddOp::getResultStorageBounds() {
  return storageBounds(getResult().getType(), toDouble(getClampMin()), toDouble(getClampMax()));
}

static LogicalResult checkWindowAttrs(IntegerOpChecker &c,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> padding,
                                      ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return c.error() << "strides must be two positive values";
  if (padding.size() != 4 || llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return c.error() << "padding must be four non-negative values [top, left, bottom, right]";
  if (dilations.size() != 2 ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return c.error() << "dilations must be two positive values";
  return success();
}

/// Output extent of a window op along one spatial dimension, or dynamic.
static int64_t windowOutput(int64_t in, int64_t k, int64_t padBefore,
                            int64_t padAfter, int64_t stride, int64_t dil) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k))
    return ShapedType::kDynamic;
  return (in + padBefore + padAfter - dil * (k - 1) - 1) / stride + 1;
}

LogicalResult Conv2DOp::verify() {
  IntegerOpChecker c{getOperation()};
  auto x = c.weightedOperands(getInput(), getWeight(), getBias(), getResult(),
                              toDouble(getClampMin()), toDouble(getClampMax()));
  if (failed(x) ||
      failed(checkWindowAttrs(c, getStrides(), getPadding(), getDilations())))
    return failure();
  auto in = cast<ShapedType>(getInput().getType());
  auto w = cast<ShapedType>(getWeight().getType());
  auto out = cast<ShapedType>(getResult().getType());
  if (in.getRank() != 4 || w.getRank() != 4 || out.getRank() != 4)
    return emitOpError("expects rank-4 input (NCHW), weight (FCHW) and result");
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError() << "groups must be >= 1, got " << groups;
  if (!w.isDynamicDim(0) && w.getDimSize(0) % groups != 0)
    return emitOpError() << "output channels " << w.getDimSize(0)
                         << " are not divisible by groups " << groups;
  if (!in.isDynamicDim(1) && !w.isDynamicDim(1) &&
      in.getDimSize(1) != w.getDimSize(1) * groups)
    return emitOpError() << "input has " << in.getDimSize(1)
                         << " channels but weight expects "
                         << w.getDimSize(1) * groups << " (" << w.getDimSize(1)
                         << " per group x " << groups << " groups)";
  if (failed(c.dimsEqual(in.getDimSize(0), out.getDimSize(0),
                         "result batch differs from input batch")) ||
      failed(c.dimsEqual(w.getDimSize(0), out.getDimSize(1),
                         "result channels differ from weight output channels")))
    return failure();
  auto pad = getPadding();
  auto st = getStrides();
  auto dil = getDilations();
  for (int i = 0; i < 2; ++i) {
    int64_t expect = windowOutput(in.getDimSize(2 + i), w.getDimSize(2 + i),
                                  pad[i], pad[i + 2], st[i], dil[i]);
    if (!ShapedType::isDynamic(expect) && expect < 1)
      return emitOpError() << "kernel does not fit the padded input along "
                           << (i ? "width" : "height");
    if (failed(c.dimsEqual(out.getDimSize(2 + i), expect,
                           i ? "result width differs from the computed width"
                             : "result height differs from the computed height")))
      return failure();
  }
  if (getBias() &&
      failed(c.bias(getBias(), x->getScale(), getWeight(), w.getDimSize(0))))
    return failure();
  return success();
}

LogicalResult FullyConnectedOp::verify() {
  IntegerOpChecker c{getOperation()};
  auto x = c.weightedOperands(getInput(), getWeight(), getBias(), getResult(),
                              toDouble(getClampMin()), toDouble(getClampMax()));
  if (failed(x))
    return failure();
  auto in = cast<ShapedType>(getInput().getType());
  auto w = cast<ShapedType>(getWeight().getType());
  auto out = cast<ShapedType>(getResult().getType());
  if (in.getRank() != 2 || w.getRank() != 2 || out.getRank() != 2)
    return emitOpError("expects rank-2 input [M, K], weight [N, K] and result [M, N]");
  if (failed(c.dimsEqual(in.getDimSize(1), w.getDimSize(1),
                         "input K differs from weight K")) ||
      failed(c.dimsEqual(in.getDimSize(0), out.getDimSize(0),
                         "result M differs from input M")) ||
      failed(c.dimsEqual(w.getDimSize(0), out.getDimSize(1),
                         "result N differs from weight N")))
    return failure();
  if (getBias() &&
      failed(c.bias(getBias(), x->getScale(), getWeight(), w.getDimSize(0))))
    return failure();
  return success();
}

LogicalResult MatmulOp::verify() {
  IntegerOpChecker c{getOperation()};
  if (failed(c.perTensor(getLhs(), "lhs type")) ||
      failed(c.perTensor(getRhs(), "rhs type")) ||
      failed(c.perTensor(getResult(), "result type")) ||
      failed(c.sameExpressed({getLhs(), getRhs(), getResult()})))
    return failure();
  auto a = cast<ShapedType>(getLhs().getType());
  auto b = cast<ShapedType>(getRhs().getType());
  auto out = cast<ShapedType>(getResult().getType());
  int64_t r = a.getRank();
  if (r < 2 || b.getRank() != r || out.getRank() != r)
    return emitOpError("expects lhs, rhs and result of equal rank >= 2");
  for (int64_t i = 0; i < r - 2; ++i)
    if (failed(c.dimsEqual(a.getDimSize(i), b.getDimSize(i),
                           "batch dimensions differ")) ||
        failed(c.dimsEqual(a.getDimSize(i), out.getDimSize(i),
                           "result batch dimensions differ")))
      return failure();
  if (failed(c.dimsEqual(a.getDimSize(r - 1), b.getDimSize(r - 2),
                         "lhs K differs from rhs K")) ||
      failed(c.dimsEqual(a.getDimSize(r - 2), out.getDimSize(r - 2),
                         "result M differs from lhs M")) ||
      failed(c.dimsEqual(b.getDimSize(r - 1), out.getDimSize(r - 1),
                         "result N differs from rhs N")))
    return failure();
  return success();
}

LogicalResult AddOp::verify() {
  IntegerOpChecker c{getOperation()};
  if (failed(c.perTensor(getLhs(), "lhs type")) ||
      failed(c.perTensor(getRhs(), "rhs type")) ||
      failed(c.perTensor(getResult(), "result type")) ||
      failed(c.sameExpressed({getLhs(), getRhs(), getResult()})) ||
      failed(c.clamp(toDouble(getClampMin()), toDouble(getClampMax()))))
    return failure();
  auto a = cast<ShapedType>(getLhs().getType());
  auto b = cast<ShapedType>(getRhs().getType());
  auto out = cast<ShapedType>(getResult().getType());
  if (a.getRank() != b.getRank() || a.getRank() != out.getRank())
    return emitOpError("expects lhs, rhs and result of equal rank");
  for (int64_t i = 0; i < a.getRank(); ++i)
    if (failed(c.dimsEqual(a.getDimSize(i), b.getDimSize(i),
                           "operand shapes differ")) ||
        failed(c.dimsEqual(a.getDimSize(i), out.getDimSize(i),
                           "result shape differs from operands")))
      return failure();
  return success();
}

LogicalResult AvgPool2DOp::verify() {
  IntegerOpChecker c{getOperation()};
  if (failed(c.perTensor(getInput(), "input type")) ||
      failed(c.perTensor(getResult(), "result type")) ||
      failed(c.sameExpressed({getInput(), getResult()})))
    return failure();
  SmallVector<int64_t> ones{1, 1};
  if (failed(checkWindowAttrs(c, getStrides(), getPadding(), ones)))
    return failure();
  auto k = getKernel();
  if (k.size() != 2 || llvm::any_of(k, [](int64_t v) { return v < 1; }))
    return emitOpError("kernel must be two positive values");
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getResult().getType());
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError("expects rank-4 (NCHW) input and result");
  for (int i = 0; i < 2; ++i)
    if (failed(c.dimsEqual(in.getDimSize(i), out.getDimSize(i),
                           "result batch/channels differ from input")))
      return failure();
  auto pad = getPadding();
  for (int i = 0; i < 2; ++i) {
    int64_t expect = windowOutput(in.getDimSize(2 + i), k[i], pad[i],
                                  pad[i + 2], getStrides()[i], 1);
    if (!ShapedType::isDynamic(expect) && expect < 1)
      return emitOpError() << "kernel does not fit the padded input along "
                           << (i ? "width" : "height");
    if (failed(c.dimsEqual(out.getDimSize(2 + i), expect,
                           i ? "result width differs from the computed width"
                             : "result height differs from the computed height")))
      return failure();
  }
  return success();
}
