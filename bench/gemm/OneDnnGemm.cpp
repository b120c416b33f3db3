//===- OneDnnGemm.cpp - oneDNN int8 matmul, the baseline -------------------===//
//
// Built with -fexceptions (oneDNN's C++ API throws); nothing escapes.
//
//===----------------------------------------------------------------------===//
#include "GemmBench.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace qc::bench {

namespace {
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

struct Variant {
  bool srcZp, dstZp;
  const char *name;
};
} // namespace

static Timing runVariant(const Int8Problem &p, const TimingPolicy &policy,
                         const Variant &v) {
  Timing t;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  dnnl::memory::dims srcDims{p.m, p.k}, weiDims{p.k, p.n}, biasDims{1, p.n},
      dstDims{p.m, p.n};
  dnnl::memory::desc srcMd(srcDims, dt::u8, tag::ab);
  dnnl::memory::desc weiAny(weiDims, dt::s8, tag::any);
  // w is [n, k] row-major: as a k x n matrix that is the `ba` layout.
  dnnl::memory::desc weiUser(weiDims, dt::s8, tag::ba);
  dnnl::memory::desc biasMd(biasDims, dt::s32, tag::ab);
  dnnl::memory::desc dstMd(dstDims, dt::s8, tag::ab);

  // Output scale s_x * s_w[n] / s_y per column, then ReLU, then the zero
  // point of y (oneDNN applies the destination zero point last).
  std::vector<float> scales(p.n);
  for (int64_t j = 0; j < p.n; ++j)
    scales[j] = p.xScale * p.wScales[j] / p.yScale;
  dnnl::primitive_attr attr;
  attr.set_output_scales(/*mask=*/1 << 1, scales);
  if (v.srcZp)
    attr.set_zero_points(DNNL_ARG_SRC, 0, {p.xZp});
  if (v.dstZp)
    attr.set_zero_points(DNNL_ARG_DST, 0, {p.yZp});
  dnnl::post_ops ops;
  ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  attr.set_post_ops(ops);

  dnnl::matmul::desc desc(srcMd, weiAny, biasMd, dstMd);
  dnnl::matmul::primitive_desc pd(desc, attr, eng);
  dnnl::matmul prim(pd);

  dnnl::memory src(srcMd, eng, const_cast<uint8_t *>(p.x.data()));
  dnnl::memory weiU(weiUser, eng, const_cast<int8_t *>(p.w.data()));
  dnnl::memory wei(pd.weights_desc(), eng);
  dnnl::reorder(weiU, wei).execute(strm, weiU, wei);
  dnnl::memory bias(biasMd, eng, const_cast<int32_t *>(p.bias.data()));
  dnnl::memory dst(dstMd, eng);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src},
                                             {DNNL_ARG_WEIGHTS, wei},
                                             {DNNL_ARG_BIAS, bias},
                                             {DNNL_ARG_DST, dst}};
  for (int i = 0; i < policy.warmup; ++i)
    prim.execute(strm, args);
  strm.wait();
  std::vector<double> times;
  double total = 0;
  while ((int)times.size() < policy.minRepeats || total < policy.minSeconds) {
    auto start = std::chrono::steady_clock::now();
    prim.execute(strm, args);
    strm.wait();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start)
                   .count();
    times.push_back(s);
    total += s;
    if (times.size() >= 100000)
      break;
  }
  std::sort(times.begin(), times.end());
  t.ok = true;
  t.medianSeconds = times[times.size() / 2];
  t.minSeconds = times.front();
  t.repeats = (int)times.size();
  std::string impl = pd.impl_info_str();
  t.note = std::string(v.name) + ", " + impl;
  return t;
}

Timing benchOneDnnInt8(const Int8Problem &p, const TimingPolicy &policy) {
  // The full problem first; an implementation without zero-point support
  // for this shape falls back to a simpler attribute set (the note says so).
  static const Variant variants[] = {{true, true, "src+dst zero points"},
                                     {true, false, "src zero point only"},
                                     {false, false, "no zero points"}};
  std::string errors;
  for (const Variant &v : variants) {
    try {
      return runVariant(p, policy, v);
    } catch (const dnnl::error &e) {
      errors += std::string(v.name) + ": " + e.what() + "; ";
    }
  }
  Timing t;
  t.error = "oneDNN matmul failed: " + errors;
  return t;
}

} // namespace qc::bench
