//===- quant-translate.cpp - Model formats to MLIR ------------------------===//
//
//   quant-translate --import-onnx model.onnx -o model.mlir
//
// Imports an ONNX model into a module with one func.func on tensors (linalg,
// tensor, arith, math). Locations are printed by default: they carry the ONNX
// node names that later passes (observers, reports) use to name layers.
//
//===----------------------------------------------------------------------===//
#include "qc/Target/ONNX/ONNXImporter.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-translate options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input model>"),
                                          cl::init("-"), cl::cat(category));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"), cl::cat(category));
static cl::opt<bool>
    importOnnx("import-onnx", cl::desc("Import an ONNX model (.onnx) to MLIR"),
               cl::cat(category));
static cl::opt<std::string>
    funcName("onnx-func-name",
             cl::desc("Name of the imported function (empty: the ONNX graph "
                      "name)"),
             cl::init("main"), cl::cat(category));
static cl::opt<int64_t> maxDenseElements(
    "onnx-max-dense-elements",
    cl::desc("Constants with more elements become dense_resource blobs "
             "(-1: always print inline dense values)"),
    cl::init(64), cl::cat(category));
static cl::list<std::string>
    dimParams("onnx-dim",
              cl::desc("Bind a symbolic input dimension to a size, e.g. "
                       "--onnx-dim=N=1 (repeatable)"),
              cl::value_desc("name=size"), cl::cat(category));
static cl::opt<std::string> externalDataDir(
    "onnx-external-data-dir",
    cl::desc("Directory of external tensor data (default: the model's)"),
    cl::init(""), cl::cat(category));
static cl::opt<bool> stripLocations(
    "strip-locations",
    cl::desc("Do not print locations (they carry the ONNX node names)"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> emitBytecode("emit-bytecode",
                                  cl::desc("Write MLIR bytecode"),
                                  cl::init(false), cl::cat(category));

/// The file name a location refers to, if any.
static std::string locationFile(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return locationFile(name.getChildLoc());
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations()) {
      std::string f = locationFile(l);
      if (!f.empty())
        return f;
    }
  return "";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // --help shows this tool's options; LLVM's and MLIR's still parse.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "QC model translation tool\n");

  if (!importOnnx) {
    llvm::WithColor::error(llvm::errs(), "quant-translate")
        << "no translation selected (use --import-onnx)\n";
    return 1;
  }
  qc::ONNXImportOptions options;
  options.funcName = funcName;
  options.maxDenseElements = maxDenseElements;
  options.externalDataDir = externalDataDir;
  for (const std::string &kv : dimParams) {
    auto [name, value] = llvm::StringRef(kv).split('=');
    int64_t size;
    if (name.empty() || value.getAsInteger(10, size) || size < 0) {
      llvm::WithColor::error(llvm::errs(), "quant-translate")
          << "--onnx-dim expects name=size, got '" << kv << "'\n";
      return 1;
    }
    options.dimParams[name] = size;
  }

  MLIRContext context;
  // Plain "file: severity: message" lines: the input is binary, so there is
  // no source line to quote.
  context.getDiagEngine().registerHandler([](Diagnostic &diag) {
    auto print = [](Diagnostic &d) {
      std::string file = locationFile(d.getLocation());
      llvm::raw_ostream &os = llvm::errs();
      if (!file.empty())
        os << file << ": ";
      switch (d.getSeverity()) {
      case DiagnosticSeverity::Error:
        os << "error: ";
        break;
      case DiagnosticSeverity::Warning:
        os << "warning: ";
        break;
      case DiagnosticSeverity::Note:
        os << "note: ";
        break;
      case DiagnosticSeverity::Remark:
        os << "remark: ";
        break;
      }
      os << d << "\n";
    };
    print(diag);
    for (Diagnostic &note : diag.getNotes())
      print(note);
    return success();
  });

  OwningOpRef<ModuleOp> module =
      qc::importONNXFile(inputFilename, &context, options);
  if (!module)
    return 1;

  std::string error;
  auto output = openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "quant-translate") << error << "\n";
    return 1;
  }
  if (emitBytecode) {
    if (failed(writeBytecodeToFile(*module, output->os())))
      return 1;
  } else {
    OpPrintingFlags flags;
    flags.enableDebugInfo(!stripLocations, /*prettyForm=*/false);
    module->print(output->os(), flags);
    output->os() << "\n";
  }
  output->keep();
  return 0;
}
