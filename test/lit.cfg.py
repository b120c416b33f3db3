# -*- Python -*-
import os
import re
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "QC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qc_obj_root, "test")

config.environment["FILECHECK_OPTS"] = "-enable-var-scope"
llvm_config.with_system_environment(["HOME", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS"])
if config.qc_sanitizers in ("ON", "1", "TRUE", "YES"):
    # The JIT'd code and libMLIR are not instrumented; leak checking of the
    # long-lived MLIR contexts is noise.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0"

llvm_config.use_default_substitutions()

# Python with Debian's numpy/onnx/torch (the python3 first on PATH may not see them).
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
config.substitutions.append(("%python", python))
config.substitutions.append(("%qc_src", config.qc_src_root))
shared = os.path.abspath(os.path.join(config.qc_src_root, "..", "shared"))
config.substitutions.append(("%shared", shared))
if os.path.isdir(os.path.join(shared, "data")):
    config.available_features.add("shared-data")
else:
    lit_config.note("../shared/data is absent: real-model tests are skipped")

def has_module(mod):
    import subprocess
    return subprocess.call([python, "-c", "import " + mod],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0

if python and has_module("numpy"):
    config.available_features.add("numpy")
if python and has_module("onnx") and os.path.isdir(
        "/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")
if python and has_module("torch"):
    config.available_features.add("torch")
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
if shutil.which("qemu-aarch64") and os.path.isdir("/usr/aarch64-linux-gnu/lib"):
    config.available_features.add("qemu-aarch64")
try:
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if "avx512_vnni" in flags or "avx512vnni" in flags:
        config.available_features.add("x86-avx512vnni")
    if re.search(r"\bavx2\b", flags):
        config.available_features.add("x86-avx2")
except OSError:
    pass
if config.qc_sanitizers in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("sanitizers")

tool_dirs = [config.qc_tools_dir, config.llvm_tools_dir]
tools = ["quant-opt", "quant-runner", "quant-translate", "quant-compile", "qc-unittests"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.qc_tools_dir, append_path=False)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# Shell utilities for RUN lines (rm, mkdir, cmp, ...), after the tools above.
config.environment["PATH"] = os.pathsep.join(
    [config.environment["PATH"], "/usr/local/bin", "/usr/bin", "/bin"])

# Cross compilation to AArch64 (the microkernel tests run under qemu):
# Debian's clang-22, lld-22 and mlir-translate from the LLVM tools folder.
_cross = {"%clang": "clang", "%mlir_translate": "mlir-translate"}
_paths = {k: os.path.join(config.llvm_tools_dir, v) for k, v in _cross.items()}
for _k, _p in _paths.items():
    config.substitutions.append((_k, _p))
if all(os.access(p, os.X_OK) for p in _paths.values()) and os.access(
        os.path.join(config.llvm_tools_dir, "ld.lld"), os.X_OK):
    config.available_features.add("aarch64-cross")
if config.qc_sanitizers in ("ON", "1", "TRUE", "YES"):
    # QC's instrumented code and Debian's uninstrumented libMLIR/libLLVM share
    # llvm::BumpPtrAllocator slabs (StorageUniquer, Dialect::addType, ...).
    # The allocator's inline code in llvm/Support/Allocator.h poisons a new
    # slab and unpoisons each piece only where it was compiled with ASan, so
    # pieces that libMLIR later bumps out of a slab QC started stay poisoned
    # and libMLIR's writes to them (e.g. in mlir::FileLineColRange::get)
    # report use-after-poison. Disable only that manual poisoning; heap,
    # stack and global checks stay on.
    # Leak checking is on after all: the whole suite runs without a leak
    # report (the later detect_leaks overrides the earlier one).
    config.environment["ASAN_OPTIONS"] = ":".join(
        [config.environment["ASAN_OPTIONS"], "allow_user_poisoning=0",
         "detect_leaks=1"])
    # Debian 12's LeakSanitizer (GCC 12) crashes in its tracer while reading
    # the dynamic TLS blocks of a library loaded with dlopen ("Tracer caught
    # signal 11" reading a DTLS range such as 0x5bb9-0x1000006cbb, then
    # "LeakSanitizer has encountered a fatal error"); the JIT dlopens libomp
    # for modules with parallel loops. Thread-local storage is therefore not
    # scanned as roots; the one false report that leaves, glibc's dlopen
    # bookkeeping, is suppressed in lsan.supp.
    config.environment["LSAN_OPTIONS"] = "use_tls=0:suppressions=" + \
        os.path.join(config.test_source_root, "lsan.supp")
