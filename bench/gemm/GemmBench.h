//===- GemmBench.h - Pieces of the GEMM benchmark ---------------*- C++ -*-===//
#ifndef QC_BENCH_GEMM_GEMMBENCH_H
#define QC_BENCH_GEMM_GEMMBENCH_H

#include <cstdint>
#include <string>
#include <vector>

namespace qc::bench {

/// How long and how often each measurement runs.
struct TimingPolicy {
  int warmup = 2;
  int minRepeats = 5;
  double minSeconds = 1.0;
  /// A measurement whose runs would take longer than this gets fewer runs.
  double slowBudgetSeconds = 20.0;
};

/// Median, min of the timed runs (seconds) and how many there were.
struct Timing {
  bool ok = false;
  std::string error; ///< why there is no number
  std::string note;  ///< how it was measured (variant that ran)
  double medianSeconds = 0, minSeconds = 0;
  int repeats = 0;
};

/// Whether this CPU executes AVX-512 VNNI (zmm vpdpbusd).
bool hostHasAvx512Vnni();

/// Runs `iterations` rounds of `accumulators` independent zmm vpdpbusd chains
/// (accumulators is 10, 12 or 14); returns a value depending on all results.
int64_t vnniPeakKernel(int64_t iterations, int accumulators);

/// Random int8 operands of a layer with `channels` outputs, each a sum of
/// `k` products: u8 input (zero point 3), s8 weights in [-127, 127], s32
/// bias, per-channel weight scales, and an output scale that makes the s8
/// results span their range rather than saturate.
struct Int8Operands {
  std::vector<uint8_t> x;     ///< the input, u8
  std::vector<int8_t> w;      ///< the weights, output channel first
  std::vector<int32_t> bias;  ///< [channels]
  std::vector<float> wScales; ///< [channels]
  float xScale = 0, yScale = 0;
  int32_t xZp = 0, yZp = 0;   ///< y is s8

  void fill(size_t xSize, int64_t channels, int64_t k, uint64_t seed);
};

/// One fully connected layer, shared by oneDNN and QC:
/// y[m,n] = requant(sum_k (x[m,k] - xZp) * w[n,k] + bias[n]) with ReLU.
struct Int8Problem : Int8Operands {
  int64_t m = 0, n = 0, k = 0;
};

/// oneDNN matmul u8 x s8 -> s8 (s32 bias, per-channel output scales, ReLU
/// post-op, zero points), weights reordered once into the primitive's
/// preferred layout, timed per execute().
Timing benchOneDnnInt8(const Int8Problem &p, const TimingPolicy &policy);

/// The int8 operands of one convolution layer (NCHW, square stride and
/// symmetric padding, groups = 1), shared by oneDNN and QC:
/// y[n,f,oh,ow] = requant(sum_{c,i,j} (xpad[n,c,..] - xZp) * w[f,c,i,j] +
/// bias[f]) with ReLU, padding with the zero point.
struct ConvProblem : Int8Operands {
  int64_t n = 0, c = 0, h = 0, width = 0, f = 0, kh = 0, kw = 0, stride = 1,
          pad = 0;
  int64_t oh() const { return (h + 2 * pad - kh) / stride + 1; }
  int64_t ow() const { return (width + 2 * pad - kw) / stride + 1; }
  /// 2 x MACs.
  double ops() const {
    return 2.0 * double(n) * double(f) * double(oh()) * double(ow()) *
           double(c) * double(kh) * double(kw);
  }
  // x is [n, c, h, width], w [f, c, kh, kw].
};

/// oneDNN's direct int8 convolution with the same attributes as the matmul;
/// source, weights and destination in the layouts the primitive prefers
/// (reorders done once, outside the timed loop), timed per execute().
Timing benchOneDnnConvInt8(const ConvProblem &p, const TimingPolicy &policy);

} // namespace qc::bench

#endif // QC_BENCH_GEMM_GEMMBENCH_H
