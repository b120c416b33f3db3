//===- NpyTest.cpp - .npy reader/writer ------------------------------------===//
#include "qc/Runner/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <cstring>
#include <string>

using namespace qc;

namespace {
/// Builds a .npy file by hand: magic, version, header length, header, data.
std::string makeNpy(const std::string &dict, const std::string &data,
                    int major = 1) {
  std::string header = dict;
  size_t lenBytes = major == 1 ? 2 : 4;
  size_t total = 8 + lenBytes + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += char(major);
  out += char(0);
  uint32_t len = uint32_t(header.size());
  out += char(len & 0xff);
  out += char((len >> 8) & 0xff);
  if (lenBytes == 4) {
    out += char((len >> 16) & 0xff);
    out += char((len >> 24) & 0xff);
  }
  return out + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string s;
  for (float v : values)
    s.append(reinterpret_cast<const char *>(&v), 4);
  return s;
}

std::string errorOf(llvm::StringRef bytes) {
  auto result = npy::parse(bytes, "t.npy");
  if (result)
    return "";
  return llvm::toString(result.takeError());
}

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}
} // namespace

TEST(Npy, ParsesVersion1Float32) {
  std::string file = makeNpy(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floats({1, 2, 3, 4, 5, 6}));
  auto a = npy::parse(file, "t.npy");
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  EXPECT_EQ(a->dtype, npy::DType::F32);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->numElements(), 6);
  EXPECT_EQ(a->dataAs<float>()[5], 6.0f);
  EXPECT_EQ(a->describe(), "float32[2,3]");
}

TEST(Npy, ParsesVersions2And3AndScalars) {
  for (int major : {2, 3}) {
    std::string file = makeNpy(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
        std::string("\x2a\0\0\0\0\0\0\0", 8), major);
    auto a = npy::parse(file, "t.npy");
    ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
    EXPECT_EQ(a->dtype, npy::DType::I64);
    EXPECT_TRUE(a->shape.empty());
    EXPECT_EQ(a->dataAs<int64_t>()[0], 42);
  }
}

TEST(Npy, ParsesEveryDtypeAndOneElementTuple) {
  struct Case {
    const char *descr;
    npy::DType dtype;
  } cases[] = {{"<f2", npy::DType::F16}, {"<f4", npy::DType::F32},
               {"<f8", npy::DType::F64}, {"|b1", npy::DType::Bool},
               {"|i1", npy::DType::I8},  {"|u1", npy::DType::U8},
               {"<i2", npy::DType::I16}, {"<u2", npy::DType::U16},
               {"<i4", npy::DType::I32}, {"<u4", npy::DType::U32},
               {"<i8", npy::DType::I64}, {"<u8", npy::DType::U64}};
  for (const Case &c : cases) {
    size_t size = npy::dtypeSize(c.dtype);
    std::string file = makeNpy(std::string("{'descr': '") + c.descr +
                                   "', 'fortran_order': False, 'shape': (3,), }",
                               std::string(3 * size, '\1'));
    auto a = npy::parse(file, "t.npy");
    ASSERT_TRUE(bool(a)) << c.descr << ": " << llvm::toString(a.takeError());
    EXPECT_EQ(a->dtype, c.dtype) << c.descr;
    EXPECT_EQ(a->shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(npy::dtypeDescr(c.dtype), c.descr);
  }
}

TEST(Npy, NormalizesBoolsAndAcceptsKeyOrderAndDoubleQuotes) {
  std::string file = makeNpy(
      "{\"shape\": (4,), \"fortran_order\": False, \"descr\": \"|b1\"}",
      std::string("\0\1\2\xff", 4));
  auto a = npy::parse(file, "t.npy");
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  EXPECT_EQ(a->data, (std::vector<uint8_t>{0, 1, 1, 1}));
}

TEST(Npy, RoundTripsThroughSerialize) {
  npy::Array a(npy::DType::I16, {2, 0, 5});
  EXPECT_EQ(a.numElements(), 0);
  npy::Array b(npy::DType::U16, {3, 2});
  for (int i = 0; i < 6; ++i)
    b.dataAs<uint16_t>()[i] = uint16_t(1000 * i);
  for (const npy::Array *src : {&a, &b}) {
    std::string bytes = npy::serialize(*src);
    // Data starts 64-byte aligned, header ends with a newline.
    size_t headerLen = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
    EXPECT_EQ((10 + headerLen) % 64, 0u);
    EXPECT_EQ(bytes[10 + headerLen - 1], '\n');
    auto back = npy::parse(bytes, "t.npy");
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->dtype, src->dtype);
    EXPECT_EQ(back->shape, src->shape);
    EXPECT_EQ(back->data, src->data);
  }
}

TEST(Npy, WritesAndReadsFiles) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("npytest", dir));
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "x.npy");
  npy::Array a(npy::DType::F64, {1});
  a.dataAs<double>()[0] = 2.5;
  ASSERT_FALSE(bool(npy::write(path, a)));
  auto back = npy::read(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->dataAs<double>()[0], 2.5);
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(dir);
}

TEST(Npy, ReportsMissingFile) {
  auto a = npy::read("/nonexistent/dir/x.npy");
  ASSERT_FALSE(bool(a));
  std::string msg = llvm::toString(a.takeError());
  EXPECT_TRUE(contains(msg, "/nonexistent/dir/x.npy: cannot open")) << msg;
}

TEST(Npy, RejectsBadMagicAndVersion) {
  EXPECT_TRUE(contains(errorOf(""), "bad magic"));
  EXPECT_TRUE(contains(errorOf("PK\3\4 this is a zip"), "bad magic"));
  std::string file =
      makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
              floats({1}));
  file[6] = 4;
  EXPECT_TRUE(contains(errorOf(file), "unsupported .npy format version 4.0"));
}

TEST(Npy, RejectsTruncatedHeaderAndData) {
  std::string file = makeNpy(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      floats({1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(contains(errorOf(file.substr(0, 7)), "truncated header"));
  EXPECT_TRUE(contains(errorOf(file.substr(0, 9)), "truncated header"));
  EXPECT_TRUE(contains(errorOf(file.substr(0, 40)), "truncated header"));
  std::string msg = errorOf(file.substr(0, file.size() - 1));
  EXPECT_TRUE(contains(msg, "truncated data")) << msg;
  EXPECT_TRUE(contains(msg, "[2,3]")) << msg;
  EXPECT_TRUE(contains(errorOf(file + "xx"), "2 unexpected bytes"));
  // Every prefix fails cleanly (never crashes).
  for (size_t n = 0; n < file.size(); ++n)
    EXPECT_NE(errorOf(file.substr(0, n)), "") << n;
}

TEST(Npy, RejectsUnsupportedDtypesOrderAndMalformedHeaders) {
  auto header = [](const std::string &descr, const std::string &fortran,
                   const std::string &shape) {
    return "{'descr': " + descr + ", 'fortran_order': " + fortran +
           ", 'shape': " + shape + ", }";
  };
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'<c8'", "False", "(1,)"),
                                       std::string(8, '\0'))),
                       "unsupported dtype '<c8'"));
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'<U3'", "False", "(1,)"),
                                       std::string(12, '\0'))),
                       "unsupported dtype"));
  EXPECT_TRUE(
      contains(errorOf(makeNpy(header("[('a', '<f4')]", "False", "(1,)"),
                               std::string(4, '\0'))),
               "structured dtypes are not supported"));
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'>f4'", "False", "(1,)"),
                                       std::string(4, '\0'))),
                       "big-endian dtype '>f4'"));
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'<f4'", "True", "(2, 2)"),
                                       std::string(16, '\0'))),
                       "Fortran-order arrays are not supported"));
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'<f4'", "False", "(-1,)"),
                                       std::string(4, '\0'))),
                       "negative dimension"));
  EXPECT_TRUE(contains(
      errorOf(makeNpy(header("'<f4'", "False",
                             "(4294967296, 4294967296, 4294967296)"),
                      "")),
      "too large"));
  EXPECT_TRUE(contains(errorOf(makeNpy("{'descr': '<f4', 'shape': (1,)}",
                                       std::string(4, '\0'))),
                       "must have the keys"));
  EXPECT_TRUE(contains(errorOf(makeNpy("not a dict", "")),
                       "not a Python dict literal"));
  EXPECT_TRUE(contains(errorOf(makeNpy("{'descr': '<f4', 'fortran_order': "
                                       "False, 'shape': (1, x)}",
                                       std::string(4, '\0'))),
                       "expected an integer"));
  EXPECT_TRUE(contains(errorOf(makeNpy("{'descr': '<f4", "")),
                       "malformed header"));
  // Byte-order-free one-byte dtypes with any order character are fine.
  EXPECT_EQ(errorOf(makeNpy(header("'<u1'", "False", "(1,)"), "\x07")), "");
  // Multi-byte types need an explicit little-endian order.
  EXPECT_TRUE(contains(errorOf(makeNpy(header("'|f4'", "False", "(1,)"),
                                       std::string(4, '\0'))),
                       "unsupported dtype '|f4'"));
}

TEST(Npy, SlicesAndConcatenatesRows) {
  npy::Array a(npy::DType::I32, {5, 2});
  for (int i = 0; i < 10; ++i)
    a.dataAs<int32_t>()[i] = i;
  npy::Array head = npy::sliceRows(a, 0, 3), tail = npy::sliceRows(a, 3, 2);
  EXPECT_EQ(head.shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(tail.dataAs<int32_t>()[0], 6);
  auto joined = npy::concatRows({head, tail});
  ASSERT_TRUE(bool(joined)) << llvm::toString(joined.takeError());
  EXPECT_EQ(joined->shape, a.shape);
  EXPECT_EQ(joined->data, a.data);
  npy::Array other(npy::DType::I32, {1, 3});
  auto bad = npy::concatRows({head, other});
  ASSERT_FALSE(bool(bad));
  EXPECT_TRUE(contains(llvm::toString(bad.takeError()), "cannot concatenate"));
}

TEST(Npy, SurvivesMutatedFiles) {
  // Deterministic byte mutations and truncations of valid files: each parse
  // either succeeds with consistent sizes or fails with a message.
  std::string files[] = {
      makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
              floats({1, 2, 3, 4, 5, 6})),
      makeNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }",
              "abcde", 2)};
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  const char interesting[] = {'(', ')', ',', '\'', '"', '{', '}', ':', '-',
                              '9', '0', ' ', '<', '>', '|', 'T', 'F', '\0'};
  int parsed = 0, rejected = 0;
  for (const std::string &original : files) {
    for (int trial = 0; trial < 3000; ++trial) {
      std::string file = original;
      int edits = 1 + next() % 3;
      for (int e = 0; e < edits; ++e) {
        size_t pos = next() % file.size();
        file[pos] = next() % 2 ? char(next())
                               : interesting[next() % sizeof(interesting)];
      }
      if (next() % 4 == 0)
        file.resize(next() % file.size());
      auto a = npy::parse(file, "m.npy");
      if (a) {
        ++parsed;
        EXPECT_EQ(a->data.size(), size_t(a->numElements()) * a->elementSize());
      } else {
        ++rejected;
        EXPECT_EQ(llvm::toString(a.takeError()).rfind("m.npy: ", 0), 0u);
      }
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}
