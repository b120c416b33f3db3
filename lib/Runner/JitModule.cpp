//===- JitModule.cpp - JIT-compile a module and run its functions ---------===//
//
// Calling convention: every entry point has a `_mlir_ciface_<name>` wrapper
// (llvm.emit_c_interface). Its parameters are, in order: a pointer to the
// result storage if there are results (one memref descriptor, or a struct of
// descriptors for several results), then one pointer per argument to that
// argument's memref descriptor. A descriptor of rank r is
//   { void *allocated; void *aligned; int64_t offset;
//     int64_t sizes[r]; int64_t strides[r]; }
// i.e. 3 + 2r 8-byte words, so a struct of descriptors is their
// concatenation. The wrapper is called through ExecutionEngine's packed
// interface (`_mlir__mlir_ciface_<name>(void **args)`), which takes the
// address of each parameter; this works for any number and rank of
// arguments without generating C++ call signatures.
//
// Returned buffers were allocated by the callee with malloc (the pipeline
// makes every result caller-owned); they are copied out and freed.
//
//===----------------------------------------------------------------------===//
#include "qc/Runner/JitModule.h"
#include "qc/Pipelines/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/DenseSet.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <csetjmp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

using namespace qc;
using namespace qc::runner;
using llvm::StringRef;

namespace {
double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string typeToString(mlir::Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

/// Maps an element type; returns an explanation if it is not supported.
std::optional<ElementType> toElementType(mlir::Type type, std::string &why) {
  ElementType e;
  if (auto q = llvm::dyn_cast<mlir::quant::QuantizedType>(type)) {
    unsigned width = q.getStorageTypeIntegralWidth();
    e.kind = width == 1 ? ElementType::Bool : ElementType::Int;
    e.bitWidth = width;
    e.isUnsigned = !q.isSigned();
    if (width > 8 && width != 16 && width != 32 && width != 64) {
      why = "quantized storage of " + std::to_string(width) + " bits";
      return std::nullopt;
    }
    return e;
  }
  if (type.isF16() || type.isF32() || type.isF64()) {
    e.kind = ElementType::Float;
    e.bitWidth = type.getIntOrFloatBitWidth();
    return e;
  }
  if (type.isIndex()) {
    e.kind = ElementType::Int;
    e.bitWidth = 64;
    return e;
  }
  if (auto i = llvm::dyn_cast<mlir::IntegerType>(type)) {
    unsigned width = i.getWidth();
    if (width == 1) {
      e.kind = ElementType::Bool;
      e.bitWidth = 1;
      return e;
    }
    if (width <= 8 || width == 16 || width == 32 || width == 64) {
      e.kind = ElementType::Int;
      e.bitWidth = width;
      e.isUnsigned = i.isUnsigned();
      return e;
    }
    why = "integers of " + std::to_string(width) +
          " bits (supported: 1 to 8, 16, 32, 64)";
    return std::nullopt;
  }
  if (type.isBF16()) {
    why = "bf16 (NumPy has no bfloat16 dtype)";
    return std::nullopt;
  }
  why = typeToString(type);
  return std::nullopt;
}

std::optional<TensorSpec> toTensorSpec(mlir::Type type, std::string &why) {
  TensorSpec spec;
  spec.typeStr = typeToString(type);
  mlir::Type element;
  llvm::ArrayRef<int64_t> shape;
  if (auto t = llvm::dyn_cast<mlir::RankedTensorType>(type)) {
    element = t.getElementType();
    shape = t.getShape();
  } else if (auto m = llvm::dyn_cast<mlir::MemRefType>(type)) {
    if (!m.getLayout().isIdentity()) {
      why = "a memref with a non-identity layout";
      return std::nullopt;
    }
    element = m.getElementType();
    shape = m.getShape();
  } else if (llvm::isa<mlir::UnrankedTensorType, mlir::UnrankedMemRefType>(
                 type)) {
    why = "unranked";
    return std::nullopt;
  } else {
    why = "not a ranked tensor or memref";
    return std::nullopt;
  }
  std::string elementWhy;
  std::optional<ElementType> e = toElementType(element, elementWhy);
  if (!e) {
    why = "unsupported element type " + elementWhy;
    return std::nullopt;
  }
  spec.element = *e;
  for (int64_t d : shape)
    spec.shape.push_back(mlir::ShapedType::isDynamic(d) ? TensorSpec::kDynamic
                                                        : d);
  return spec;
}

FunctionSignature toSignature(StringRef name, mlir::FunctionType type) {
  FunctionSignature fn;
  fn.name = name.str();
  auto convert = [&](llvm::ArrayRef<mlir::Type> types,
                     std::vector<TensorSpec> &out, StringRef what) {
    for (auto [i, t] : llvm::enumerate(types)) {
      std::string why;
      if (std::optional<TensorSpec> spec = toTensorSpec(t, why)) {
        out.push_back(std::move(*spec));
      } else {
        if (fn.unsupported.empty())
          fn.unsupported = (what + " " + llvm::Twine(i) + " of @" + name +
                            " has type " + typeToString(t) + ": " + why)
                               .str();
        out.push_back(TensorSpec{ElementType{}, {}, typeToString(t)});
      }
    }
  };
  convert(type.getInputs(), fn.args, "argument");
  convert(type.getResults(), fn.results, "result");
  return fn;
}

std::string describe(const char *what, size_t index, const TensorSpec &spec) {
  return std::string(what) + " " + std::to_string(index) + " (" +
         spec.typeStr + ")";
}

//===----------------------------------------------------------------------===//
// Buffers and descriptors
//===----------------------------------------------------------------------===//

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, FreeDeleter>;

Buffer allocateAligned(size_t bytes) {
  size_t size = std::max<size_t>(64, (bytes + 63) / 64 * 64);
  return Buffer(static_cast<uint8_t *>(std::aligned_alloc(64, size)));
}

int64_t subByteValue(const npy::Array &a, int64_t i) {
  return a.dtype == npy::DType::I8 ? int64_t(a.dataAs<int8_t>()[i])
                                   : int64_t(a.dataAs<uint8_t>()[i]);
}

std::pair<int64_t, int64_t> subByteRange(const ElementType &e) {
  if (e.isUnsigned)
    return {0, (int64_t(1) << e.bitWidth) - 1};
  return {-(int64_t(1) << (e.bitWidth - 1)),
          (int64_t(1) << (e.bitWidth - 1)) - 1};
}

/// Copies `a` into memory laid out as the JIT'd code expects `e`.
void packElements(const ElementType &e, const npy::Array &a, uint8_t *dst) {
  if (e.kind == ElementType::Int && e.bitWidth < 8) {
    // One element per byte, zero-extended from the low bits, as LLVM stores
    // iN for N < 8.
    uint8_t mask = uint8_t((1u << e.bitWidth) - 1);
    for (int64_t i = 0, n = a.numElements(); i < n; ++i)
      dst[i] = uint8_t(subByteValue(a, i)) & mask;
    return;
  }
  if (!a.data.empty())
    std::memcpy(dst, a.data.data(), a.data.size());
}

/// Converts one stored element of a result to its .npy byte(s).
void unpackElement(const ElementType &e, const uint8_t *src, uint8_t *dst,
                   size_t bytes) {
  if (e.kind == ElementType::Bool) {
    *dst = *src & 1;
    return;
  }
  if (e.kind == ElementType::Int && e.bitWidth < 8) {
    uint8_t v = *src & uint8_t((1u << e.bitWidth) - 1);
    if (!e.isUnsigned && (v >> (e.bitWidth - 1)) & 1)
      v |= uint8_t(0xff << e.bitWidth); // sign-extend
    *dst = v;
    return;
  }
  std::memcpy(dst, src, bytes);
}

/// A view of one result descriptor inside the result storage.
struct DescriptorView {
  const int64_t *words;
  size_t rank;
  void *allocated() const { return reinterpret_cast<void *>(words[0]); }
  const uint8_t *aligned() const {
    return reinterpret_cast<const uint8_t *>(words[1]);
  }
  int64_t offset() const { return words[2]; }
  int64_t size(size_t i) const { return words[3 + i]; }
  int64_t stride(size_t i) const { return words[3 + rank + i]; }
};

llvm::Expected<npy::Array> copyOut(const DescriptorView &d,
                                   const TensorSpec &spec, size_t index) {
  npy::Array out;
  out.dtype = spec.element.resultDType();
  int64_t count = 1;
  for (size_t i = 0; i < d.rank; ++i) {
    int64_t size = d.size(i);
    if (size < 0 || (spec.shape[i] >= 0 && size != spec.shape[i]))
      return makeError(describe("result", index, spec) +
                       ": the function returned size " + llvm::Twine(size) +
                       " for dimension " + llvm::Twine(i));
    out.shape.push_back(size);
    count *= size;
  }
  size_t inBytes = spec.element.storageBytes();
  size_t outBytes = npy::dtypeSize(out.dtype);
  out.data.resize(size_t(count) * outBytes);
  if (count == 0)
    return out;
  if (!d.aligned())
    return makeError(describe("result", index, spec) +
                     ": the function returned a null buffer");
  // Walk the elements in row-major order honoring sizes, strides, offset.
  std::vector<int64_t> idx(d.rank, 0);
  uint8_t *dst = out.data.data();
  bool contiguous = true;
  for (int64_t i = int64_t(d.rank) - 1, expect = 1; i >= 0; --i) {
    if (d.size(i) != 1 && d.stride(i) != expect)
      contiguous = false;
    expect *= d.size(i);
  }
  const uint8_t *base = d.aligned() + d.offset() * int64_t(inBytes);
  if (contiguous && inBytes == outBytes &&
      spec.element.kind == ElementType::Float) {
    std::memcpy(dst, base, size_t(count) * inBytes);
    return out;
  }
  for (int64_t n = 0; n < count; ++n) {
    int64_t linear = 0;
    for (size_t i = 0; i < d.rank; ++i)
      linear += idx[i] * d.stride(i);
    unpackElement(spec.element, base + linear * int64_t(inBytes), dst,
                  outBytes);
    dst += outBytes;
    for (int64_t i = int64_t(d.rank) - 1; i >= 0; --i) {
      if (++idx[i] < d.size(i))
        break;
      idx[i] = 0;
    }
  }
  return out;
}

/// The runtime function finalize-memref-to-llvm calls for copies it cannot
/// turn into memcpy (unranked or strided memrefs that escaped
/// qc-lower-strided-copies): copies `elemSize`-byte elements between two
/// ranked descriptors of equal shape, honoring offsets and strides.
struct UnrankedDescriptor {
  int64_t rank;
  int64_t *ranked; // {allocated, aligned, offset, sizes[rank], strides[rank]}
};

void qcRunnerMemrefCopy(int64_t elemSize, UnrankedDescriptor *src,
                        UnrankedDescriptor *dst) {
  int64_t rank = src->rank;
  const int64_t *s = src->ranked, *d = dst->ranked;
  auto *srcBase = reinterpret_cast<const uint8_t *>(s[1]) + s[2] * elemSize;
  auto *dstBase = reinterpret_cast<uint8_t *>(d[1]) + d[2] * elemSize;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= s[3 + i];
  if (count <= 0)
    return;
  std::vector<int64_t> idx(size_t(rank), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t so = 0, dO = 0;
    for (int64_t i = 0; i < rank; ++i) {
      so += idx[i] * s[3 + rank + i];
      dO += idx[i] * d[3 + rank + i];
    }
    std::memcpy(dstBase + dO * elemSize, srcBase + so * elemSize,
                size_t(elemSize));
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < s[3 + i])
        break;
      idx[i] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Failed run-time checks
//===----------------------------------------------------------------------===//
// A failed check (cf.assert, from generate-runtime-verification) prints its
// message with puts and calls abort. The runner resolves both symbols of the
// JIT'd code to its own functions: puts remembers check messages instead of
// printing them, abort jumps back to the guarded call, which then returns an
// error carrying the message. Buffers the function allocated before the
// failure are leaked.
constexpr const char kCheckPrefix[] = "ERROR: Runtime op verification failed";
thread_local jmp_buf *activeGuard = nullptr;
thread_local std::string lastCheckMessage;

int runnerPuts(const char *text) {
  if (StringRef(text).starts_with(kCheckPrefix)) {
    lastCheckMessage = text;
    return 0;
  }
  return std::puts(text);
}

[[noreturn]] void runnerAbort() {
  if (activeGuard)
    longjmp(*activeGuard, 1);
  std::abort();
}

/// Calls `fn`; false if it called abort. Nothing with a destructor lives in
/// this frame, so jumping back into it is safe.
bool guardedCall(void (*fn)(void **), void **args) {
  jmp_buf buffer;
  jmp_buf *outer = activeGuard;
  activeGuard = &buffer;
  if (setjmp(buffer)) {
    activeGuard = outer;
    return false;
  }
  fn(args);
  activeGuard = outer;
  return true;
}

/// "<what failed> (at <location>)" from a check message whose lines are the
/// prefix, the op, "^ <what failed>" and "Location: loc(<location>)".
std::string describeFailedCheck(StringRef message) {
  std::string what, where;
  llvm::SmallVector<StringRef> lines;
  message.split(lines, '\n');
  for (StringRef line : lines) {
    if (line.starts_with("^ "))
      what = line.drop_front(2).trim().str();
    else if (line.starts_with("Location: loc(") && line.ends_with(")"))
      for (char c : line.drop_front(strlen("Location: loc(")).drop_back())
        if (c != '"')
          where += c;
  }
  if (what.empty())
    what = message.empty() ? "an assertion in the module failed"
                           : message.trim().str();
  if (!where.empty())
    what += " (at " + where + ")";
  return what;
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::CodeGenOptLevel codeGenLevel(unsigned level) {
  switch (level) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}
} // namespace

//===----------------------------------------------------------------------===//
// ElementType
//===----------------------------------------------------------------------===//

size_t ElementType::storageBytes() const {
  if (kind == Bool || bitWidth <= 8)
    return 1;
  return bitWidth / 8;
}

npy::DType ElementType::resultDType() const {
  switch (kind) {
  case Float:
    return bitWidth == 16 ? npy::DType::F16
           : bitWidth == 32 ? npy::DType::F32
                            : npy::DType::F64;
  case Bool:
    return npy::DType::Bool;
  case Int:
    break;
  }
  if (bitWidth <= 8)
    return isUnsigned ? npy::DType::U8 : npy::DType::I8;
  if (bitWidth == 16)
    return isUnsigned ? npy::DType::U16 : npy::DType::I16;
  if (bitWidth == 32)
    return isUnsigned ? npy::DType::U32 : npy::DType::I32;
  return isUnsigned ? npy::DType::U64 : npy::DType::I64;
}

bool ElementType::accepts(npy::DType dtype) const {
  switch (kind) {
  case Float:
  case Bool:
    return dtype == resultDType();
  case Int:
    break;
  }
  // Integers: signed or unsigned NumPy data of the storage width (the bytes
  // are passed as they are; sub-byte values are range-checked).
  size_t bytes = storageBytes();
  return (npy::isSignedInt(dtype) || npy::isUnsignedInt(dtype)) &&
         npy::dtypeSize(dtype) == bytes;
}

std::string ElementType::str() const {
  switch (kind) {
  case Float:
    return "f" + std::to_string(bitWidth);
  case Bool:
    return "i1";
  case Int:
    break;
  }
  return (isUnsigned ? "u" : "i") + std::to_string(bitWidth);
}

//===----------------------------------------------------------------------===//
// JitModule
//===----------------------------------------------------------------------===//

JitModule::JitModule(CompileOptions options) : options(std::move(options)) {
  // Runtime functions the lowering may call; callers can override them.
  extraSymbols["memrefCopy"] = reinterpret_cast<void *>(&qcRunnerMemrefCopy);
  extraSymbols["puts"] = reinterpret_cast<void *>(&runnerPuts);
  extraSymbols["abort"] = reinterpret_cast<void *>(&runnerAbort);
}
JitModule::~JitModule() = default;

void JitModule::addSymbol(StringRef name, void *address) {
  extraSymbols[name] = address;
}

llvm::Error JitModule::compile(mlir::ModuleOp module) {
  if (engine)
    return makeError("JitModule::compile called twice");
  mlir::MLIRContext *ctx = module.getContext();

  // 1. Lower unless already in the LLVM dialect.
  double t0 = now();
  if (!isLoweredToLLVM(module)) {
    mlir::PassManager pm(ctx, mlir::ModuleOp::getOperationName());
    buildLowerToLLVMPipeline(pm, options.pipeline);
    if (mlir::failed(pm.run(module)))
      return makeError("lowering the module to the LLVM dialect "
                       "(qc-lower-to-llvm) failed; see the diagnostics above");
  }
  timings.lowerSeconds = now() - t0;

  // 2. Entry points: public LLVM functions that carry the signature recorded
  //    by qc-prepare-entry-points.
  //    convert-func-to-llvm copies the attribute onto the C wrappers; those
  //    are not entry points of their own.
  llvm::StringSet<> defined, withSignature;
  for (auto fn : module.getOps<mlir::LLVM::LLVMFuncOp>()) {
    if (fn.isExternal())
      continue;
    defined.insert(fn.getSymName());
    if (fn->hasAttr(kRunnerSignatureAttrName))
      withSignature.insert(fn.getSymName());
  }
  for (auto fn : module.getOps<mlir::LLVM::LLVMFuncOp>()) {
    auto sig = fn->getAttrOfType<mlir::TypeAttr>(kRunnerSignatureAttrName);
    if (!sig || fn.isExternal() ||
        fn.getLinkage() != mlir::LLVM::Linkage::External)
      continue;
    StringRef name = fn.getSymName();
    if (name.starts_with("_mlir_ciface_") &&
        withSignature.contains(name.drop_front(strlen("_mlir_ciface_"))))
      continue;
    auto type = llvm::dyn_cast<mlir::FunctionType>(sig.getValue());
    if (!type)
      return makeError("@" + fn.getSymName() + ": attribute '" +
                       kRunnerSignatureAttrName +
                       "' must hold a function type");
    FunctionSignature entry = toSignature(fn.getSymName(), type);
    if (!defined.contains(("_mlir_ciface_" + fn.getSymName()).str()) &&
        entry.unsupported.empty())
      entry.unsupported = ("@" + fn.getSymName() +
                           " has no C interface wrapper (_mlir_ciface_" +
                           fn.getSymName() +
                           "); lower it with llvm.emit_c_interface set")
                              .str();
    entries.push_back(std::move(entry));
  }
  if (entries.empty()) {
    bool anyFunction = !defined.empty();
    return makeError(
        anyFunction
            ? llvm::Twine("the module is in the LLVM dialect but no function "
                          "carries a '") +
                  kRunnerSignatureAttrName +
                  "' attribute; lower the tensor-level module with "
                  "quant-opt --qc-lower-to-llvm (or let quant-runner lower it)"
            : llvm::Twine("the module has no public function with a body"));
  }

  // 3. Every external function the module calls must resolve: from the
  //    registered symbols, the shared libraries or the process (libc, libm).
  llvm::sys::DynamicLibrary::LoadLibraryPermanently(nullptr);
  for (const std::string &lib : options.sharedLibs) {
    std::string err;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(lib.c_str(), &err))
      return makeError("cannot load shared library '" + lib + "': " + err);
  }
  for (auto fn : module.getOps<mlir::LLVM::LLVMFuncOp>()) {
    StringRef name = fn.getSymName();
    if (!fn.isExternal() || name.starts_with("llvm.") ||
        extraSymbols.count(name))
      continue;
    if (!llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(name.str()))
      return makeError("the module calls '" + name +
                       "', which it does not define and which no registered "
                       "symbol, loaded library or the runner itself provides");
  }

  // 4. JIT for the host CPU.
  double t1 = now();
  initializeNativeTarget();
  mlir::DialectRegistry registry;
  mlir::registerAllToLLVMIRTranslations(registry);
  ctx->appendDialectRegistry(registry);

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  if (!options.cpu.empty()) {
    // The named CPU's own features (an empty feature string).
    builder->setCPU(options.cpu);
    builder->setFeatures("");
  } else if (options.hostCPU) {
    builder->setCPU(llvm::sys::getHostCPUName().str());
    llvm::SubtargetFeatures features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.first(), feature.second);
    builder->setFeatures(features.getString());
  } else {
    builder->setCPU("");
    builder->setFeatures("");
  }
  builder->setCodeGenOptLevel(codeGenLevel(options.optLevel));
  auto tm = builder->createTargetMachine();
  if (!tm)
    return tm.takeError();
  std::function<llvm::Error(llvm::Module *)> transformer =
      mlir::makeOptimizingTransformer(std::min(options.optLevel, 3u),
                                      /*sizeLevel=*/0, tm->get());
  std::vector<StringRef> libs(options.sharedLibs.begin(),
                              options.sharedLibs.end());
  // Parallel loops were lowered to OpenMP: the code calls libomp.
  bool usesOpenMP = false;
  module.walk([&](mlir::Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "omp") {
      usesOpenMP = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  if (usesOpenMP) {
#ifdef QC_LIBOMP_PATH
    libs.push_back(QC_LIBOMP_PATH);
#else
    return makeError("the module uses OpenMP (parallel loops) but QC was "
                     "built without libomp (install libomp-22-dev and "
                     "reconfigure)");
#endif
  }
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = codeGenLevel(options.optLevel);
  engineOptions.sharedLibPaths = libs;
  engineOptions.enableObjectDump = options.keepObject;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = options.perfJitDump;
  auto created =
      mlir::ExecutionEngine::create(module, engineOptions, std::move(*tm));
  if (!created)
    return created.takeError();
  engine = std::move(*created);
  engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    for (auto &entry : extraSymbols)
      map[interner(entry.getKey())] = {
          llvm::orc::ExecutorAddr::fromPtr(entry.getValue()),
          llvm::JITSymbolFlags::Exported};
    return map;
  });
  for (const FunctionSignature &fn : entries) {
    if (!fn.unsupported.empty())
      continue;
    auto packed = engine->lookupPacked("_mlir_ciface_" + fn.name);
    if (!packed)
      return makeError("JIT compilation of @" + fn.name + " failed: " +
                       llvm::toString(packed.takeError()));
    packedFns[fn.name] = *packed;
  }
  engine->initialize();
  timings.jitSeconds = now() - t1;
  return llvm::Error::success();
}

llvm::Error JitModule::dumpObject(StringRef path) {
  if (!engine || !options.keepObject)
    return makeError("dumpObject needs a module compiled with keepObject");
  std::error_code ec;
  { // dumpToObjectFile reports failures on stderr only: check writability.
    llvm::raw_fd_ostream probe(path, ec);
  }
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  engine->dumpToObjectFile(path);
  return llvm::Error::success();
}

llvm::Expected<const FunctionSignature *>
JitModule::lookupFunction(StringRef name) const {
  auto list = [&] {
    std::string s;
    for (const FunctionSignature &fn : entries)
      s += (s.empty() ? "@" : ", @") + fn.name;
    return s;
  };
  if (name.empty()) {
    if (entries.size() == 1)
      return &entries[0];
    if (entries.empty())
      return makeError("the module has no public function to run");
    return makeError("the module has " + llvm::Twine(entries.size()) +
                     " public functions (" + list() +
                     "); choose one with --function");
  }
  StringRef bare = name.starts_with("@") ? name.drop_front() : name;
  for (const FunctionSignature &fn : entries)
    if (fn.name == bare)
      return &fn;
  return makeError("no public function named @" + bare +
                   " in the module; it has " + list());
}

llvm::Error JitModule::checkInputs(const FunctionSignature &fn,
                                   llvm::ArrayRef<const npy::Array *> inputs) {
  if (!fn.unsupported.empty())
    return makeError("cannot run @" + fn.name + ": " + fn.unsupported);
  if (inputs.size() != fn.args.size())
    return makeError("@" + fn.name + " takes " + llvm::Twine(fn.args.size()) +
                     " argument(s), " + llvm::Twine(inputs.size()) +
                     " input(s) given");
  for (auto [i, spec] : llvm::enumerate(fn.args)) {
    const npy::Array &a = *inputs[i];
    std::string what = describe("argument", i, spec);
    bool negative = llvm::any_of(a.shape, [](int64_t d) { return d < 0; });
    if (negative || a.data.size() != size_t(a.numElements()) * a.elementSize())
      return makeError(what + ": the array " + a.describe() + " holds " +
                       llvm::Twine(a.data.size()) +
                       " bytes, inconsistent with its shape");
    if (!spec.element.accepts(a.dtype)) {
      std::string expected = npy::dtypeName(spec.element.resultDType()).str();
      if (spec.element.kind == ElementType::Int) {
        npy::DType s = spec.element.resultDType();
        expected = spec.element.storageBytes() == 1 ? "int8 or uint8"
                   : npy::isUnsignedInt(s)
                       ? ("uint" + std::to_string(spec.element.bitWidth) +
                          " or int" + std::to_string(spec.element.bitWidth))
                       : ("int" + std::to_string(spec.element.bitWidth) +
                          " or uint" + std::to_string(spec.element.bitWidth));
      }
      return makeError(what + ": expected dtype " + expected + ", got " +
                       a.describe());
    }
    if (a.shape.size() != spec.rank())
      return makeError(what + ": expected rank " + llvm::Twine(spec.rank()) +
                       " " + npy::formatShape(spec.shape) + ", got rank " +
                       llvm::Twine(a.shape.size()) + " (" + a.describe() +
                       ")");
    for (size_t d = 0; d < spec.rank(); ++d)
      if (spec.shape[d] >= 0 && spec.shape[d] != a.shape[d])
        return makeError(what + ": expected shape " +
                         npy::formatShape(spec.shape) + ", got " +
                         a.describe() + " (dimension " + llvm::Twine(d) +
                         " differs)");
    if (spec.element.kind == ElementType::Int && spec.element.bitWidth < 8) {
      auto [lo, hi] = subByteRange(spec.element);
      for (int64_t k = 0, n = a.numElements(); k < n; ++k) {
        int64_t v = subByteValue(a, k);
        if (v < lo || v > hi)
          return makeError(what + ": value " + llvm::Twine(v) +
                           " at flat index " + llvm::Twine(k) +
                           " is outside [" + llvm::Twine(lo) + ", " +
                           llvm::Twine(hi) + "], the range of " +
                           spec.element.str());
      }
    }
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<npy::Array>>
JitModule::run(const FunctionSignature &fn, llvm::ArrayRef<npy::Array> inputs,
               RunTimings *timings) {
  std::vector<const npy::Array *> ptrs;
  for (const npy::Array &a : inputs)
    ptrs.push_back(&a);
  return run(fn, ptrs, timings);
}

llvm::Expected<std::vector<npy::Array>>
JitModule::run(const FunctionSignature &fn,
               llvm::ArrayRef<const npy::Array *> inputs,
               RunTimings *timings) {
  double start = now();
  if (!engine)
    return makeError("JitModule::run called before compile");
  if (auto err = checkInputs(fn, inputs))
    return err;
  auto it = packedFns.find(fn.name);
  if (it == packedFns.end())
    return makeError("@" + fn.name + " is not an entry point of this module");

  // Inputs: aligned copies in the in-memory representation, descriptors.
  std::vector<Buffer> buffers;
  std::vector<std::vector<int64_t>> descriptors;
  std::vector<void *> descriptorPtrs;
  for (auto [i, spec] : llvm::enumerate(fn.args)) {
    const npy::Array &a = *inputs[i];
    Buffer buffer =
        allocateAligned(size_t(a.numElements()) * spec.element.storageBytes());
    if (!buffer)
      return makeError("out of memory for argument " + llvm::Twine(i));
    packElements(spec.element, a, buffer.get());
    std::vector<int64_t> desc(3 + 2 * spec.rank());
    desc[0] = reinterpret_cast<int64_t>(buffer.get());
    desc[1] = reinterpret_cast<int64_t>(buffer.get());
    desc[2] = 0;
    int64_t stride = 1;
    for (int64_t d = int64_t(spec.rank()) - 1; d >= 0; --d) {
      desc[3 + d] = a.shape[d];
      desc[3 + spec.rank() + d] = stride;
      stride *= a.shape[d];
    }
    buffers.push_back(std::move(buffer));
    descriptors.push_back(std::move(desc));
  }
  for (std::vector<int64_t> &desc : descriptors)
    descriptorPtrs.push_back(desc.data());

  // Results: one descriptor per result, packed one after the other.
  size_t words = 0;
  for (const TensorSpec &spec : fn.results)
    words += 3 + 2 * spec.rank();
  std::vector<int64_t> resultStorage(std::max<size_t>(words, 1), 0);
  void *resultPtr = resultStorage.data();

  llvm::SmallVector<void *> packedArgs;
  if (!fn.results.empty())
    packedArgs.push_back(&resultPtr);
  for (void *&p : descriptorPtrs)
    packedArgs.push_back(&p);

  double callStart = now();
  lastCheckMessage.clear();
  if (!guardedCall(it->second, packedArgs.data()))
    return makeError("@" + fn.name + ": a run-time check failed: " +
                     describeFailedCheck(lastCheckMessage));
  double callEnd = now();

  // Copy out, then free each returned buffer once; never free inputs.
  std::vector<npy::Array> outputs;
  llvm::DenseSet<void *> toFree;
  llvm::DenseSet<void *> inputBuffers;
  for (Buffer &b : buffers)
    inputBuffers.insert(b.get());
  llvm::Error error = llvm::Error::success();
  size_t offset = 0;
  for (auto [i, spec] : llvm::enumerate(fn.results)) {
    DescriptorView view{resultStorage.data() + offset, spec.rank()};
    offset += 3 + 2 * spec.rank();
    if (void *p = view.allocated(); p && !inputBuffers.contains(p))
      toFree.insert(p);
    if (error)
      continue;
    auto out = copyOut(view, spec, i);
    if (!out) {
      error = out.takeError();
      continue;
    }
    outputs.push_back(std::move(*out));
  }
  for (void *p : toFree)
    std::free(p);
  if (error)
    return error;
  if (timings) {
    timings->callSeconds = callEnd - callStart;
    timings->totalSeconds = now() - start;
  }
  return outputs;
}

//===----------------------------------------------------------------------===//
// Batches, accuracy, benchmark
//===----------------------------------------------------------------------===//

namespace {
float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: renormalize
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while (!(mant & 0x400));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | mant << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

double elementAsDouble(const npy::Array &a, int64_t i) {
  switch (a.dtype) {
  case npy::DType::F16:
    return halfToFloat(a.dataAs<uint16_t>()[i]);
  case npy::DType::F32:
    return a.dataAs<float>()[i];
  case npy::DType::F64:
    return a.dataAs<double>()[i];
  case npy::DType::Bool:
  case npy::DType::U8:
    return a.dataAs<uint8_t>()[i];
  case npy::DType::I8:
    return a.dataAs<int8_t>()[i];
  case npy::DType::I16:
    return a.dataAs<int16_t>()[i];
  case npy::DType::U16:
    return a.dataAs<uint16_t>()[i];
  case npy::DType::I32:
    return a.dataAs<int32_t>()[i];
  case npy::DType::U32:
    return a.dataAs<uint32_t>()[i];
  case npy::DType::I64:
    return double(a.dataAs<int64_t>()[i]);
  case npy::DType::U64:
    return double(a.dataAs<uint64_t>()[i]);
  }
  return 0;
}

std::optional<int64_t> elementAsInt(const npy::Array &a, int64_t i) {
  switch (a.dtype) {
  case npy::DType::I8:
    return a.dataAs<int8_t>()[i];
  case npy::DType::U8:
    return a.dataAs<uint8_t>()[i];
  case npy::DType::I16:
    return a.dataAs<int16_t>()[i];
  case npy::DType::U16:
    return a.dataAs<uint16_t>()[i];
  case npy::DType::I32:
    return a.dataAs<int32_t>()[i];
  case npy::DType::U32:
    return a.dataAs<uint32_t>()[i];
  case npy::DType::I64:
    return a.dataAs<int64_t>()[i];
  case npy::DType::U64: {
    uint64_t v = a.dataAs<uint64_t>()[i];
    if (v > uint64_t(INT64_MAX))
      return std::nullopt;
    return int64_t(v);
  }
  default:
    return std::nullopt;
  }
}
} // namespace

llvm::Expected<Accuracy> qc::runner::top1Accuracy(const npy::Array &logits,
                                                  const npy::Array &labels) {
  if (logits.shape.size() != 2)
    return makeError("top-1 accuracy needs logits of shape [N, C]; the first "
                     "result is " +
                     logits.describe());
  int64_t n = logits.shape[0], c = logits.shape[1];
  if (c < 1)
    return makeError("top-1 accuracy needs at least one class; the first "
                     "result is " +
                     logits.describe());
  if (npy::isFloat(labels.dtype) || labels.dtype == npy::DType::Bool)
    return makeError("labels must be integers (int64), got " +
                     labels.describe());
  bool labelShapeOk =
      (labels.shape.size() == 1 && labels.shape[0] == n) ||
      (labels.shape.size() == 2 && labels.shape[0] == n && labels.shape[1] == 1);
  if (!labelShapeOk)
    return makeError("labels " + labels.describe() +
                     " do not match the logits " + logits.describe() +
                     ": expected shape [" + llvm::Twine(n) + "]");
  Accuracy acc;
  acc.total = n;
  for (int64_t row = 0; row < n; ++row) {
    std::optional<int64_t> label = elementAsInt(labels, row);
    if (!label || *label < 0 || *label >= c)
      return makeError("label at index " + llvm::Twine(row) +
                       " is outside [0, " + llvm::Twine(c) + ")");
    // np.argmax: first maximum; a NaN wins over any number.
    int64_t best = 0;
    double bestValue = elementAsDouble(logits, row * c);
    for (int64_t k = 1; k < c && !std::isnan(bestValue); ++k) {
      double v = elementAsDouble(logits, row * c + k);
      if (std::isnan(v) || v > bestValue) {
        best = k;
        bestValue = v;
      }
    }
    acc.correct += best == *label;
  }
  return acc;
}

llvm::Expected<std::vector<std::vector<npy::Array>>>
qc::runner::splitBatches(const FunctionSignature &fn,
                         llvm::ArrayRef<npy::Array> inputs,
                         int64_t batchSize) {
  std::vector<std::vector<npy::Array>> batches;
  if (batchSize <= 0) {
    batches.emplace_back(inputs.begin(), inputs.end());
    return batches;
  }
  if (inputs.size() != fn.args.size())
    return makeError("@" + fn.name + " takes " + llvm::Twine(fn.args.size()) +
                     " argument(s), " + llvm::Twine(inputs.size()) +
                     " input(s) given");
  // An input is split if its argument has a dynamic first dimension or a
  // static one equal to the batch size; an input whose static first
  // dimension differs from the batch size but matches the input (weights,
  // ...) goes whole to every batch.
  int64_t rows = -1;
  size_t firstSplit = 0;
  std::vector<bool> split(inputs.size(), false);
  for (auto [i, a] : llvm::enumerate(inputs)) {
    const TensorSpec &spec = fn.args[i];
    if (a.shape.empty() || spec.rank() == 0)
      continue;
    if (spec.shape[0] >= 0 && spec.shape[0] != batchSize) {
      if (a.shape[0] == spec.shape[0])
        continue;
      return makeError("--batch-size " + llvm::Twine(batchSize) + ": " +
                       describe("argument", i, spec) +
                       " has a static first dimension of " +
                       llvm::Twine(spec.shape[0]) + " and the input has " +
                       llvm::Twine(a.shape[0]) + " rows");
    }
    if (spec.shape[0] >= 0 && a.shape[0] % batchSize != 0)
      return makeError("--batch-size " + llvm::Twine(batchSize) + ": " +
                       llvm::Twine(a.shape[0]) +
                       " rows do not split into batches of the static size "
                       "of " +
                       describe("argument", i, spec));
    split[i] = true;
    if (rows < 0) {
      rows = a.shape[0];
      firstSplit = i;
    } else if (a.shape[0] != rows) {
      return makeError("--batch-size: input " + llvm::Twine(i) + " has " +
                       llvm::Twine(a.shape[0]) + " rows, input " +
                       llvm::Twine(firstSplit) + " has " + llvm::Twine(rows));
    }
  }
  if (rows < 0)
    return makeError("--batch-size: no argument of @" + fn.name +
                     " has a batch dimension to split (a dynamic first "
                     "dimension, or a static one equal to the batch size)");
  if (rows == 0)
    return makeError("--batch-size: the inputs have no rows");
  for (int64_t begin = 0; begin < rows; begin += batchSize) {
    int64_t count = std::min(batchSize, rows - begin);
    std::vector<npy::Array> batch;
    for (auto [i, a] : llvm::enumerate(inputs))
      batch.push_back(split[i] ? npy::sliceRows(a, begin, count) : a);
    batches.push_back(std::move(batch));
  }
  return batches;
}

llvm::Expected<std::vector<npy::Array>>
qc::runner::runBatched(JitModule &jit, const FunctionSignature &fn,
                       llvm::ArrayRef<npy::Array> inputs, int64_t batchSize,
                       int64_t *calls, RunTimings *timings) {
  auto batches = splitBatches(fn, inputs, batchSize);
  if (!batches)
    return batches.takeError();
  std::vector<std::vector<npy::Array>> perResult(fn.results.size());
  RunTimings total;
  int64_t n = 0;
  for (auto [b, batch] : llvm::enumerate(*batches)) {
    RunTimings t;
    auto outs = jit.run(fn, batch, &t);
    if (!outs) {
      if (batches->size() == 1)
        return outs.takeError();
      return makeError("batch " + llvm::Twine(b) + ": " +
                       llvm::toString(outs.takeError()));
    }
    total.callSeconds += t.callSeconds;
    total.totalSeconds += t.totalSeconds;
    ++n;
    for (size_t r = 0; r < outs->size(); ++r)
      perResult[r].push_back(std::move((*outs)[r]));
  }
  if (calls)
    *calls = n;
  if (timings)
    *timings = total;
  std::vector<npy::Array> results;
  for (auto [r, parts] : llvm::enumerate(perResult)) {
    if (parts.size() == 1) {
      results.push_back(std::move(parts[0]));
      continue;
    }
    if (parts[0].shape.empty())
      return makeError(describe("result", r, fn.results[r]) +
                       " is rank-0 and cannot be concatenated across "
                       "batches; run without --batch-size");
    auto joined = npy::concatRows(parts);
    if (!joined)
      return makeError(describe("result", r, fn.results[r]) + ": " +
                       llvm::toString(joined.takeError()));
    results.push_back(std::move(*joined));
  }
  return results;
}

llvm::Expected<BenchmarkResult>
qc::runner::benchmark(JitModule &jit, const FunctionSignature &fn,
                      llvm::ArrayRef<npy::Array> inputs,
                      const BenchmarkOptions &options) {
  BenchmarkResult result;
  for (int64_t i = 0; i < options.warmup; ++i) {
    auto outs = jit.run(fn, inputs);
    if (!outs)
      return outs.takeError();
  }
  result.warmup = options.warmup;
  std::vector<double> samples;
  double elapsed = 0;
  while (true) {
    if (options.repeat > 0) {
      if (int64_t(samples.size()) >= options.repeat)
        break;
    } else if ((int64_t(samples.size()) >= options.minRepeats &&
                elapsed >= options.minSeconds) ||
               int64_t(samples.size()) >= options.maxRepeats) {
      break;
    }
    RunTimings t;
    auto outs = jit.run(fn, inputs, &t);
    if (!outs)
      return outs.takeError();
    samples.push_back(t.callSeconds);
    elapsed += t.callSeconds;
  }
  result.repeats = int64_t(samples.size());
  if (samples.empty())
    return result;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  result.medianSeconds =
      n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  result.minSeconds = sorted.front();
  double sum = 0;
  for (double s : samples)
    sum += s;
  result.meanSeconds = sum / double(n);
  return result;
}

void qc::runner::keepFreedBuffersInHeap() {
#if defined(__GLIBC__)
  // The largest values glibc accepts: every block comes from the heap, and
  // the heap top is never given back.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, -1);
#endif
}
