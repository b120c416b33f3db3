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

/// Warm-up, then timed executions until both minimums are met; medians.
static Timing timeExecutions(dnnl::primitive &prim, dnnl::stream &strm,
                             const std::unordered_map<int, dnnl::memory> &args,
                             const TimingPolicy &policy) {
  Timing t;
  for (int i = 0; i < policy.warmup; ++i)
    prim.execute(strm, args);
  strm.wait();
  std::vector<double> times;
  double total = 0;
  while ((int)times.size() < policy.minRepeats || total < policy.minSeconds) {
    auto start = std::chrono::steady_clock::now();
    prim.execute(strm, args);
    strm.wait();
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
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
  return t;
}

/// Output scale s_x * s_w[f] / s_y per output channel, the zero points the
/// variant asks for, then ReLU.
static dnnl::primitive_attr int8Attr(float xScale, float yScale,
                                     const std::vector<float> &wScales,
                                     int32_t xZp, int32_t yZp,
                                     const Variant &v) {
  std::vector<float> scales(wScales.size());
  for (size_t j = 0; j < wScales.size(); ++j)
    scales[j] = xScale * wScales[j] / yScale;
  dnnl::primitive_attr attr;
  attr.set_output_scales(/*mask=*/1 << 1, scales);
  if (v.srcZp)
    attr.set_zero_points(DNNL_ARG_SRC, 0, {xZp});
  if (v.dstZp)
    attr.set_zero_points(DNNL_ARG_DST, 0, {yZp});
  dnnl::post_ops ops;
  ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  attr.set_post_ops(ops);
  return attr;
}

/// Builds `Primitive` from `pd`, reorders the user's source and weights
/// into the layouts it prefers (once, untimed), and times it.
template <typename Primitive, typename PrimitiveDesc>
static Timing timeInPreferredLayouts(const PrimitiveDesc &pd, dnnl::engine &eng,
                                     dnnl::stream &strm, dnnl::memory srcUser,
                                     dnnl::memory weiUser, dnnl::memory bias,
                                     const TimingPolicy &policy,
                                     const Variant &v) {
  Primitive prim(pd);
  dnnl::memory src(pd.src_desc(), eng), wei(pd.weights_desc(), eng),
      dst(pd.dst_desc(), eng);
  dnnl::reorder(srcUser, src).execute(strm, srcUser, src);
  dnnl::reorder(weiUser, wei).execute(strm, weiUser, wei);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src},
                                             {DNNL_ARG_WEIGHTS, wei},
                                             {DNNL_ARG_BIAS, bias},
                                             {DNNL_ARG_DST, dst}};
  Timing t = timeExecutions(prim, strm, args, policy);
  t.note = std::string(v.name) + ", " + pd.impl_info_str();
  return t;
}

static Timing runVariant(const Int8Problem &p, const TimingPolicy &policy,
                         const Variant &v) {
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

  // Per-column output scales, ReLU, then the zero point of y (oneDNN
  // applies the destination zero point last).
  dnnl::primitive_attr attr =
      int8Attr(p.xScale, p.yScale, p.wScales, p.xZp, p.yZp, v);

  dnnl::matmul::desc desc(srcMd, weiAny, biasMd, dstMd);
  dnnl::matmul::primitive_desc pd(desc, attr, eng);
  return timeInPreferredLayouts<dnnl::matmul>(
      pd, eng, strm,
      dnnl::memory(srcMd, eng, const_cast<uint8_t *>(p.x.data())),
      dnnl::memory(weiUser, eng, const_cast<int8_t *>(p.w.data())),
      dnnl::memory(biasMd, eng, const_cast<int32_t *>(p.bias.data())), policy,
      v);
}

static Timing runConvVariant(const ConvProblem &p, const TimingPolicy &policy,
                             const Variant &v) {
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  dnnl::memory::dims srcDims{p.n, p.c, p.h, p.width},
      weiDims{p.f, p.c, p.kh, p.kw}, biasDims{p.f},
      dstDims{p.n, p.f, p.oh(), p.ow()};
  dnnl::memory::desc srcAny(srcDims, dt::u8, tag::any);
  dnnl::memory::desc weiAny(weiDims, dt::s8, tag::any);
  dnnl::memory::desc dstAny(dstDims, dt::s8, tag::any);
  dnnl::memory::desc biasMd(biasDims, dt::s32, tag::x);
  dnnl::primitive_attr attr =
      int8Attr(p.xScale, p.yScale, p.wScales, p.xZp, p.yZp, v);
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      srcAny, weiAny, biasMd, dstAny, {p.stride, p.stride}, {p.pad, p.pad},
      {p.pad, p.pad});
  dnnl::convolution_forward::primitive_desc pd(desc, attr, eng);
  return timeInPreferredLayouts<dnnl::convolution_forward>(
      pd, eng, strm,
      dnnl::memory({srcDims, dt::u8, tag::nchw}, eng,
                   const_cast<uint8_t *>(p.x.data())),
      dnnl::memory({weiDims, dt::s8, tag::oihw}, eng,
                   const_cast<int8_t *>(p.w.data())),
      dnnl::memory(biasMd, eng, const_cast<int32_t *>(p.bias.data())), policy,
      v);
}

// The full problem first; an implementation without zero-point support for
// this shape falls back to a simpler attribute set (the note says so).
static const Variant kVariants[] = {{true, true, "src+dst zero points"},
                                    {true, false, "src zero point only"},
                                    {false, false, "no zero points"}};

template <typename Problem, typename Run>
static Timing firstVariantThatRuns(const Problem &p, const TimingPolicy &policy,
                                   Run run, const char *what) {
  std::string errors;
  for (const Variant &v : kVariants) {
    try {
      return run(p, policy, v);
    } catch (const dnnl::error &e) {
      errors += std::string(v.name) + ": " + e.what() + "; ";
    }
  }
  Timing t;
  t.error = std::string("oneDNN ") + what + " failed: " + errors;
  return t;
}

Timing benchOneDnnInt8(const Int8Problem &p, const TimingPolicy &policy) {
  return firstVariantThatRuns(p, policy, runVariant, "matmul");
}

Timing benchOneDnnConvInt8(const ConvProblem &p, const TimingPolicy &policy) {
  return firstVariantThatRuns(p, policy, runConvVariant, "convolution");
}

} // namespace qc::bench
