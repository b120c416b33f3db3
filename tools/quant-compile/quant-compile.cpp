//===- quant-compile.cpp - One-shot post-training quantization ------------===//
//
//   quant-compile model.onnx --calibration calib_x.npy -o model.q.mlir
//
// Imports the float model (ONNX, or MLIR on tensors), inserts observers,
// calibrates on the given inputs with the JIT, propagates scales, realizes
// integer ops and writes the quantized module, which
// `quant-runner model.q.mlir --input x.npy` runs.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/StatsFile.h"
#include "qc/Conversion/QCToVector/DotProducts.h"
#include "qc/Driver/Calibrate.h"
#include "qc/Driver/QuantizePipeline.h"
#include "qc/InitAll.h"
#include "qc/Quantization/Passes.h"
#include "qc/Runner/Npy.h"
#ifdef QC_HAVE_ONNX
#include "qc/Target/ONNX/ONNXImporter.h"
#endif

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-compile options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::list<std::string>
    calibration("calibration",
                cl::desc("Calibration inputs (.npy), one per model input, in "
                         "argument order"),
                cl::value_desc("calib_x.npy"), cl::cat(category));
static cl::opt<std::string>
    statsIn("stats-file",
            cl::desc("Use these statistics instead of calibrating"),
            cl::value_desc("stats.json"), cl::cat(category));
static cl::opt<std::string>
    statsOut("stats-out", cl::desc("Also write the calibration statistics"),
             cl::value_desc("stats.json"), cl::cat(category));
static cl::opt<std::string>
    method("method",
           cl::desc("Activation range method: minmax, moving_average, "
                    "percentile, entropy, mse"),
           cl::init("minmax"), cl::cat(category));
static cl::opt<double> percentile("percentile",
                                  cl::desc("Mass kept by --method=percentile"),
                                  cl::init(99.99), cl::cat(category));
static cl::opt<std::string> config("config",
                                   cl::desc("Per-layer quantization config"),
                                   cl::value_desc("config.json"),
                                   cl::cat(category));
static cl::opt<std::string>
    precision("precision",
              cl::desc("int8 (8-bit weights and activations), w7a8 (7-bit "
                       "weights, -64..63 in i8: exact with AVX2's fast "
                       "vpmaddubsw, like fbgemm's reduce_range) or w4a8"),
              cl::init("int8"), cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("Target CPU: host, aarch64, or an x86-64 / AArch64 CPU "
                    "name as for clang -mcpu (x86-64-v3, x86-64-v4, znver4, "
                    "znver5, sapphirerapids, cortex-a76, neoverse-v1, ...); "
                    "recorded as qc.target, from which qc-lower-to-llvm "
                    "picks the dot-product instructions (x86-64-v3: AVX2)"),
           cl::init("host"), cl::cat(category));
static cl::opt<bool> microkernels(
    "microkernels",
    cl::desc("Lower fully connected layers and convolutions to the int8 "
             "dot-product microkernels (default; --microkernels=false keeps "
             "the reference lowering, for comparison)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> perTensor("per-tensor",
                               cl::desc("Per-tensor instead of per-channel "
                                        "weight scales"),
                               cl::init(false), cl::cat(category));
static cl::opt<std::string>
    weightRange("weight-range",
                cl::desc("Weight grid: full (-128..127, scale max|w|/127.5; "
                         "default) or narrow (-127..127, scale max|w|/127)"),
                cl::value_desc("full|narrow"), cl::init("full"),
                cl::cat(category));
static cl::opt<bool> signedActivations("signed-activations",
                                       cl::desc("i8 instead of u8 activations"),
                                       cl::init(false), cl::cat(category));
static cl::opt<int64_t> batchSize("batch-size",
                                  cl::desc("Calibration batch size"),
                                  cl::init(64), cl::cat(category));
static cl::opt<std::string> function("function",
                                     cl::desc("Function to quantize (default: "
                                              "the only public one)"),
                                     cl::cat(category));
static cl::opt<std::string>
    reportFile("report",
               cl::desc("Write a JSON report: stage times, weight bytes, "
                        "realized integer ops"),
               cl::value_desc("report.json"), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Print stage timings to stderr"),
                             cl::init(false), cl::cat(category));
static cl::opt<bool> dynamicQuant(
    "dynamic",
    cl::desc("Dynamic quantization (qc-dynamic-quantize): int8 weights, "
             "activations quantized at run time; no calibration"),
    cl::init(false), cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-compile: error: " << msg << "\n";
  return 1;
}

/// Bytes of the constant tensors of `module` (weights, biases, tables).
static int64_t constantBytes(ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](arith::ConstantOp c) {
    auto t = dyn_cast<RankedTensorType>(c.getType());
    if (!t || !t.hasStaticShape())
      return;
    unsigned bits = t.getElementType().getIntOrFloatBitWidth();
    bytes += (t.getNumElements() * bits + 7) / 8;
  });
  return bytes;
}

static double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  qc::registerAllPasses();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "QC one-shot quantizer\n");

  // LLVM's target parser knows the CPU names and their features.
  if (llvm::Expected<std::string> isa = qc::dotIsaForCpu(target); !isa) {
    llvm::consumeError(isa.takeError());
    return fail("unknown --target '" + target +
                "' (expected host, aarch64, or an x86-64 or AArch64 CPU name "
                "as for clang -mcpu: x86-64-v3, x86-64-v4, znver4, znver5, "
                "sapphirerapids, cortex-a76, neoverse-v1, ...)");
  }
  qc::QuantizeOptions qopts;
  qopts.method = method;
  qopts.percentile = percentile;
  qopts.configFile = config;
  qopts.precision = precision;
  qopts.perChannel = !perTensor;
  qopts.weightRange = weightRange;
  qopts.activationSigned = signedActivations;
  if (llvm::Error e = qc::validate(qopts))
    return fail(llvm::toString(std::move(e)));
  if (dynamicQuant && (!calibration.empty() || !statsIn.empty()))
    return fail("--dynamic quantizes activations at run time; it takes no "
                "--calibration or --stats-file");
  if (!dynamicQuant && calibration.empty() && statsIn.empty())
    return fail("give calibration inputs (--calibration calib_x.npy) or "
                "statistics (--stats-file stats.json)");
  if (batchSize <= 0)
    return fail("--batch-size must be positive");

  DialectRegistry registry;
  qc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  auto t0 = std::chrono::steady_clock::now();

  // 1. Import.
  OwningOpRef<ModuleOp> module;
  auto buffer = llvm::MemoryBuffer::getFile(inputFile);
  if (!buffer)
    return fail("cannot read '" + inputFile +
                "': " + buffer.getError().message());
  if (llvm::StringRef(inputFile).ends_with(".onnx")) {
#ifdef QC_HAVE_ONNX
    module = qc::importONNXModel((*buffer)->getBuffer(), inputFile, &context);
    if (!module)
      return 1; // the importer reported the problem
#else
    return fail("this build has no ONNX importer (libonnx-dev missing)");
#endif
  } else {
    llvm::SourceMgr sm;
    sm.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sm, &context);
    if (!module)
      return 1;
  }
  double importSeconds = since(t0);
  int64_t floatBytes = constantBytes(*module);

  // Dynamic quantization replaces observe/calibrate/quantize.
  if (dynamicQuant) {
    PassManager pm(&context);
    qc::QCDynamicQuantizePassOptions dopts;
    dopts.perChannel = !perTensor;
    pm.addNestedPass<func::FuncOp>(qc::createQCDynamicQuantizePass(dopts));
    if (failed(pm.run(*module)))
      return fail("dynamic quantization failed");
    (*module)->setAttr("qc.target", StringAttr::get(&context, target));
    if (failed(verify(*module)))
      return fail("the dynamically quantized module does not verify");
    std::string err;
    auto out = openOutputFile(outputFile, &err);
    if (!out)
      return fail(err);
    module->print(out->os());
    out->os() << "\n";
    out->keep();
    return 0;
  }

  // 2. Observe.
  t0 = std::chrono::steady_clock::now();
  {
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(qc::createQCInsertObserversPass());
    if (failed(pm.run(*module)))
      return fail("inserting observers failed");
  }

  // 3. Calibrate (or read statistics).
  qc::calib::StatsTable table;
  double calibSeconds = 0;
  if (!statsIn.empty()) {
    auto t = qc::calib::readStatsFile(statsIn);
    if (!t)
      return fail(llvm::toString(t.takeError()));
    table = std::move(*t);
  } else {
    std::vector<qc::npy::Array> inputs;
    for (const std::string &path : calibration) {
      auto a = qc::npy::read(path);
      if (!a)
        return fail(llvm::toString(a.takeError()));
      inputs.push_back(std::move(*a));
    }
    qc::CalibrationOptions copts;
    copts.function = function;
    copts.batchSize = batchSize;
    auto result = qc::calibrate(*module, inputs, copts);
    if (!result)
      return fail(llvm::toString(result.takeError()));
    table = std::move(result->table);
    calibSeconds = since(t0);
    if (verbose)
      llvm::errs() << llvm::formatv(
          "quant-compile: calibration: {0} calls, compile {1:f2} s, run "
          "{2:f2} s\n",
          result->calls, result->compileSeconds, result->runSeconds);
  }
  if (!statsOut.empty())
    if (llvm::Error e = qc::calib::writeStatsFile(statsOut, table))
      return fail(llvm::toString(std::move(e)));
  if (llvm::Error e = qc::attachStatistics(*module, table))
    return fail(llvm::toString(std::move(e)));

  // 4. Quantize.
  t0 = std::chrono::steady_clock::now();
  {
    PassManager pm(&context);
    qopts.lower = false;
    qc::buildQuantizePipeline(pm, qopts);
    if (failed(pm.run(*module)))
      return fail("quantization failed");
  }
  (*module)->setAttr("qc.target", StringAttr::get(&context, target));
  if (failed(verify(*module)))
    return fail("the quantized module does not verify");
  double quantizeSeconds = since(t0);
  int64_t quantBytes = constantBytes(*module);
  llvm::StringMap<int64_t> realized;
  module->walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "qc")
      ++realized[op->getName().getStringRef()];
  });
  {
    PassManager pm(&context);
    qc::buildLowerQuantizedPipeline(pm, microkernels);
    if (failed(pm.run(*module)))
      return fail("lowering the quantized module failed");
  }
  if (!reportFile.empty()) {
    llvm::json::Object ops;
    for (auto &kv : realized)
      ops[kv.getKey()] = kv.getValue();
    llvm::json::Object report{{"model", inputFile},
                              {"method", std::string(method)},
                              {"precision", std::string(precision)},
                              {"target", std::string(target)},
                              {"import_seconds", importSeconds},
                              {"calibrate_seconds", calibSeconds},
                              {"quantize_seconds", quantizeSeconds},
                              {"weight_bytes_float", floatBytes},
                              {"weight_bytes_quantized", quantBytes},
                              {"qc_ops", std::move(ops)}};
    std::string err;
    auto rep = openOutputFile(reportFile, &err);
    if (!rep)
      return fail(err);
    rep->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
              << "\n";
    rep->keep();
  }

  std::string err;
  auto out = openOutputFile(outputFile, &err);
  if (!out)
    return fail(err);
  module->print(out->os());
  out->os() << "\n";
  out->keep();
  if (verbose)
    llvm::errs() << llvm::formatv(
        "quant-compile: import {0:f2} s, calibrate {1:f2} s, quantize {2:f2} "
        "s; constants {3} bytes float -> {4} bytes quantized\n",
        importSeconds, calibSeconds, quantizeSeconds, floatBytes, quantBytes);
  return 0;
}
