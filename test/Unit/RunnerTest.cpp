//===- RunnerTest.cpp - qc::runner::JitModule C++ API ---------------------===//
//
// What later tools build on: runtime callbacks registered as JIT symbols,
// the same compiled function run many times on different inputs, batching
// and accuracy helpers.
//
//===----------------------------------------------------------------------===//
#include "qc/InitAll.h"
#include "qc/Runner/JitModule.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>
#include <cstring>

using namespace qc;

namespace {
/// The observer-style callback the module below calls with a memref
/// descriptor (llvm.emit_c_interface on the declaration).
struct Descriptor1D {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
};
double observedSum = 0;
int64_t observedCalls = 0;
void observe(Descriptor1D *d) {
  ++observedCalls;
  for (int64_t i = 0; i < d->size; ++i)
    observedSum += d->aligned[d->offset + i * d->stride];
}

constexpr const char *kModule = R"mlir(
func.func private @qc_test_observe(memref<?xf32>) attributes {llvm.emit_c_interface}
func.func @scale(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xi4>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %m = bufferization.to_buffer %x read_only : tensor<?xf32> to memref<?xf32>
  func.call @qc_test_observe(%m) : (memref<?xf32>) -> ()
  %e = tensor.empty(%n) : tensor<?xf32>
  %e4 = tensor.empty(%n) : tensor<?xi4>
  %r:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                         iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e, %e4 : tensor<?xf32>, tensor<?xi4>) {
  ^bb0(%v: f32, %o: f32, %o4: i4):
    %two = arith.constant 2.0 : f32
    %d = arith.mulf %v, %two : f32
    %i = arith.fptosi %v : f32 to i4
    linalg.yield %d, %i : f32, i4
  } -> (tensor<?xf32>, tensor<?xi4>)
  return %r#0, %r#1 : tensor<?xf32>, tensor<?xi4>
}
)mlir";

struct RunnerJit : public ::testing::Test {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  void SetUp() override {
    mlir::DialectRegistry registry;
    qc::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
    ASSERT_TRUE(module);
  }
};

npy::Array floats(std::vector<float> values) {
  npy::Array a(npy::DType::F32, {int64_t(values.size())});
  std::memcpy(a.data.data(), values.data(), values.size() * 4);
  return a;
}
} // namespace

TEST_F(RunnerJit, CallbackSymbolAndRepeatedRuns) {
  runner::JitModule jit;
  jit.addSymbol("_mlir_ciface_qc_test_observe",
                reinterpret_cast<void *>(&observe));
  ASSERT_FALSE(bool(jit.compile(*module)));
  auto fn = jit.lookupFunction("");
  ASSERT_TRUE(bool(fn)) << llvm::toString(fn.takeError());
  EXPECT_EQ((*fn)->name, "scale");
  ASSERT_EQ((*fn)->args.size(), 1u);
  ASSERT_EQ((*fn)->results.size(), 2u);
  EXPECT_EQ((*fn)->results[1].element.str(), "i4");

  observedSum = 0;
  observedCalls = 0;
  for (int run = 0; run < 3; ++run) {
    npy::Array x = floats({1.0f + run, -3.0f, 7.0f});
    runner::RunTimings t;
    auto outs = jit.run(**fn, {x}, &t);
    ASSERT_TRUE(bool(outs)) << llvm::toString(outs.takeError());
    ASSERT_EQ(outs->size(), 2u);
    EXPECT_EQ((*outs)[0].dataAs<float>()[0], 2.0f * (1.0f + run));
    EXPECT_EQ((*outs)[0].dataAs<float>()[2], 14.0f);
    EXPECT_EQ((*outs)[1].dtype, npy::DType::I8);
    EXPECT_EQ((*outs)[1].dataAs<int8_t>()[1], -3);
    EXPECT_EQ((*outs)[1].dataAs<int8_t>()[2], 7);
    EXPECT_GE(t.totalSeconds, t.callSeconds);
  }
  EXPECT_EQ(observedCalls, 3);
  EXPECT_EQ(observedSum, (1 + 2 + 3) + 3 * (-3.0 + 7.0));
  EXPECT_GE(jit.compileTimings().jitSeconds, 0.0);
}

TEST_F(RunnerJit, MissingCallbackIsAnError) {
  runner::JitModule jit;
  llvm::Error err = jit.compile(*module);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("qc_test_observe"),
            std::string::npos);
}

TEST_F(RunnerJit, InputChecksAndBatches) {
  runner::JitModule jit;
  jit.addSymbol("_mlir_ciface_qc_test_observe",
                reinterpret_cast<void *>(&observe));
  ASSERT_FALSE(bool(jit.compile(*module)));
  const runner::FunctionSignature &fn = **jit.lookupFunction("@scale");
  auto unknown = jit.lookupFunction("nope");
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("@scale"),
            std::string::npos);

  npy::Array wrong(npy::DType::F64, {3});
  auto bad = jit.run(fn, {wrong});
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError())
                .find("argument 0 (tensor<?xf32>): expected dtype float32"),
            std::string::npos);

  npy::Array x = floats({1, 2, 3, 4, 5});
  int64_t calls = 0;
  auto outs = runner::runBatched(jit, fn, {x}, 2, &calls);
  ASSERT_TRUE(bool(outs)) << llvm::toString(outs.takeError());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ((*outs)[0].shape, (std::vector<int64_t>{5}));
  EXPECT_EQ((*outs)[0].dataAs<float>()[4], 10.0f);

  runner::BenchmarkOptions options;
  options.repeat = 4;
  auto bench = runner::benchmark(jit, fn, {x}, options);
  ASSERT_TRUE(bool(bench)) << llvm::toString(bench.takeError());
  EXPECT_EQ(bench->repeats, 4);
  EXPECT_EQ(bench->warmup, 2);
  EXPECT_LE(bench->minSeconds, bench->medianSeconds);
}

TEST(Runner, Top1Accuracy) {
  npy::Array logits(npy::DType::F32, {3, 2});
  float values[] = {0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f};
  std::memcpy(logits.data.data(), values, sizeof(values));
  npy::Array labels(npy::DType::I64, {3});
  int64_t l[] = {1, 1, 0};
  std::memcpy(labels.data.data(), l, sizeof(l));
  auto acc = runner::top1Accuracy(logits, labels);
  ASSERT_TRUE(bool(acc)) << llvm::toString(acc.takeError());
  EXPECT_EQ(acc->correct, 2); // row 2 ties: argmax is the first, class 0
  EXPECT_EQ(acc->total, 3);

  npy::Array q(npy::DType::I8, {1, 3}); // quantized logits work too
  q.dataAs<int8_t>()[0] = -5;
  q.dataAs<int8_t>()[1] = 100;
  q.dataAs<int8_t>()[2] = -128;
  npy::Array one(npy::DType::I64, {1});
  one.dataAs<int64_t>()[0] = 1;
  auto qacc = runner::top1Accuracy(q, one);
  ASSERT_TRUE(bool(qacc));
  EXPECT_EQ(qacc->correct, 1);

  npy::Array flat(npy::DType::F32, {6});
  auto bad = runner::top1Accuracy(flat, labels);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("[N, C]"), std::string::npos);
}
