//===- Passes.td - QC conversion passes ---------------------*- tablegen -*-===//
#ifndef QC_CONVERSION_PASSES_TD
#define QC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCLowerIntegerOpsPass : Pass<"qc-lower-integer-ops"> {
  let summary = "Lower the qc integer compute ops to linalg on storage integers";
  let description = [{
    The reference lowering of `qc.conv2d`, `qc.fully_connected`,
    `qc.matmul`, `qc.add` and `qc.avg_pool2d` (docs/IntegerOps.md gives the
    exact arithmetic). Operands are read through `quant.scast` as their
    signless storage tensors, sign- or zero-extended to i32 per the storage
    signedness, and the zero point is subtracted before any product, so
    padding with the input zero point is padding the shifted tensor with 0.

    * conv2d / fully_connected / matmul accumulate in i32 with
      `linalg.conv_2d_nchw_fchw` (`linalg.conv_2d_ngchw_gfchw` for
      groups > 1), `linalg.matmul` (weights transposed) or
      `linalg.batch_matmul`, into a zero fill or the broadcast bias. The
      accumulator is cast to an i32 quantized type of scale `s_x * s_w`
      (per output channel along dimension 1 when the weights are per
      channel) and rescaled by `qc.requantize` with the op's `mode`; the
      fused clamp is then applied on storage.
    * add and avg_pool2d have float epilogues of their own, emitted as one
      `linalg.generic` each with the documented f32 operation order.

    The pass works on any op (a `func.func` or the module). Its output
    still has quantized types at the seams and `qc.requantize`; run
    `qc-lower-quant` next, then `qc-lower-to-llvm`.

    ```mlir
    %y = qc.fully_connected %x, %w : tensor<2x8x!quant.uniform<u8:f32, 0.1:3>>,
           tensor<4x8x!quant.uniform<i8:f32, 0.05>> -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
    ```

    becomes a `linalg.generic` computing `extui(x) - 3` in i32, one
    extending the weights, `linalg.matmul` with a transposed right-hand
    side into a zero-filled i32 accumulator, and `qc.requantize` from
    `!quant.uniform<i32:f32, 5.0e-03>` to the result type.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::quant::QuantDialect", "::qc::QCDialect"
  ];
}

def QCVectorizeIntegerOpsPass
    : Pass<"qc-vectorize-integer-ops", "::mlir::ModuleOp"> {
  let summary = "Lower qc.fully_connected / qc.conv2d to int8 dot-product "
                "microkernels on pre-packed weights";
  let description = [{
    The fast lowering of QC's integer GEMM-like ops (docs/Microkernels.md).
    For `isa=avx512-vnni`, each `qc.fully_connected` and each `qc.conv2d`
    with `groups = 1`, constant weights, at most 8-bit storage and an
    integer requantization mode becomes:

    * private constant `memref.global`s, computed at compile time: the
      weights packed as `[N/NR][K/4][NR][4]` bytes (NR = 16 or 32 output
      channels, K = KH*KW*C with C rounded up to 4, the tail zero), the bias
      with the activation zero point and the unsigned shift folded in
      (`bias - (zx + off) * sum_k w`, off = 128 for signed activations), and
      the per-channel multiplier, shift and rounding terms of the integer
      `qc.requantize`;
    * a packing loop nest writing the activations as unsigned bytes
      (`x xor 0x80` for signed storage), NCHW -> zero-point-padded NHWC for
      convolutions (implicit GEMM: no im2col buffer);
    * a register-tiled kernel: rows in tiles of MR (8) times NR columns
      held in MR*NR/16 `vector<16xi32>` accumulators updated by
      `qc.dot_u8s8` (vpdpbusd, see `qc-lower-dot-products`) on a broadcast
      4-byte activation group and one 64-byte weight vector; the row tiles
      in an `scf.parallel` (option `parallel`, default on), remainder rows
      one at a time;
    * the epilogue on the accumulator registers: bias, the exact i64
      multiplier/shift/rounding of `qc.requantize` (bit-identical to
      `qc-lower-integer-ops` + `qc-lower-quant`), output zero point, the
      fused clamp, then a (masked) vector store, or a masked scatter into
      the NCHW result of a convolution.

    Ops outside these conditions (grouped and depthwise convolutions,
    `float_scale`, dynamic channel or spatial sizes, non-constant weights)
    are left unchanged for `qc-lower-integer-ops`. `qc-lower-to-llvm`
    lowers the `qc.dot_u8s8` ops after deallocation
    (`qc-lower-dot-products`): one instruction each with AVX-512 VNNI,
    portable vector code with the same result elsewhere.

    The option `isa` names the instruction set the kernels are shaped for,
    resolved like `qc-lower-dot-products{isa}`: `auto` (the default) takes
    the `cpu` option, else the module's `qc.target` (`quant-compile
    --target`), else the host. With `neon-i8mm` (e.g. `neoverse-v1`,
    `neoverse-n2`), `qc.fully_connected` and `qc.conv2d` get the
    matrix-multiply kernels instead: weights packed `[N/16][K/8][8][2][8]`
    (K tap by tap, channels rounded up to 8), activations two rows per 16
    bytes (fully connected rows packed `[M/2][K/8][2][8]`; convolutions two
    8-byte pixel loads from the padded NHWC input), a tile of 4 rows x 16
    channels held in 16 `vector<4xi32>` 2 x 2 blocks updated by
    `qc.mmla_u8s8` (`usmmla`), the blocks deinterleaved into rows of 16
    channels for the same epilogue. No conv -> conv fusion in this mode.
    Every other instruction set gets the dot-product kernels.
  }];
  let options = [
    Option<"isa", "isa", "std::string", "\"auto\"",
           "Instruction set the kernels are shaped for: auto (the cpu "
           "option, else the module's qc.target, else the host), host, or "
           "avx512-vnni, avx2, neon-i8mm, neon-dotprod, generic as in "
           "qc-lower-dot-products; neon-i8mm gives fully connected layers "
           "the usmmla kernel, the others the dot-product kernel">,
    Option<"cpu", "cpu", "std::string", "\"\"",
           "With isa=auto: the CPU to shape the kernels for, as for clang "
           "-mcpu (neoverse-v1, znver4, ...)">,
    Option<"parallel", "parallel", "bool", "true",
           "Distribute the row tiles over threads (scf.parallel; "
           "qc-lower-to-llvm maps it to OpenMP)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::quant::QuantDialect", "::qc::QCDialect"
  ];
}

def QCLowerDotProductsPass : Pass<"qc-lower-dot-products"> {
  let summary = "Lower qc.dot_u8s8 to the target's dot-product instruction "
                "or to portable vector code";
  let description = [{
    Runs after bufferization and deallocation (the intrinsic calls it
    creates have no memory-effect interface). With `isa=avx512-vnni`, each
    `qc.dot_u8s8` on 4, 8 or 16 lanes becomes `llvm.x86.avx512.vpdpbusd.128`
    / `.256` / `.512` through `llvm.call_intrinsic`; with `isa=avx2`, per 8
    lanes (4 in the tail), two `llvm.x86.avx2.pmadd.wd` (vpmaddwd) on the
    bytes widened to i16 (exact for all inputs; a broadcast 4-byte group,
    as the kernels' activations are, is widened on the scalar side), or,
    when the op carries
    `rhs_fits_i7` (weights in [-64, 63]), one `llvm.x86.avx2.pmadd.ub.sw`
    (vpmaddubsw, saturating, exact under that promise) and one vpmaddwd
    with ones; with `isa=neon-i8mm`,
    one `llvm.aarch64.neon.usdot.v4i32.v16i8` per 4 lanes; with
    `isa=neon-dotprod`, `sdot` on the bytes xor 0x80 minus `sdot(-128, w)`
    (the same value; the correction depends on the weights only); with
    `isa=generic`, the same arithmetic in `arith` and `vector.shuffle`
    (zero/sign extension, i32 products, the four products of each lane
    summed), which any CPU runs with the identical result.

    `isa=host` picks avx512-vnni when the host CPU has AVX-512 VNNI and VL,
    avx2 when it has AVX2, neon-i8mm or neon-dotprod on AArch64 hosts with
    those features, else generic. `isa=auto` (the default) makes the same
    choice for the CPU named by `cpu` (an LLVM CPU name as for clang
    `-mcpu`: `x86-64-v3` -> avx2, `x86-64-v4` -> avx2 (no VNNI),
    `znver4`, `sapphirerapids` -> avx512-vnni, `cortex-a76` ->
    neon-dotprod, `neoverse-v1` -> neon-i8mm; features from LLVM's target
    parser), else for the `qc.target` string attribute of the nearest
    enclosing op (`quant-compile --target` sets it on the module), else for
    the host.
  }];
  let options = [
    Option<"isa", "isa", "std::string", "\"auto\"",
           "auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or "
           "generic">,
    Option<"cpu", "cpu", "std::string", "\"\"",
           "With isa=auto: the target CPU (host, aarch64, or an x86-64 / "
           "AArch64 CPU name such as x86-64-v3, znver4, cortex-a76); "
           "empty: the qc.target attribute, else the host">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def QCVectorizePoolAddPass
    : Pass<"qc-vectorize-pool-add", "::mlir::ModuleOp"> {
  let summary = "Vector code for integer max pooling, qc.add and global "
                "qc.avg_pool2d";
  let description = [{
    The integer ops next to the microkernels, as vector code on the storage
    values (docs/Microkernels.md), bit-identical to the reference lowering:

    * integer max pooling, the NCHW window `linalg.generic` (`arith.maxui` /
      `arith.maxsi` into a constant `linalg.fill`) that `qc-realize` emits,
      with static channel and spatial sizes: per output row, one contiguous
      load per window row and one `vector.shuffle` per window column pick
      the strided inputs, then `max`;
    * `qc.add` (per-tensor, at most 16-bit storage, equal shapes): 16 lanes
      at a time, the reference's f32 operations in the reference's order
      (docs/IntegerOps.md), a masked tail;
    * `qc.avg_pool2d` whose window is the whole plane without padding
      (global average pooling): each plane summed in `vector<16xi32>`, then
      the reference's f32 epilogue.

    Other ops (and these outside the conditions) are left unchanged for
    `qc-lower-integer-ops`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::quant::QuantDialect"
  ];
}

def QCVectorizeDepthwisePass
    : Pass<"qc-vectorize-depthwise", "::mlir::ModuleOp"> {
  let summary = "Vector code for int8 depthwise convolutions";
  let description = [{
    Rewrites each `qc.conv2d` with one group per input channel (depthwise,
    any channel multiplier), static channel and spatial sizes, 8-bit
    per-tensor input, constant signed weights of at most 8 bits and an
    integer requantization mode into vector code on the NCHW storage bytes,
    bit-identical to `qc-lower-integer-ops` (docs/Microkernels.md):

    * the input planes are copied once into a buffer padded with the input
      zero point, with slack so that every tap reads whole vectors;
    * along each output row, 16 pixels per `vector<16xi32>`: per tap one
      load (stride 1) or one wide load and a `vector.shuffle` (stride s),
      widened and multiplied by the tap's weight;
    * the zero point folded into the bias at compile time (modulo 2^32, like
      the reference's accumulator); `qc.requantize`'s integer formula per
      output channel; a masked store of the row's tail.

    Weights, folded bias and the per-channel requantization constants are
    private `memref.global`s named after the layer. With `parallel`, the
    (image, channel) planes run as an `scf.parallel`.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", "true",
           "Run the output planes as an scf.parallel (threads through "
           "OpenMP in qc-lower-to-llvm)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::quant::QuantDialect"
  ];
}

#endif // QC_CONVERSION_PASSES_TD
