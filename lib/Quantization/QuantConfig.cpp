//===- QuantConfig.cpp - Per-layer quantization overrides -----------------===//
//
// Compiled with exceptions: nlohmann/json reports errors by throwing; every
// exception is caught here and turned into an llvm::Error.
//
//===----------------------------------------------------------------------===//
#include "qc/Quantization/QuantConfig.h"

#include "llvm/Support/MemoryBuffer.h"

#include <nlohmann/json.hpp>

using namespace qc;
using json = nlohmann::json;

void LayerSettings::overrideWith(const LayerSettings &o) {
  if (o.skip)
    skip = o.skip;
  if (o.method)
    method = o.method;
  if (o.percentile)
    percentile = o.percentile;
  if (o.activationBits)
    activationBits = o.activationBits;
  if (o.weightBits)
    weightBits = o.weightBits;
  if (o.perChannel)
    perChannel = o.perChannel;
  if (o.weightRange)
    weightRange = o.weightRange;
}

LayerSettings QuantConfig::resolve(llvm::StringRef layerName,
                                   llvm::ArrayRef<llvm::StringRef> opTypes) const {
  LayerSettings s = defaults;
  for (const Rule &r : rules)
    if (!r.opType.empty() && llvm::is_contained(opTypes, r.opType))
      s.overrideWith(r.settings);
  for (const Rule &r : rules)
    if (!r.name.empty() && r.name == layerName)
      s.overrideWith(r.settings);
  return s;
}

namespace {
llvm::Error err(llvm::StringRef source, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 source + ": " + msg);
}

llvm::Expected<LayerSettings> parseSettings(const json &j,
                                            llvm::StringRef source,
                                            const std::string &where,
                                            bool allowSelectors) {
  if (!j.is_object())
    return err(source, where + " must be an object");
  LayerSettings s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string &key = it.key();
    const json &v = it.value();
    auto bad = [&](const char *what) {
      return err(source, where + ": '" + key + "' must be " + what);
    };
    if (key == "skip") {
      if (!v.is_boolean())
        return bad("true or false");
      s.skip = v.get<bool>();
    } else if (key == "per_channel") {
      if (!v.is_boolean())
        return bad("true or false");
      s.perChannel = v.get<bool>();
    } else if (key == "method") {
      if (!v.is_string())
        return bad("a string");
      std::string m = v.get<std::string>();
      if (m != "minmax" && m != "moving_average" && m != "percentile" &&
          m != "entropy" && m != "mse")
        return err(source, where + ": unknown method '" + m +
                               "' (expected minmax, moving_average, "
                               "percentile, entropy or mse)");
      s.method = m;
    } else if (key == "weight_range") {
      if (!v.is_string())
        return bad("a string");
      std::string r = v.get<std::string>();
      if (r != "full" && r != "narrow")
        return err(source, where + ": unknown weight_range '" + r +
                               "' (expected full or narrow)");
      s.weightRange = r;
    } else if (key == "percentile") {
      if (!v.is_number())
        return bad("a number");
      double p = v.get<double>();
      if (!(p > 0.0 && p <= 100.0))
        return err(source, where + ": percentile " + std::to_string(p) +
                               " is outside (0, 100]");
      s.percentile = p;
    } else if (key == "weight_bits" || key == "activation_bits") {
      if (!v.is_number_integer())
        return bad("an integer");
      int64_t bits = v.get<int64_t>();
      // 7-bit weights (stored in i8, -64..63) keep every pair of u8 x s8
      // products within i16: the fast AVX2 dot product (vpmaddubsw).
      bool weights = key == "weight_bits";
      if (weights ? bits != 4 && bits != 7 && bits != 8
                  : bits != 4 && bits != 8 && bits != 16)
        return err(source, where + ": " + key + " " + std::to_string(bits) +
                               " is not supported (" +
                               (weights ? "4, 7 or 8" : "4, 8 or 16") + ")");
      (key == "weight_bits" ? s.weightBits : s.activationBits) =
          static_cast<unsigned>(bits);
    } else if (allowSelectors && (key == "name" || key == "op_type")) {
      if (!v.is_string() || v.get<std::string>().empty())
        return bad("a non-empty string");
    } else {
      return err(source, where + ": unknown key '" + key + "'");
    }
  }
  return s;
}
} // namespace

llvm::Expected<QuantConfig> qc::parseQuantConfig(llvm::StringRef text,
                                                 llvm::StringRef source) {
  try {
    json j = json::parse(text.begin(), text.end());
    if (!j.is_object())
      return err(source, "the config must be a JSON object");
    if (!j.contains("format") || j["format"] != QuantConfig::kFormat)
      return err(source, llvm::Twine("'format' must be \"") +
                             QuantConfig::kFormat + "\"");
    if (!j.contains("version") || !j["version"].is_number_integer())
      return err(source, "'version' must be an integer");
    if (j["version"].get<int64_t>() != QuantConfig::kVersion)
      return err(source, "config version " +
                             std::to_string(j["version"].get<int64_t>()) +
                             " is not supported (this QC reads version " +
                             std::to_string(QuantConfig::kVersion) + ")");
    QuantConfig config;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string &key = it.key();
      if (key == "format" || key == "version")
        continue;
      if (key == "default") {
        auto s = parseSettings(it.value(), source, "default", false);
        if (!s)
          return s.takeError();
        config.defaults = *s;
      } else if (key == "layers") {
        if (!it.value().is_array())
          return err(source, "'layers' must be an array");
        size_t i = 0;
        for (const json &entry : it.value()) {
          std::string where = "layers[" + std::to_string(i++) + "]";
          auto s = parseSettings(entry, source, where, true);
          if (!s)
            return s.takeError();
          QuantConfig::Rule rule;
          bool hasName = entry.contains("name"), hasType = entry.contains("op_type");
          if (hasName == hasType)
            return err(source, where + " needs exactly one of 'name' or 'op_type'");
          if (hasName)
            rule.name = entry["name"].get<std::string>();
          else
            rule.opType = entry["op_type"].get<std::string>();
          rule.settings = *s;
          config.rules.push_back(std::move(rule));
        }
      } else {
        return err(source, "unknown key '" + key + "'");
      }
    }
    return config;
  } catch (const json::parse_error &e) {
    return err(source, llvm::Twine("malformed JSON: ") + e.what());
  } catch (const std::exception &e) {
    return err(source, e.what());
  }
}

llvm::Expected<QuantConfig> qc::readQuantConfig(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return err(path, "cannot read the quantization config: " +
                         buffer.getError().message());
  return parseQuantConfig((*buffer)->getBuffer(), path);
}
