//===- QuantConfig.h - Per-layer quantization overrides ---------*- C++ -*-===//
//
// The JSON quantization config (docs/QuantConfig.md) lets a user override,
// per layer name or op type: skip (keep float), per-tensor weights, the range
// method, bit widths and the weight grid.
//
//===----------------------------------------------------------------------===//
#ifndef QC_QUANTIZATION_QUANTCONFIG_H
#define QC_QUANTIZATION_QUANTCONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace qc {

struct LayerSettings {
  std::optional<bool> skip;
  std::optional<std::string> method;
  std::optional<double> percentile;
  std::optional<unsigned> activationBits;
  std::optional<unsigned> weightBits;
  std::optional<bool> perChannel;
  /// Weight grid: "full" (-2^(b-1)..2^(b-1)-1) or "narrow" (symmetric).
  std::optional<std::string> weightRange;

  /// Fields set in `other` replace those here.
  void overrideWith(const LayerSettings &other);
};

struct QuantConfig {
  static constexpr const char *kFormat = "qc-quant-config";
  static constexpr int kVersion = 1;

  struct Rule {
    /// Exactly one of the two is set: a layer name (the importer's node
    /// name) or an op type (ONNX-style "Conv", "Gemm", "MatMul", "Add", or an
    /// MLIR op name such as "linalg.matmul").
    std::string name, opType;
    LayerSettings settings;
  };
  LayerSettings defaults;
  std::vector<Rule> rules;

  /// Settings for one layer: defaults, then matching op-type rules, then
  /// matching name rules, each in file order.
  LayerSettings resolve(llvm::StringRef layerName,
                        llvm::ArrayRef<llvm::StringRef> opTypes) const;
};

llvm::Expected<QuantConfig> parseQuantConfig(llvm::StringRef text,
                                             llvm::StringRef source);
llvm::Expected<QuantConfig> readQuantConfig(llvm::StringRef path);

} // namespace qc

#endif // QC_QUANTIZATION_QUANTCONFIG_H
