//===- QCOps.cpp - QC operations and attributes ---------------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/DialectImplementation.h"
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
