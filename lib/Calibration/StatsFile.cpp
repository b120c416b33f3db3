//===- StatsFile.cpp - qc-stats JSON reading and writing ------------------===//
//
// nlohmann/json reports errors by throwing; this file (only) is compiled with
// -fexceptions and converts every exception into an llvm::Error before it
// leaves. Values are type-checked before they are read, so in practice only
// the parser itself throws.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/StatsFile.h"

#include "FormatUtil.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>

using namespace qc::calib;
using qc::calib::detail::fmtNum;
using json = nlohmann::json;

namespace {

const char *typeName(const json &v) {
  switch (v.type()) {
  case json::value_t::null:
    return "null";
  case json::value_t::object:
    return "an object";
  case json::value_t::array:
    return "an array";
  case json::value_t::string:
    return "a string";
  case json::value_t::boolean:
    return "a boolean";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float:
    return "a number";
  default:
    return "an unsupported value";
  }
}

bool isNonFiniteSpelling(const std::string &s) {
  std::string l;
  for (char c : s)
    l.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  if (!l.empty() && (l[0] == '+' || l[0] == '-'))
    l.erase(0, 1);
  return l == "nan" || l == "inf" || l == "infinity";
}

/// Reads fields with error messages of the form
/// "SOURCE: CONTEXT: field 'KEY' ...".
class Reader {
public:
  Reader(llvm::StringRef source) : source(source.str()) {}

  llvm::Error error(const std::string &ctx, const llvm::Twine &msg) const {
    return llvm::createStringError(source + ": " +
                                   (ctx.empty() ? "" : ctx + ": ") + msg);
  }

  /// A finite number (`what` describes it, e.g. "field 'min'").
  llvm::Expected<double> number(const json &v, const std::string &ctx,
                                const std::string &what) const {
    if (v.is_string() && isNonFiniteSpelling(v.get_ref<const std::string &>()))
      return error(ctx, what + " is the string \"" +
                            v.get_ref<const std::string &>() +
                            "\": JSON has no NaN or infinity, and statistics "
                            "must be finite");
    if (!v.is_number())
      return error(ctx, what + " must be a number, got " + typeName(v));
    double d = v.get<double>();
    if (!std::isfinite(d))
      return error(ctx, what + " is not a finite number");
    return d;
  }

  /// A non-negative integer (integral floats such as 3.0 are accepted).
  llvm::Expected<int64_t> count(const json &v, const std::string &ctx,
                                const std::string &what) const {
    if (v.is_number_unsigned())
      return v.get<uint64_t>() > uint64_t(INT64_MAX)
                 ? llvm::Expected<int64_t>(error(ctx, what + " is too large"))
                 : llvm::Expected<int64_t>(int64_t(v.get<uint64_t>()));
    if (v.is_number_integer()) {
      int64_t i = v.get<int64_t>();
      if (i < 0)
        return error(ctx, what + " must not be negative (" + std::to_string(i) +
                              ")");
      return i;
    }
    auto d = number(v, ctx, what);
    if (!d)
      return d.takeError();
    if (*d < 0)
      return error(ctx, llvm::formatv("{0} must not be negative ({1})", what,
                                      fmtNum(*d)));
    if (*d != std::floor(*d) || *d > 9.2e18)
      return error(ctx, llvm::formatv("{0} must be an integer, got {1}", what,
                                      fmtNum(*d)));
    return int64_t(*d);
  }

  const json *find(const json &obj, const char *key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  llvm::Expected<const json *> require(const json &obj, const char *key,
                                       const std::string &ctx) const {
    const json *v = find(obj, key);
    if (!v)
      return error(ctx, std::string("field '") + key + "' is missing");
    return v;
  }

  std::string source;
};

std::string field(const char *key) {
  return std::string("field '") + key + "'";
}

#define QC_TRY(var, expr)                                                      \
  auto var##OrErr = (expr);                                                    \
  if (!var##OrErr)                                                             \
    return var##OrErr.takeError();                                             \
  auto var = *var##OrErr;

llvm::Error readHistogram(const Reader &rd, const json &v,
                          const std::string &ctx, TensorStats &st) {
  std::string hctx = ctx + ": histogram";
  if (!v.is_object())
    return rd.error(ctx, "field 'histogram' must be an object, got " +
                             std::string(typeName(v)));
  QC_TRY(minV, rd.require(v, "min", hctx));
  QC_TRY(maxV, rd.require(v, "max", hctx));
  QC_TRY(binsV, rd.require(v, "bins", hctx));
  QC_TRY(lo, rd.number(*minV, hctx, field("min")));
  QC_TRY(hi, rd.number(*maxV, hctx, field("max")));
  if (!binsV->is_array())
    return rd.error(hctx, "field 'bins' must be an array, got " +
                              std::string(typeName(*binsV)));
  if (binsV->empty())
    return rd.error(hctx, "field 'bins' is empty");
  if (!(lo < hi))
    return rd.error(hctx, llvm::formatv("range is empty: min {0} is not "
                                        "below max {1}",
                                        fmtNum(lo), fmtNum(hi)));
  std::vector<double> bins;
  bins.reserve(binsV->size());
  double sum = 0.0;
  for (size_t i = 0; i < binsV->size(); ++i) {
    QC_TRY(b, rd.number((*binsV)[i], hctx, "bin " + std::to_string(i)));
    if (b < 0)
      return rd.error(hctx, llvm::formatv("bin {0} has a negative count ({1})",
                                          i, fmtNum(b)));
    bins.push_back(b);
    sum += b;
  }
  if (st.count > 0 && (st.min < lo || st.max > hi))
    return rd.error(hctx, llvm::formatv("range [{0}, {1}] does not contain "
                                        "the tensor range [{2}, {3}]",
                                        fmtNum(lo), fmtNum(hi), fmtNum(st.min),
                                        fmtNum(st.max)));
  double c = double(st.count);
  if (std::fabs(sum - c) > 0.5 + 1e-6 * c)
    return rd.error(hctx, llvm::formatv("bins sum to {0}, but the tensor "
                                        "count is {1}",
                                        fmtNum(sum), st.count));
  auto h = Histogram::create(lo, hi, std::move(bins));
  if (!h)
    return rd.error(hctx, llvm::toString(h.takeError()));
  st.histogram = std::move(*h);
  return llvm::Error::success();
}

llvm::Error readChannels(const Reader &rd, const json &t,
                         const std::string &ctx, TensorStats &st) {
  const json *axisV = rd.find(t, "axis");
  const json *minV = rd.find(t, "channel_min");
  const json *maxV = rd.find(t, "channel_max");
  if (!axisV && !minV && !maxV)
    return llvm::Error::success();
  for (auto [key, v] :
       {std::pair{"axis", axisV}, std::pair{"channel_min", minV},
        std::pair{"channel_max", maxV}})
    if (!v)
      return rd.error(ctx, std::string("field '") + key +
                               "' is missing (axis, channel_min and "
                               "channel_max go together)");
  QC_TRY(axis, rd.count(*axisV, ctx, field("axis")));
  if (!minV->is_array())
    return rd.error(ctx, "field 'channel_min' must be an array, got " +
                             std::string(typeName(*minV)));
  if (!maxV->is_array())
    return rd.error(ctx, "field 'channel_max' must be an array, got " +
                             std::string(typeName(*maxV)));
  if (minV->size() != maxV->size())
    return rd.error(ctx, llvm::formatv("channel_min has {0} entries but "
                                       "channel_max has {1}",
                                       minV->size(), maxV->size()));
  st.axis = axis;
  for (size_t c = 0; c < minV->size(); ++c) {
    const json &a = (*minV)[c], &b = (*maxV)[c];
    if (a.is_null() && b.is_null()) {
      // A channel that saw no finite value.
      st.channelMin.push_back(INFINITY);
      st.channelMax.push_back(-INFINITY);
      continue;
    }
    std::string what = "channel " + std::to_string(c);
    QC_TRY(lo, rd.number(a, ctx, "channel_min of " + what));
    QC_TRY(hi, rd.number(b, ctx, "channel_max of " + what));
    if (lo > hi)
      return rd.error(ctx, llvm::formatv("{0}: min {1} is above max {2}", what,
                                         fmtNum(lo), fmtNum(hi)));
    st.channelMin.push_back(lo);
    st.channelMax.push_back(hi);
  }
  return llvm::Error::success();
}

llvm::Expected<TensorStats> readTensor(const Reader &rd, const std::string &id,
                                       const json &t) {
  std::string ctx = "tensor '" + id + "'";
  if (!t.is_object())
    return rd.error(ctx, std::string("must be an object, got ") + typeName(t));
  TensorStats st;
  QC_TRY(countV, rd.require(t, "count", ctx));
  QC_TRY(count, rd.count(*countV, ctx, field("count")));
  st.count = count;
  for (auto [key, dst] : {std::pair{"nan_count", &st.nanCount},
                          std::pair{"inf_count", &st.infCount},
                          std::pair{"batches", &st.batches}}) {
    if (const json *v = rd.find(t, key)) {
      QC_TRY(n, rd.count(*v, ctx, field(key)));
      *dst = n;
    }
  }
  QC_TRY(minV, rd.require(t, "min", ctx));
  QC_TRY(maxV, rd.require(t, "max", ctx));
  const json *avgMinV = rd.find(t, "avg_min");
  const json *avgMaxV = rd.find(t, "avg_max");
  if (!avgMinV != !avgMaxV)
    return rd.error(ctx, std::string("field '") +
                             (avgMinV ? "avg_max" : "avg_min") +
                             "' is missing (avg_min and avg_max go together)");
  if (count == 0) {
    // No finite value: min/max (and averages) are null.
    for (auto [key, v] :
         {std::pair{"min", minV}, std::pair{"max", maxV},
          std::pair{"avg_min", avgMinV}, std::pair{"avg_max", avgMaxV}})
      if (v && !v->is_null())
        return rd.error(ctx, std::string("field '") + key +
                                 "' must be null when count is 0");
  } else {
    QC_TRY(mn, rd.number(*minV, ctx, field("min")));
    QC_TRY(mx, rd.number(*maxV, ctx, field("max")));
    if (mn > mx)
      return rd.error(ctx, llvm::formatv("min {0} is above max {1}", fmtNum(mn),
                                         fmtNum(mx)));
    st.min = mn;
    st.max = mx;
    if (avgMinV) {
      QC_TRY(amn, rd.number(*avgMinV, ctx, field("avg_min")));
      QC_TRY(amx, rd.number(*avgMaxV, ctx, field("avg_max")));
      if (amn > amx)
        return rd.error(ctx, llvm::formatv("avg_min {0} is above avg_max {1}",
                                           fmtNum(amn), fmtNum(amx)));
      st.avgMin = amn;
      st.avgMax = amx;
      st.avgBatches = std::max<int64_t>(st.batches, 1);
    }
  }
  if (const json *h = rd.find(t, "histogram"))
    if (llvm::Error err = readHistogram(rd, *h, ctx, st))
      return std::move(err);
  if (llvm::Error err = readChannels(rd, t, ctx, st))
    return std::move(err);
  return st;
}

llvm::Expected<StatsTable> parseImpl(llvm::StringRef text,
                                     llvm::StringRef source) {
  Reader rd(source);
  json root = json::parse(text.begin(), text.end());
  if (!root.is_object())
    return rd.error("", std::string("not a qc-stats file: the top level must "
                                    "be an object, got ") +
                            typeName(root));
  const json *format = rd.find(root, "format");
  if (!format)
    return rd.error("", "not a qc-stats file: field 'format' is missing");
  if (!format->is_string() ||
      format->get_ref<const std::string &>() != kStatsFormatName)
    return rd.error("", "not a qc-stats file: field 'format' is " +
                            format->dump() + ", expected \"" +
                            kStatsFormatName + "\"");
  QC_TRY(versionV, rd.require(root, "version", ""));
  if (!versionV->is_number_integer())
    return rd.error("", "field 'version' must be an integer, got " +
                            versionV->dump());
  if (versionV->get<int64_t>() != kStatsFormatVersion)
    return rd.error("", llvm::formatv("unsupported qc-stats version {0} (this "
                                      "build reads version {1})",
                                      versionV->get<int64_t>(),
                                      kStatsFormatVersion));
  StatsTable table;
  table.source = source.str();
  QC_TRY(batchesV, rd.require(root, "batches", ""));
  QC_TRY(batches, rd.count(*batchesV, "", field("batches")));
  QC_TRY(samplesV, rd.require(root, "samples", ""));
  QC_TRY(samples, rd.count(*samplesV, "", field("samples")));
  table.batches = batches;
  table.samples = samples;
  QC_TRY(tensorsV, rd.require(root, "tensors", ""));
  if (!tensorsV->is_object())
    return rd.error("", std::string("field 'tensors' must be an object, got ") +
                            typeName(*tensorsV));
  for (const auto &[id, t] : tensorsV->items()) {
    if (id.empty())
      return rd.error("", "a tensor has an empty id");
    auto st = readTensor(rd, id, t);
    if (!st)
      return st.takeError();
    table.tensors.emplace(id, std::move(*st));
  }
  return table;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

std::string num(double v) {
  if (!std::isfinite(v))
    return "null";
  return json(v).dump();
}

std::string countStr(double v) {
  if (v == std::floor(v) && std::fabs(v) < 0x1p53)
    return std::to_string(int64_t(v));
  return num(v);
}

void printArray(std::string &out, llvm::ArrayRef<double> values, bool counts) {
  out += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i)
      out += ", ";
    out += counts ? countStr(values[i]) : num(values[i]);
  }
  out += ']';
}

} // namespace

llvm::Expected<StatsTable> qc::calib::parseStats(llvm::StringRef text,
                                                 llvm::StringRef source) {
  std::string where = source.str();
  try {
    return parseImpl(text, source);
  } catch (const json::parse_error &e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L,
    // column C: ..."; drop the bracketed prefix.
    std::string msg = e.what();
    size_t pos = msg.find("] ");
    if (msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos)
      msg = msg.substr(pos + 2);
    return llvm::createStringError(where + ": malformed JSON: " + msg);
  } catch (const json::exception &e) {
    // Other parser errors (e.g. "number overflow parsing '1e999'") carry no
    // position: locate the quoted token in the text.
    std::string msg = e.what();
    size_t pos = msg.find("] ");
    if (msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos)
      msg = msg.substr(pos + 2);
    size_t q0 = msg.find("parsing '");
    size_t q1 = q0 == std::string::npos ? q0 : msg.find('\'', q0 + 9);
    if (q1 != std::string::npos) {
      size_t at = text.find(msg.substr(q0 + 9, q1 - q0 - 9));
      if (at != llvm::StringRef::npos) {
        llvm::StringRef before = text.take_front(at);
        size_t line = before.count('\n') + 1;
        size_t col = at - (before.rfind('\n') + 1) + 1;
        msg += llvm::formatv(" at line {0}, column {1}", line, col).str();
      }
    }
    return llvm::createStringError(where + ": malformed JSON: " + msg);
  } catch (const std::exception &e) {
    return llvm::createStringError(where +
                                   ": cannot read statistics: " + e.what());
  } catch (...) {
    return llvm::createStringError(where +
                                   ": cannot read statistics: unknown error");
  }
}

llvm::Expected<StatsTable> qc::calib::readStatsFile(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buf)
    return llvm::createStringError("cannot read statistics file '" + path +
                                   "': " + buf.getError().message());
  return parseStats((*buf)->getBuffer(), path);
}

std::string qc::calib::printStats(const StatsTable &table) {
  std::string out;
  out += "{\n";
  out += "  \"format\": \"" + std::string(kStatsFormatName) + "\",\n";
  out += "  \"version\": " + std::to_string(kStatsFormatVersion) + ",\n";
  out += "  \"batches\": " + std::to_string(table.batches) + ",\n";
  out += "  \"samples\": " + std::to_string(table.samples) + ",\n";
  out += "  \"tensors\": {";
  bool first = true;
  for (const auto &[id, st] : table.tensors) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "    " + json(id).dump() + ": {\n";
    bool fin = st.count > 0;
    out += "      \"count\": " + std::to_string(st.count) + ",\n";
    out += "      \"nan_count\": " + std::to_string(st.nanCount) + ",\n";
    out += "      \"inf_count\": " + std::to_string(st.infCount) + ",\n";
    out += "      \"batches\": " + std::to_string(st.batches) + ",\n";
    out += "      \"min\": " + (fin ? num(st.min) : "null") + ",\n";
    out += "      \"max\": " + (fin ? num(st.max) : "null");
    if (st.avgBatches > 0 && fin) {
      out += ",\n      \"avg_min\": " + num(st.avgMin);
      out += ",\n      \"avg_max\": " + num(st.avgMax);
    }
    if (!st.histogram.empty() && fin) {
      out += ",\n      \"histogram\": {\"min\": " + num(st.histogram.lo()) +
             ", \"max\": " + num(st.histogram.hi()) + ", \"bins\": ";
      printArray(out, st.histogram.bins(), /*counts=*/true);
      out += "}";
    }
    if (st.axis) {
      out += ",\n      \"axis\": " + std::to_string(*st.axis);
      out += ",\n      \"channel_min\": ";
      printArray(out, st.channelMin, false);
      out += ",\n      \"channel_max\": ";
      printArray(out, st.channelMax, false);
    }
    out += "\n    }";
  }
  out += first ? "}\n" : "\n  }\n";
  out += "}\n";
  return out;
}

llvm::Error qc::calib::writeStatsFile(llvm::StringRef path,
                                      const StatsTable &table) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return llvm::createStringError("cannot write statistics file '" + path +
                                   "': " + ec.message());
  os << printStats(table);
  os.close();
  if (os.has_error()) {
    std::error_code err = os.error();
    os.clear_error();
    return llvm::createStringError("cannot write statistics file '" + path +
                                   "': " + err.message());
  }
  return llvm::Error::success();
}
