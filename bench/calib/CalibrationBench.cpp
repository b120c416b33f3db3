//===- CalibrationBench.cpp - Statistics collection throughput ------------===//
//
// Measures StatsCollector::observe on a 1M-float tensor (4 MB) per batch, as
// quant-runner --calibrate calls it. Reported as bytes/s (GB/s); run:
//   cmake --build <build> --target qc-calib-bench && <build>/bin/qc-calib-bench
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/RangeSelection.h"
#include "qc/Calibration/Statistics.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace qc::calib;

namespace {
constexpr int64_t kElements = 1 << 20;

std::vector<float> makeData(bool relu) {
  std::mt19937 rng(42);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(kElements);
  for (float &x : v)
    x = relu ? std::max(0.0f, dist(rng)) : dist(rng);
  return v;
}

void observeLoop(benchmark::State &state, bool relu, unsigned bins,
                 bool perChannel) {
  std::vector<float> data = makeData(relu);
  CollectorOptions opts;
  opts.numBins = bins;
  StatsCollector collector(opts);
  // NCHW-like activation 1x64x128x128; per-channel along axis 1.
  int64_t shape[] = {1, 64, 128, 128};
  for (auto _ : state) {
    llvm::Error err = collector.observe("t", data.data(), shape,
                                        perChannel ? std::optional<int64_t>(1)
                                                   : std::nullopt);
    if (err) {
      state.SkipWithError(llvm::toString(std::move(err)).c_str());
      break;
    }
    benchmark::DoNotOptimize(collector.table());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * kElements *
                          int64_t(sizeof(float)));
}

void BM_ObserveGaussian(benchmark::State &state) {
  observeLoop(state, false, 2048, false);
}
void BM_ObserveRelu(benchmark::State &state) {
  observeLoop(state, true, 2048, false);
}
void BM_ObserveGaussianPerChannel(benchmark::State &state) {
  observeLoop(state, false, 2048, true);
}
void BM_ObserveMinMaxOnly(benchmark::State &state) {
  observeLoop(state, false, 0, false);
}

// Range selection cost per tensor (once per tensor after calibration).
void rangeLoop(benchmark::State &state, Method method, bool symmetric) {
  std::vector<float> data = makeData(false);
  StatsCollector collector;
  int64_t shape[] = {kElements};
  llvm::cantFail(collector.observe("t", data.data(), shape));
  const TensorStats &st = collector.table().tensors.begin()->second;
  RangeParams params;
  params.grid.symmetric = symmetric;
  for (auto _ : state) {
    auto r = selectRange(st, method, params);
    if (!r) {
      state.SkipWithError(llvm::toString(r.takeError()).c_str());
      break;
    }
    benchmark::DoNotOptimize(*r);
  }
}
void BM_RangeEntropy(benchmark::State &state) {
  rangeLoop(state, Method::Entropy, true);
}
void BM_RangeMSESymmetric(benchmark::State &state) {
  rangeLoop(state, Method::MSE, true);
}
void BM_RangeMSEAsymmetric(benchmark::State &state) {
  rangeLoop(state, Method::MSE, false);
}
void BM_RangePercentile(benchmark::State &state) {
  rangeLoop(state, Method::Percentile, false);
}
} // namespace

BENCHMARK(BM_ObserveGaussian)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ObserveRelu)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ObserveGaussianPerChannel)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ObserveMinMaxOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RangeEntropy)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeMSESymmetric)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeMSEAsymmetric)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangePercentile)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
