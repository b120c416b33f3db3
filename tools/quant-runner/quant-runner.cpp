//===- quant-runner.cpp - JIT-run a QC module on .npy inputs --------------===//
//
//   quant-runner model.mlir [--function NAME] --input a.npy --input b.npy
//                [--output-dir DIR] [--json] [--labels y.npy]
//                [--batch-size B] [--benchmark [--repeat N]]
//
// Lowers the module with qc-lower-to-llvm unless it already is in the LLVM
// dialect, JIT-compiles it for the host CPU and runs one public function.
// See docs/Runner.md.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/StatsFile.h"
#include "qc/Conversion/QCToVector/DotProducts.h"
#include "qc/Driver/Calibrate.h"
#include "qc/InitAll.h"
#include "qc/Runner/JitModule.h"
#include "qc/Runner/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <cstdlib>

using namespace llvm;
namespace npy = qc::npy;
namespace runner = qc::runner;

namespace {
cl::OptionCategory category("quant-runner options");

cl::opt<std::string> modulePath(cl::Positional, cl::desc("<module.mlir>"),
                                cl::init("-"), cl::cat(category));
cl::opt<std::string> functionName(
    "function", cl::desc("Function to run (default: the module's only "
                         "public function)"),
    cl::value_desc("name"), cl::cat(category));
cl::list<std::string>
    inputPaths("input", cl::desc("An argument as a .npy file, in order"),
               cl::value_desc("file.npy"), cl::cat(category));
cl::opt<std::string> outputDir(
    "output-dir",
    cl::desc("Write the results as DIR/result0.npy, result1.npy, ..."),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<bool> emitJson("json",
                       cl::desc("Print a machine-readable summary (JSON)"),
                       cl::cat(category));
cl::opt<std::string> labelsPath(
    "labels",
    cl::desc("Integer labels [N]; report the top-1 accuracy of the first "
             "result, taken as logits [N, C]"),
    cl::value_desc("y.npy"), cl::cat(category));
cl::opt<int64_t> batchSize(
    "batch-size",
    cl::desc("Run in batches of B rows (the last may be smaller) and "
             "concatenate the results; inputs whose argument has a dynamic "
             "first dimension, or a static one equal to B, are split"),
    cl::value_desc("B"), cl::init(0), cl::cat(category));
cl::opt<bool> runBenchmark(
    "benchmark",
    cl::desc("Time the function on the first batch: 2 warm-up runs, then "
             "at least 10 runs and 1 s; report the median"),
    cl::cat(category));
cl::opt<int64_t> repeat("repeat",
                        cl::desc("With --benchmark: exactly N timed runs"),
                        cl::value_desc("N"), cl::init(0), cl::cat(category));
cl::opt<unsigned> numThreads(
    "num-threads",
    cl::desc("Threads for the parallel loops of compiled kernels (OpenMP, "
             "through OMP_NUM_THREADS); default 1, so that timings are "
             "single-threaded unless asked: a module lowered here then runs "
             "its parallel loops sequentially, without OpenMP; 0 keeps the "
             "environment's OMP_NUM_THREADS (OpenMP's default: all cores)"),
    cl::value_desc("N"), cl::init(1), cl::cat(category));
cl::opt<unsigned> optLevel("opt-level",
                           cl::desc("LLVM optimization level 0-3"),
                           cl::init(3), cl::cat(category));
cl::opt<bool> hostCPU("host-cpu",
                      cl::desc("Compile for the host CPU and its features "
                               "(default); =false for a generic CPU"),
                      cl::init(true), cl::cat(category));
cl::opt<std::string> dotIsa(
    "dot-isa",
    cl::desc("Instructions for the int8 microkernels' dot products: auto "
             "(default: those of the module's qc.target when this CPU runs "
             "them, else the host's), host, avx512-vnni, avx2, neon-i8mm, "
             "neon-dotprod or generic (docs/Microkernels.md)"),
    cl::value_desc("isa"), cl::init("auto"), cl::cat(category));
cl::opt<std::string> targetCpu(
    "target-cpu",
    cl::desc("Compile for this CPU (an LLVM CPU name: x86-64-v3, haswell, "
             "znver3, ...) and its features instead of the host's; it must "
             "run here. The dot products then default to its instructions "
             "(x86-64-v3: AVX2)"),
    cl::value_desc("cpu"), cl::cat(category));
cl::opt<bool> runtimeChecks(
    "runtime-checks",
    cl::desc("Check dynamic sizes and bounds at run time (default); a failed "
             "check is an error naming the op and its location"),
    cl::init(true), cl::cat(category));
cl::list<std::string>
    sharedLibs("shared-lib",
               cl::desc("A shared library the module may call into"),
               cl::value_desc("lib.so"), cl::cat(category));
cl::opt<std::string> dumpObject(
    "dump-object", cl::desc("Write the machine code as an object file"),
    cl::value_desc("file.o"), cl::cat(category));
cl::opt<bool> perfJitDump(
    "perf-jitdump",
    cl::desc("Describe the JIT'd functions to perf (a jitdump file under "
             "$JITDUMPDIR or ~/.debug/jit): run under `perf record -k 1`, "
             "then `perf inject --jit`, and the profile names each parallel "
             "kernel's function"),
    cl::init(false), cl::cat(category));
cl::opt<std::string> calibratePath(
    "calibrate",
    cl::desc("Calibration mode: run a module with qc.observe ops on the "
             "inputs (in --batch-size batches, default 64) and write the "
             "statistics of every observed tensor (docs/StatsFormat.md)"),
    cl::value_desc("stats.json"), cl::cat(category));
cl::opt<unsigned> histogramBins(
    "histogram-bins",
    cl::desc("With --calibrate: histogram bins per tensor (0: none)"),
    cl::init(2048), cl::cat(category));
cl::opt<std::string> dumpLowered(
    "dump-lowered", cl::desc("Write the module in the LLVM dialect, as run"),
    cl::value_desc("file.mlir"), cl::cat(category));

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int fail(const Twine &message) {
  WithColor::error(errs(), "quant-runner") << message << "\n";
  return 1;
}

int fail(Error error) {
  std::string message = toString(std::move(error));
  return fail(message);
}

json::Array shapeJson(ArrayRef<int64_t> shape) {
  json::Array a;
  for (int64_t d : shape)
    a.push_back(d);
  return a;
}

std::string formatSeconds(double s) {
  std::string out;
  raw_string_ostream os(out);
  if (s < 1e-3)
    os << format("%.3f us", s * 1e6);
  else if (s < 1)
    os << format("%.3f ms", s * 1e3);
  else
    os << format("%.3f s", s);
  return out;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  runner::keepFreedBuffersInHeap();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "quant-runner: JIT-run a QC module on .npy inputs\n\n"
      "  quant-runner model.mlir --input a.npy [--input b.npy ...] "
      "[--output-dir DIR] [--json]\n");

  if (batchSize < 0)
    return fail("--batch-size must be positive");
  if (repeat < 0)
    return fail("--repeat must be positive");
  if (repeat > 0 && !runBenchmark)
    return fail("--repeat needs --benchmark");
  if (optLevel > 3)
    return fail("--opt-level must be 0, 1, 2 or 3");

  // Inputs first: a missing or malformed file is the cheapest error.
  std::vector<npy::Array> inputs;
  for (const std::string &path : inputPaths) {
    auto array = npy::read(path);
    if (!array)
      return fail(array.takeError());
    inputs.push_back(std::move(*array));
  }
  std::optional<npy::Array> labels;
  if (!labelsPath.empty()) {
    auto array = npy::read(labelsPath);
    if (!array)
      return fail(array.takeError());
    labels = std::move(*array);
  }

  // Parse.
  double t0 = now();
  mlir::DialectRegistry registry;
  qc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics point at the source; the generic form of the op adds noise.
  context.printOpOnDiagnostic(false);
  std::string errorMessage;
  auto file = mlir::openInputFile(modulePath, &errorMessage);
  if (!file)
    return fail("cannot open '" + modulePath + "': " + errorMessage);
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
  mlir::SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("cannot parse '" + modulePath + "'");
  double parseSeconds = now() - t0;

  if (!calibratePath.empty()) {
    qc::CalibrationOptions copts;
    copts.function = functionName;
    copts.batchSize = batchSize > 0 ? static_cast<int64_t>(batchSize) : 64;
    copts.collector.numBins = histogramBins;
    copts.compile.optLevel = optLevel;
    copts.compile.hostCPU = hostCPU;
    auto result = qc::calibrate(*module, inputs, copts);
    if (!result)
      return fail(result.takeError());
    if (Error err = qc::calib::writeStatsFile(calibratePath, result->table))
      return fail(std::move(err));
    if (emitJson) {
      json::Object summary{{"statistics", calibratePath},
                           {"tensors", int64_t(result->table.tensors.size())},
                           {"batches", result->table.batches},
                           {"samples", result->table.samples},
                           {"compile_s", result->compileSeconds},
                           {"run_s", result->runSeconds}};
      outs() << formatv("{0:2}", json::Value(std::move(summary))) << "\n";
    } else {
      outs() << "calibrated " << result->table.tensors.size()
             << " tensors on " << result->table.samples << " samples in "
             << result->table.batches << " batches ("
             << formatSeconds(result->runSeconds) << "); statistics written to "
             << calibratePath << "\n";
    }
    return 0;
  }

  // libomp reads OMP_NUM_THREADS when the first parallel region starts.
  if (numThreads > 0)
    setenv("OMP_NUM_THREADS", std::to_string(numThreads).c_str(), 1);

  // The dot products must be instructions this CPU executes.
  std::string isa = dotIsa;
  if (isa != "auto" && isa != "host" && !qc::isDotIsa(isa))
    return fail("unknown --dot-isa '" + isa +
                "' (expected auto, host, avx512-vnni, avx2, neon-i8mm, "
                "neon-dotprod or generic)");
  if (!targetCpu.empty()) {
    if (!hostCPU)
      return fail("--target-cpu and --host-cpu=false exclude each other");
    Expected<std::string> best = qc::dotIsaForCpu(targetCpu);
    if (!best)
      return fail("--target-cpu: " + toString(best.takeError()));
    std::string missing = qc::cpuFeaturesMissingOnHost(targetCpu);
    if (!missing.empty())
      return fail("--target-cpu=" + targetCpu + " does not run on this CPU "
                  "(missing features: " + missing + ")");
    if (isa == "host")
      isa = qc::hostDotIsa();
    if (isa == "auto")
      isa = *best;
    else if (!qc::dotIsaRunsOn(isa, *best))
      return fail("--dot-isa=" + isa + " does not run on --target-cpu=" +
                  targetCpu + " (its best is " + *best + ")");
  } else if (!hostCPU && isa != "generic") {
    if (isa != "auto" && isa != "host")
      return fail("--dot-isa=" + isa + " needs --host-cpu (a generic CPU "
                  "has no such instructions)");
    isa = "generic";
  } else if (isa == "auto") {
    isa = "host";
    if (auto target = (*module)->getAttrOfType<mlir::StringAttr>("qc.target")) {
      Expected<std::string> chosen = qc::dotIsaForCpu(target.getValue());
      if (!chosen)
        return fail("qc.target: " + toString(chosen.takeError()));
      if (qc::hostRunsDotIsa(*chosen))
        isa = *chosen;
      else
        WithColor::warning(errs(), "quant-runner")
            << "the module is for '" << target.getValue() << "' (" << *chosen
            << " dot products), which this CPU cannot run; using the host's ("
            << qc::hostDotIsa() << ")\n";
    }
  } else if (isa != "host" && !qc::hostRunsDotIsa(isa)) {
    return fail("--dot-isa=" + isa + " does not run on this CPU (the host's "
                "is " + qc::hostDotIsa() + ")");
  }

  // Compile.
  runner::CompileOptions options;
  options.pipeline.dotIsa = isa;
  options.cpu = targetCpu;
  options.optLevel = optLevel;
  options.hostCPU = hostCPU;
  options.sharedLibs.assign(sharedLibs.begin(), sharedLibs.end());
  options.keepObject = !dumpObject.empty();
  options.perfJitDump = perfJitDump;
  options.pipeline.runtimeChecks = runtimeChecks;
  // One thread: no OpenMP fork per kernel (a module already in the LLVM
  // dialect keeps what it was lowered with).
  options.pipeline.openmp = numThreads != 1;
  runner::JitModule jit(std::move(options));
  if (Error err = jit.compile(*module))
    return fail(std::move(err));
  if (!dumpLowered.empty()) {
    std::string err;
    auto out = mlir::openOutputFile(dumpLowered, &err);
    if (!out)
      return fail("cannot write '" + dumpLowered + "': " + err);
    module->print(out->os());
    out->keep();
  }
  if (!dumpObject.empty())
    if (Error err = jit.dumpObject(dumpObject))
      return fail(std::move(err));
  auto fnOr = jit.lookupFunction(functionName);
  if (!fnOr)
    return fail(fnOr.takeError());
  const runner::FunctionSignature &fn = **fnOr;

  // Validate every input against the signature before running anything
  // (with batches, the first dimension is checked per batch).
  {
    std::vector<const npy::Array *> ptrs;
    for (const npy::Array &a : inputs)
      ptrs.push_back(&a);
    std::vector<npy::Array> firstBatch;
    if (batchSize > 0) {
      auto batches = runner::splitBatches(fn, inputs, batchSize);
      if (!batches)
        return fail(batches.takeError());
      firstBatch = std::move(batches->front());
      ptrs.clear();
      for (const npy::Array &a : firstBatch)
        ptrs.push_back(&a);
    }
    if (Error err = runner::JitModule::checkInputs(fn, ptrs))
      return fail(std::move(err));
  }

  // Run.
  int64_t calls = 0;
  runner::RunTimings runTimings;
  auto outputsOr =
      runner::runBatched(jit, fn, inputs, batchSize, &calls, &runTimings);
  if (!outputsOr)
    return fail(outputsOr.takeError());
  std::vector<npy::Array> outputs = std::move(*outputsOr);

  // Write results.
  std::vector<std::string> outputPaths(outputs.size());
  if (!outputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    for (size_t i = 0; i < outputs.size(); ++i) {
      SmallString<256> path(outputDir);
      sys::path::append(path, "result" + std::to_string(i) + ".npy");
      if (Error err = npy::write(path, outputs[i]))
        return fail(std::move(err));
      outputPaths[i] = std::string(path);
    }
  }

  // Accuracy.
  std::optional<runner::Accuracy> accuracy;
  if (labels) {
    if (outputs.empty())
      return fail("--labels: @" + fn.name + " has no result to take as logits");
    auto acc = runner::top1Accuracy(outputs[0], *labels);
    if (!acc)
      return fail(acc.takeError());
    accuracy = *acc;
  }

  // Benchmark on the first batch.
  std::optional<runner::BenchmarkResult> bench;
  int64_t benchRows = 1;
  if (runBenchmark) {
    auto batches = runner::splitBatches(fn, inputs, batchSize);
    if (!batches)
      return fail(batches.takeError());
    const std::vector<npy::Array> &first = batches->front();
    if (!first.empty() && !first[0].shape.empty())
      benchRows = std::max<int64_t>(first[0].shape[0], 1);
    runner::BenchmarkOptions benchOptions;
    benchOptions.repeat = repeat;
    auto result = runner::benchmark(jit, fn, first, benchOptions);
    if (!result)
      return fail(result.takeError());
    bench = *result;
  }

  const runner::CompileTimings &ct = jit.compileTimings();
  if (emitJson) {
    json::Object root;
    root["function"] = fn.name;
    json::Array ins;
    for (size_t i = 0; i < inputs.size(); ++i)
      ins.push_back(json::Object{
          {"path", inputPaths[i]},
          {"dtype", npy::dtypeName(inputs[i].dtype)},
          {"shape", shapeJson(inputs[i].shape)},
          {"type", i < fn.args.size() ? fn.args[i].typeStr : ""}});
    root["inputs"] = std::move(ins);
    json::Array outList;
    for (size_t i = 0; i < outputs.size(); ++i) {
      json::Object o{{"index", int64_t(i)},
                     {"dtype", npy::dtypeName(outputs[i].dtype)},
                     {"shape", shapeJson(outputs[i].shape)},
                     {"type", fn.results[i].typeStr}};
      o["path"] = outputPaths[i].empty() ? json::Value(nullptr)
                                         : json::Value(outputPaths[i]);
      outList.push_back(std::move(o));
    }
    root["outputs"] = std::move(outList);
    root["batch_size"] =
        batchSize > 0 ? json::Value(int64_t(batchSize)) : json::Value(nullptr);
    root["calls"] = calls;
    std::string hostName =
        hostCPU ? sys::getHostCPUName().str() : std::string("generic");
    root["host_cpu"] = hostName;
    // What the code was compiled for: --target-cpu, and the dot products'
    // instructions (isa "host": this CPU's).
    root["target_cpu"] = targetCpu.empty() ? hostName : targetCpu;
    root["dot_isa"] = isa == "host" ? qc::hostDotIsa() : isa;
    root["timings"] = json::Object{{"parse_s", parseSeconds},
                                   {"lower_s", ct.lowerSeconds},
                                   {"jit_s", ct.jitSeconds},
                                   {"run_s", runTimings.callSeconds},
                                   {"run_total_s", runTimings.totalSeconds}};
    if (accuracy)
      root["accuracy"] = json::Object{{"top1", accuracy->top1()},
                                      {"correct", accuracy->correct},
                                      {"total", accuracy->total}};
    if (bench)
      root["benchmark"] = json::Object{
          {"warmup", bench->warmup},
          {"repeats", bench->repeats},
          {"batch", benchRows},
          {"median_ms", bench->medianSeconds * 1e3},
          {"min_ms", bench->minSeconds * 1e3},
          {"mean_ms", bench->meanSeconds * 1e3},
          {"median_per_sample_ms", bench->medianSeconds * 1e3 / benchRows}};
    outs() << formatv("{0:2}", json::Value(std::move(root))) << "\n";
    return 0;
  }

  outs() << "@" << fn.name << ": " << inputs.size() << " input(s), "
         << outputs.size() << " result(s)";
  if (batchSize > 0)
    outs() << ", " << calls << " batch(es) of " << batchSize;
  outs() << "\n";
  for (size_t i = 0; i < outputs.size(); ++i) {
    outs() << "result" << i << ": " << outputs[i].describe();
    if (!outputPaths[i].empty())
      outs() << " -> " << outputPaths[i];
    outs() << "\n";
  }
  if (accuracy)
    outs() << format("top-1 accuracy: %.4f (%lld/%lld)\n", accuracy->top1(),
                     (long long)accuracy->correct, (long long)accuracy->total);
  if (bench)
    outs() << "benchmark: median " << formatSeconds(bench->medianSeconds)
           << " per batch of " << benchRows << ", "
           << formatSeconds(bench->medianSeconds / double(benchRows))
           << " per sample (" << bench->repeats << " runs after "
           << bench->warmup << " warm-up)\n";
  outs() << "timings: parse " << formatSeconds(parseSeconds) << ", lower "
         << formatSeconds(ct.lowerSeconds) << ", jit "
         << formatSeconds(ct.jitSeconds) << ", run "
         << formatSeconds(runTimings.callSeconds) << "\n";
  return 0;
}
