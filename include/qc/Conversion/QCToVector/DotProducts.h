//===- DotProducts.h - Choosing the qc.dot_u8s8 lowering --------*- C++ -*-===//
//
// Which instructions `qc-lower-dot-products` uses for a CPU: the host's, or
// one named as for clang's -mcpu / -march (LLVM's target parser knows its
// features), so that code can be compiled for another machine.
//
//===----------------------------------------------------------------------===//
#ifndef QC_CONVERSION_QCTOVECTOR_DOTPRODUCTS_H
#define QC_CONVERSION_QCTOVECTOR_DOTPRODUCTS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qc {

/// The instruction sets of `qc-lower-dot-products{isa=...}`, fastest first:
/// avx512-vnni, avx2, neon-i8mm, neon-dotprod, generic.
bool isDotIsa(llvm::StringRef isa);

/// The best dot-product instruction set of the host CPU: avx512-vnni with
/// AVX-512 VNNI and VL, avx2 with AVX2, neon-i8mm / neon-dotprod on AArch64
/// with those extensions, else generic.
std::string hostDotIsa();

/// The same for a named CPU: "host", an x86-64 CPU as LLVM names it
/// (x86-64-v3, x86-64-v4, haswell, skylake-avx512, cascadelake,
/// sapphirerapids, znver3, znver4, znver5, ...), an AArch64 CPU
/// (cortex-a76, neoverse-v1, neoverse-n2, apple-m1, ...) or "aarch64" (the
/// baseline Armv8-A). An unknown name is an error that says what is
/// expected.
llvm::Expected<std::string> dotIsaForCpu(llvm::StringRef cpu);

/// The instruction set a pass option `isa` (auto, host, or one of
/// isDotIsa's) with an optional `cpu` stands for at `anchor`: an explicit
/// isa; host: hostDotIsa(); auto: dotIsaForCpu(cpu), else that of the
/// `qc.target` string attribute of `anchor` or its nearest ancestor that
/// has one (quant-compile --target records it on the module), else the
/// host's. Unknown names, and isa with cpu, are errors at `anchor` (or at
/// the op carrying a bad qc.target) whose message starts with `pass`.
mlir::FailureOr<std::string> resolveDotIsa(mlir::Operation *anchor,
                                           llvm::StringRef isa,
                                           llvm::StringRef cpu,
                                           llvm::StringRef pass);

/// Whether code using `isa` runs on this machine.
bool hostRunsDotIsa(llvm::StringRef isa);

/// Whether code using `isa` runs on a CPU whose best instruction set
/// (dotIsaForCpu) is `best`: generic runs everywhere, avx2 on AVX-512 VNNI
/// CPUs, neon-dotprod on i8mm ones.
bool dotIsaRunsOn(llvm::StringRef isa, llvm::StringRef best);

/// The instruction-set extensions of x86-64 CPU `cpu` (SSE, AVX, FMA, BMI,
/// ..., as LLVM names them) that this machine lacks, comma-separated: empty when code compiled for `cpu` runs here.
/// Every feature is missing when the host is not x86-64 or `cpu` is not an
/// x86-64 CPU (an AArch64 CPU on an x86 host, ...).
std::string cpuFeaturesMissingOnHost(llvm::StringRef cpu);

} // namespace qc

#endif // QC_CONVERSION_QCTOVECTOR_DOTPRODUCTS_H
