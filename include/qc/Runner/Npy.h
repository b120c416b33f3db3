//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// NPY format versions 1.0, 2.0 and 3.0; little-endian (or byte-order-free)
// dtypes f4 f8 f2 i1 u1 i2 u2 i4 u4 i8 u8 b1; C order only. Every malformed
// input is reported as an llvm::Error naming the file and the problem.
//
//===----------------------------------------------------------------------===//
#ifndef QC_RUNNER_NPY_H
#define QC_RUNNER_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qc::npy {

/// The element types QC reads and writes.
enum class DType {
  F16,
  F32,
  F64,
  Bool,
  I8,
  U8,
  I16,
  U16,
  I32,
  U32,
  I64,
  U64,
};

/// Bytes per element.
size_t dtypeSize(DType dtype);
/// The NumPy `descr` string: "<f4", "|i1", "|b1", ...
llvm::StringRef dtypeDescr(DType dtype);
/// The NumPy name: "float32", "int8", "bool", ...
llvm::StringRef dtypeName(DType dtype);
/// Parses a `descr` string. Returns std::nullopt for anything unsupported.
std::optional<DType> parseDescr(llvm::StringRef descr);
bool isFloat(DType dtype);
bool isSignedInt(DType dtype);
bool isUnsignedInt(DType dtype);

/// A dense C-order array. `data` holds the little-endian bytes; its size is
/// always numElements() * dtypeSize(dtype).
struct Array {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  Array() = default;
  /// Zero-filled array of the given type and shape.
  Array(DType dtype, llvm::ArrayRef<int64_t> shape);

  int64_t numElements() const;
  size_t elementSize() const { return dtypeSize(dtype); }
  size_t numBytes() const { return data.size(); }
  template <typename T> T *dataAs() { return reinterpret_cast<T *>(data.data()); }
  template <typename T> const T *dataAs() const {
    return reinterpret_cast<const T *>(data.data());
  }
  /// "float32[2,3]"
  std::string describe() const;
};

/// "[2,3]" / "[?,4]" (negative entries print as '?').
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Parses the bytes of a .npy file; `name` prefixes error messages.
llvm::Expected<Array> parse(llvm::StringRef bytes, llvm::StringRef name);
/// Reads and parses a .npy file.
llvm::Expected<Array> read(llvm::StringRef path);
/// Serializes to the .npy format (version 1.0 unless the header needs 2.0).
std::string serialize(const Array &array);
/// Writes a .npy file.
llvm::Error write(llvm::StringRef path, const Array &array);

/// Rows [begin, begin + count) of the first dimension.
Array sliceRows(const Array &array, int64_t begin, int64_t count);
/// Concatenates along the first dimension; all parts must agree on dtype and
/// on every other dimension.
llvm::Expected<Array> concatRows(llvm::ArrayRef<Array> parts);

} // namespace qc::npy

#endif // QC_RUNNER_NPY_H
