//===- ONNXImporter.h - ONNX model to MLIR (func/linalg/tensor) -*- C++ -*-===//
//
// Imports an ONNX ModelProto (opsets 8-17 of the default domain) into a
// `builtin.module` holding one `func.func` on ranked tensors, built from
// `linalg` named ops (conv, matmul, pooling, transpose, fill), `linalg.generic`
// for elementwise/broadcast/reduction work, `tensor` reshapes/slices/pads and
// `arith`/`math` scalar code. Initializers become `arith.constant`s (large
// ones as `dense_resource` blobs). Every op created for an ONNX node carries
// the location `NameLoc(<node name>, FileLineColLoc(<model file>, <node index
// + 1>, 0))`; see docs/Importer.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_TARGET_ONNX_ONNXIMPORTER_H
#define QC_TARGET_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace qc {

struct ONNXImportOptions {
  /// Name of the emitted function. Empty: use the ONNX graph's name.
  std::string funcName = "main";
  /// Constants with more elements than this become `dense_resource` blobs;
  /// smaller ones are printed inline as `dense<...>`. Negative: never use
  /// resources.
  int64_t maxDenseElements = 64;
  /// Binds symbolic dimensions (`dim_param`) to static sizes, e.g. {"N": 1}.
  /// Unbound symbolic dimensions become `?` in the function signature.
  llvm::StringMap<int64_t> dimParams;
  /// Directory that external tensor data (`data_location: EXTERNAL`) is
  /// relative to. Empty: the directory of the model file.
  std::string externalDataDir;
};

/// Registers the dialects the importer produces.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

/// Imports the serialized ONNX model in `bytes`. `fileName` is used in
/// locations and messages. On failure, reports errors through the context's
/// diagnostic engine (never aborts) and returns a null module.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::StringRef bytes, llvm::StringRef fileName,
                mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// Reads `path` and imports it (see importONNXModel).
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

} // namespace qc

#endif // QC_TARGET_ONNX_ONNXIMPORTER_H
