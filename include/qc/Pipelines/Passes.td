//===- Passes.td - Passes of the QC lowering pipelines -----*- tablegen -*-===//
#ifndef QC_PIPELINES_PASSES_TD
#define QC_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCPrepareEntryPointsPass
    : Pass<"qc-prepare-entry-points", "::mlir::ModuleOp"> {
  let summary = "Record the signature of every public function and request "
                "its C interface";
  let description = [{
    Runs first in `qc-lower-to-llvm`. For every public `func.func` with a
    body it records the function type, as written before any lowering, in
    the discardable attribute `qc_runner.signature` (a `TypeAttr`), so that
    a runner can still read element types (`f16`, `i4`, `!quant.uniform`
    storage signedness) and dimensions after the module is in the LLVM
    dialect. With `emit-c-interface` (default) it also sets
    `llvm.emit_c_interface`, so `convert-func-to-llvm` emits the
    `_mlir_ciface_<name>` wrapper that takes memref descriptors by pointer.

    ```mlir
    func.func @f(%a: tensor<?x4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<?x4xf32>
    // becomes
    func.func @f(...) attributes {llvm.emit_c_interface,
        qc_runner.signature = (tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:128>>) -> tensor<?x4xf32>}
    ```
  }];
  let options = [
    Option<"emitCInterface", "emit-c-interface", "bool", "true",
           "Set llvm.emit_c_interface on public functions">,
  ];
}

def QCDecomposeAggregateOpsPass : Pass<"qc-decompose-aggregate-ops"> {
  let summary = "Decompose aggregate linalg ops (softmax, winograd) into "
                "simpler linalg ops";
  let description = [{
    Ops that implement `linalg::AggregatedOpInterface`, such as
    `linalg.softmax`, have no direct lowering to loops; this pass replaces
    each one with the sequence of simpler linalg ops it stands for, on
    tensors, before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QCVerifyLLVMLoweredPass
    : Pass<"qc-verify-llvm-lowered", "::mlir::ModuleOp"> {
  let summary = "Fail with a clear message if an op is left outside the LLVM "
                "dialect";
  let description = [{
    The last pass of `qc-lower-to-llvm`. Conversions to LLVM are partial: an
    op that no pattern handled survives next to `builtin.unrealized_conversion_cast`s.
    This pass reports the first such op of each kind by name and location
    (for example `'linalg.foo' was not lowered to the LLVM dialect`), instead
    of a later failure in the translation to LLVM IR.
  }];
}

def QCLowerStridedCopiesPass : Pass<"qc-lower-strided-copies"> {
  let summary = "Rewrite memref.copy with a non-identity layout into "
                "linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` turns a `memref.copy` between two identity
    layouts into `llvm.intr.memcpy`, but any other copy (into or out of a
    subview, as bufferized `tensor.concat`, `tensor.pad` or
    `tensor.insert_slice` produce) into a call to the `memrefCopy` runtime
    function of `libmlir_c_runner_utils`. This pass rewrites those copies
    into `linalg.copy`, which `convert-linalg-to-loops` lowers to loops, so
    the lowered module needs no runtime library.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QCTileAndVectorizePass
    : Pass<"qc-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile float linalg ops to registers, fuse their elementwise "
                "consumers and vectorize them (on tensors)";
  let description = [{
    Runs in `qc-lower-to-llvm` before bufferization. It groups each float
    anchor op with the chain of single-use elementwise `linalg.generic`s
    consuming it (bias add, residual add, ReLU, ...) and with the
    `linalg.fill` initializing it, tiles the last op of the chain to one
    register tile of the output with
    `scf::tileConsumerAndFuseProducersUsingSCF` (fusing the rest of the
    group into the tile loop, an `scf.forall` over the output tiles, which
    write disjoint slices; `qc-lower-to-llvm` makes it a parallel loop run
    through OpenMP), and turns the tiles into vector code:

    | anchor | output tile | kernel |
    | --- | --- | --- |
    | `linalg.conv_2d_nchw_fchw` | 1 x Ft x 1 x OWt | `scf.for` over input channels; per filter tap one row of the input (`vector.shuffle` for strides) and Ft `vector.fma`s with broadcast weights |
    | `linalg.depthwise_conv_2d_nchw_chw` | 1 x Ct x 1 x OWt | per channel and tap: input row `vector.fma` broadcast weight |
    | `linalg.pooling_nchw_max` / `_sum` | 1 x Ct x 1 x OWt | per channel and tap: `arith.maximumf` / `arith.addf` of input rows |
    | `linalg.matmul`, `linalg.batch_matmul` (default maps) | (1 x) Mt x Nt | `scf.for` over K: row of B, Mt `vector.fma`s with broadcast A |
    | elementwise `linalg.generic` (all loops parallel) | up to 4 registers of the innermost dimensions | its body on rows of the tile |

    OWt is the output width if it takes at most half the accumulators'
    registers, else its largest divisor that does (Nt: the columns if they
    fit in four registers, else a divisor; with a single row, in all the
    accumulators); Ft (Mt) is the largest divisor of the
    channel (row) count that keeps the accumulators within `accumulators`
    registers. Rows that are not a whole number of registers are carried by
    the reduction loop as register-sized pieces. The fused generics are
    applied to the accumulators row by
    row, in registers, and only the last result is written; a fused fill
    becomes the accumulators' initial value. A generic that cannot run along
    rows (a transpose) is tiled alone and vectorized by `linalg::vectorize`.
    A constant `conv_2d_nchw_fchw` filter is pre-packed at compile time into
    `[F/Ft][C][KH][KW][Ft]` (`pack-weights`), so the weights of a tile are
    read in order; a constant matmul right-hand side into column panels
    `[N/Nt][K][Nt]`, its tiles then running N-outer.

    Large matmuls are cache-blocked first (static M, N, K; K > `block-k`;
    B larger than two `block-k` x `block-n` blocks; at least 4 register
    tiles per M block): B is packed into column panels (at run time when it
    is not a constant and M has at least 256 rows, else read in place) and
    A into row panels `[M/Mt][K][Mt]`, an `scf.forall` over output blocks
    (<= 128 rows x
    <= `block-n` columns) accumulates all but the last K block in K blocks
    of `block-k` (B block in L2, A panel in L1, register tiles inside), and
    the last K block is left as a matmul on slices, initialized with that
    partial sum, which is then tiled as above with its epilogue fused. Accumulation follows the order of the loop lowering
    (channels, then filter rows and columns; K for matmuls) with fused
    multiply-adds, so results match `convert-linalg-to-loops` up to the
    rounding of the multiply.

    Named elementwise ops (`linalg.transpose`, `linalg.add`, ...) are
    generalized first. Only ops whose operands share one element type, `f32`
    or `f64`, are handled; a dynamic size is allowed in the batch dimension (and in M of a
    matmul), which is tiled by 1. Everything else, the integer ops of the
    quantized path included, is left for `convert-linalg-to-loops`.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", "512",
           "Width of a vector register in bits (lanes = bits / element "
           "width)">,
    Option<"accumulators", "accumulators", "unsigned", "16",
           "Vector registers a kernel may use for accumulators">,
    Option<"packWeights", "pack-weights", "bool", "true",
           "Pre-pack constant convolution filters and matmul right-hand "
           "sides at compile time">,
    Option<"blockK", "block-k", "unsigned", "256",
           "K block of cache-blocked matmuls, in f32 elements (halved for "
           "f64); 0 turns cache blocking off">,
    Option<"blockN", "block-n", "unsigned", "512",
           "Largest N block of cache-blocked matmuls, in f32 elements">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // QC_PIPELINES_PASSES_TD
