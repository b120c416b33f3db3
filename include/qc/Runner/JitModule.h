//===- JitModule.h - JIT-compile a module and run its functions -*- C++ -*-===//
//
// The core of quant-runner, usable by any tool that needs to execute a QC
// module (calibration, accuracy checks, benchmarks):
//
//   qc::runner::JitModule jit;                  // options: opt level, CPU
//   jit.addSymbol("qc_observe", &observe);      // runtime callbacks
//   if (auto err = jit.compile(module)) ...     // lowers unless LLVM dialect
//   auto fn = jit.lookupFunction("main");       // "" = the single public one
//   auto outs = jit.run(**fn, inputs);          // as often as needed
//
// Arguments and results are dense arrays (qc::npy::Array); the calling
// convention and the dtype mapping are described in docs/Runner.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_RUNNER_JITMODULE_H
#define QC_RUNNER_JITMODULE_H

#include "qc/Pipelines/LowerToLLVM.h"
#include "qc/Runner/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qc::runner {

/// The element type of a function argument or result as the runner sees it.
struct ElementType {
  enum Kind { Float, Int, Bool };
  Kind kind = Float;
  /// Bits of the logical type (f16: 16, i4: 4, index: 64).
  unsigned bitWidth = 32;
  /// For Int: the values are unsigned (ui8, or !quant.uniform<u8:...>).
  bool isUnsigned = false;

  /// Bytes per element in memory (sub-byte integers take one byte each).
  size_t storageBytes() const;
  /// The .npy dtype results of this type are written as.
  npy::DType resultDType() const;
  /// Whether an input .npy dtype is accepted for this type.
  bool accepts(npy::DType dtype) const;
  /// "f32", "i4", "u8", "i1"
  std::string str() const;
};

/// One ranked tensor or memref argument/result.
struct TensorSpec {
  ElementType element;
  /// Dimensions; kDynamic (-1) where the size comes from the input.
  std::vector<int64_t> shape;
  /// The type as written in the module, e.g. "tensor<?x4xf32>".
  std::string typeStr;
  static constexpr int64_t kDynamic = -1;
  size_t rank() const { return shape.size(); }
};

/// An entry point of the compiled module.
struct FunctionSignature {
  std::string name;
  std::vector<TensorSpec> args;
  std::vector<TensorSpec> results;
  /// Set when an argument or result has a type the runner cannot pass
  /// (unranked, scalar, complex, ...); running the function reports it.
  std::string unsupported;
};

struct CompileOptions {
  /// LLVM IR optimization and codegen level (0-3).
  unsigned optLevel = 3;
  /// Generate code for the host CPU and all its features (AVX-512, ...).
  /// Otherwise a generic x86-64 / aarch64 target.
  bool hostCPU = true;
  /// Generate code for this CPU and its features instead (an LLVM CPU name
  /// such as x86-64-v3, to run code built for a smaller CPU than the host;
  /// the caller checks that the host runs it). Empty: hostCPU decides.
  std::string cpu;
  /// Options of the qc-lower-to-llvm pipeline.
  LowerToLLVMOptions pipeline;
  /// Shared libraries whose symbols the JIT'd code may call.
  std::vector<std::string> sharedLibs;
  /// Keep the compiled object so that dumpObject() can write it.
  bool keepObject = false;
  /// Describe the JIT'd functions to `perf` (LLVM's perf listener: a
  /// jitdump file under $JITDUMPDIR or ~/.debug/jit, for `perf inject
  /// --jit`), so that profiles name each kernel's function.
  bool perfJitDump = false;
};

struct CompileTimings {
  double lowerSeconds = 0; ///< qc-lower-to-llvm (0 for LLVM-dialect input)
  double jitSeconds = 0;   ///< translation to LLVM IR, optimization, codegen
};

/// Timing of one run().
struct RunTimings {
  double callSeconds = 0;  ///< the JIT'd function alone
  double totalSeconds = 0; ///< with packing inputs and copying out results
};

class JitModule {
public:
  explicit JitModule(CompileOptions options = {});
  ~JitModule();
  JitModule(const JitModule &) = delete;
  JitModule &operator=(const JitModule &) = delete;

  /// Makes `address` callable from the module under `name` (an external
  /// function declared in it). Call before compile().
  void addSymbol(llvm::StringRef name, void *address);

  /// Lowers `module` in place with qc-lower-to-llvm unless it is already in
  /// the LLVM dialect, then JIT-compiles it. Public functions become entry
  /// points. Can be called once.
  llvm::Error compile(mlir::ModuleOp module);

  const std::vector<FunctionSignature> &functions() const { return entries; }
  /// The entry point named `name`; with an empty name, the only one.
  llvm::Expected<const FunctionSignature *>
  lookupFunction(llvm::StringRef name) const;

  /// Checks that `inputs` match the signature (count, rank, static dims,
  /// dtype, value range of sub-byte integers); the error names the argument.
  static llvm::Error checkInputs(const FunctionSignature &fn,
                                 llvm::ArrayRef<const npy::Array *> inputs);

  /// Runs `fn` on `inputs` (validated first) and returns its results.
  llvm::Expected<std::vector<npy::Array>>
  run(const FunctionSignature &fn, llvm::ArrayRef<const npy::Array *> inputs,
      RunTimings *timings = nullptr);
  llvm::Expected<std::vector<npy::Array>>
  run(const FunctionSignature &fn, llvm::ArrayRef<npy::Array> inputs,
      RunTimings *timings = nullptr);

  const CompileTimings &compileTimings() const { return timings; }

  /// Writes the compiled object file (needs CompileOptions::keepObject).
  llvm::Error dumpObject(llvm::StringRef path);

private:
  CompileOptions options;
  llvm::StringMap<void *> extraSymbols;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<FunctionSignature> entries;
  llvm::StringMap<void (*)(void **)> packedFns;
  CompileTimings timings;
};

/// Top-1 accuracy of `logits` ([N, C], any numeric dtype) against integer
/// `labels` ([N]): the fraction of rows whose argmax equals the label.
struct Accuracy {
  int64_t correct = 0;
  int64_t total = 0;
  double top1() const { return total ? double(correct) / double(total) : 0; }
};
llvm::Expected<Accuracy> top1Accuracy(const npy::Array &logits,
                                      const npy::Array &labels);

/// Runs `fn` over the inputs in batches of `batchSize` rows (0: all at once)
/// and concatenates the results along their first dimension. An input is
/// split along its first dimension if its argument has a dynamic first
/// dimension or a static one equal to `batchSize`; an input whose static
/// first dimension differs from `batchSize` but matches the input (weights,
/// ...) is passed whole to every call.
/// `calls` (optional) receives the number of calls, `timings` the sum.
llvm::Expected<std::vector<npy::Array>>
runBatched(JitModule &jit, const FunctionSignature &fn,
           llvm::ArrayRef<npy::Array> inputs, int64_t batchSize,
           int64_t *calls = nullptr, RunTimings *timings = nullptr);

/// Splits the inputs into batches as runBatched does, checking that the
/// function accepts the batch size.
llvm::Expected<std::vector<std::vector<npy::Array>>>
splitBatches(const FunctionSignature &fn, llvm::ArrayRef<npy::Array> inputs,
             int64_t batchSize);

struct BenchmarkOptions {
  int64_t warmup = 2;
  /// Exact number of timed runs; 0: at least minRepeats and minSeconds.
  int64_t repeat = 0;
  int64_t minRepeats = 10;
  double minSeconds = 1.0;
  int64_t maxRepeats = 100000;
};
struct BenchmarkResult {
  int64_t warmup = 0;
  int64_t repeats = 0;
  double medianSeconds = 0, minSeconds = 0, meanSeconds = 0;
};
/// Times repeated calls of `fn` on the same inputs (the JIT'd call only).
llvm::Expected<BenchmarkResult> benchmark(JitModule &jit,
                                          const FunctionSignature &fn,
                                          llvm::ArrayRef<npy::Array> inputs,
                                          const BenchmarkOptions &options);

/// Makes the process keep freed memory in its heap instead of returning it to
/// the system (glibc: no mmap for large blocks, no trimming). Compiled models
/// allocate their intermediate buffers with malloc on every call; with the
/// default policy every buffer over 128 KiB is a fresh mmap whose pages fault
/// in again on each call (a third of resnet20's time at batch 64). Tools
/// that run compiled code repeatedly call this once at start-up; it changes
/// a process-wide setting, so the library never calls it by itself.
void keepFreedBuffersInHeap();

} // namespace qc::runner

#endif // QC_RUNNER_JITMODULE_H
