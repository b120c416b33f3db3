//===- LayerNames.h - Stable names for layers and tensors -------*- C++ -*-===//
//
// Observer identifiers and quantization-config lookups name layers by the
// location the importer gave each op (the ONNX node name).
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_QUANTIZATION_LAYERNAMES_H
#define QC_LIB_QUANTIZATION_LAYERNAMES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace qc {

/// The layer name carried by `loc`: the first NameLoc found (through fused and
/// call-site locations), or an empty string.
std::string layerNameOf(mlir::Location loc);

/// Hands out identifiers that are unique within one function: the first
/// request for a base name gets it as is, later ones get `base:1`, `base:2`...
class UniqueNamer {
public:
  std::string unique(llvm::StringRef base);

private:
  llvm::StringSet<> used;
};

/// Base name of a value: its producer's layer name, the argument's
/// `qc.name` attribute or `input:<index>` for function arguments, or the
/// producing op's name with a sequence number when no location names it.
std::string baseNameOf(mlir::Value value, unsigned &anonymousCounter);

} // namespace qc

#endif // QC_LIB_QUANTIZATION_LAYERNAMES_H
