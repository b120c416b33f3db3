//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// Format: "\x93NUMPY", major, minor, header length (u16 for 1.0, u32 for
// 2.0/3.0), then a Python dict literal with 'descr', 'fortran_order' and
// 'shape', padded with spaces and a newline, then the raw data.
//
//===----------------------------------------------------------------------===//
#include "qc/Runner/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace qc;
using llvm::StringRef;

namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct DTypeInfo {
  npy::DType dtype;
  char kind; // f, i, u, b
  size_t size;
  const char *descr;
  const char *name;
};

constexpr DTypeInfo kDTypes[] = {
    {npy::DType::F16, 'f', 2, "<f2", "float16"},
    {npy::DType::F32, 'f', 4, "<f4", "float32"},
    {npy::DType::F64, 'f', 8, "<f8", "float64"},
    {npy::DType::Bool, 'b', 1, "|b1", "bool"},
    {npy::DType::I8, 'i', 1, "|i1", "int8"},
    {npy::DType::U8, 'u', 1, "|u1", "uint8"},
    {npy::DType::I16, 'i', 2, "<i2", "int16"},
    {npy::DType::U16, 'u', 2, "<u2", "uint16"},
    {npy::DType::I32, 'i', 4, "<i4", "int32"},
    {npy::DType::U32, 'u', 4, "<u4", "uint32"},
    {npy::DType::I64, 'i', 8, "<i8", "int64"},
    {npy::DType::U64, 'u', 8, "<u8", "uint64"},
};

const DTypeInfo &info(npy::DType dtype) {
  for (const DTypeInfo &i : kDTypes)
    if (i.dtype == dtype)
      return i;
  llvm_unreachable("unknown dtype");
}

llvm::Error fail(StringRef name, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + message);
}

/// A tiny parser for the Python literal in the header: a dict whose keys are
/// strings and whose values are strings, booleans or tuples of integers.
class HeaderParser {
public:
  HeaderParser(StringRef text) : text(text) {}

  struct Value {
    enum Kind { String, Bool, Tuple, Other } kind = Other;
    std::string str;
    bool boolean = false;
    std::vector<int64_t> ints;
  };

  /// Parses the dict into `entries`; returns an error message on failure.
  std::optional<std::string>
  parseDict(std::vector<std::pair<std::string, Value>> &entries) {
    skipSpace();
    if (!consume('{'))
      return std::string("header is not a Python dict literal");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return "expected a quoted key at offset " + std::to_string(pos);
      skipSpace();
      if (!consume(':'))
        return "expected ':' after key '" + key + "'";
      skipSpace();
      Value value;
      if (auto err = parseValue(value))
        return "value of '" + key + "': " + *err;
      entries.emplace_back(key, std::move(value));
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return "expected ',' or '}' at offset " + std::to_string(pos);
    }
    skipSpace();
    if (pos != text.size())
      return std::string("unexpected text after the header dict");
    return std::nullopt;
  }

private:
  StringRef text;
  size_t pos = 0;

  void skipSpace() {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\t' ||
            text[pos] == '\r' || text[pos] == '\0'))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(StringRef word) {
    if (text.substr(pos).starts_with(word)) {
      pos += word.size();
      return true;
    }
    return false;
  }
  bool parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == StringRef::npos)
      return false;
    out = text.slice(pos, end).str();
    pos = end + 1;
    return true;
  }
  std::optional<std::string> parseValue(Value &value) {
    if (pos < text.size() && (text[pos] == '\'' || text[pos] == '"')) {
      value.kind = Value::String;
      if (!parseString(value.str))
        return std::string("unterminated string");
      return std::nullopt;
    }
    if (consumeWord("True")) {
      value.kind = Value::Bool;
      value.boolean = true;
      return std::nullopt;
    }
    if (consumeWord("False")) {
      value.kind = Value::Bool;
      value.boolean = false;
      return std::nullopt;
    }
    if (consume('(')) {
      value.kind = Value::Tuple;
      while (true) {
        skipSpace();
        if (consume(')'))
          return std::nullopt;
        size_t start = pos;
        bool negative = consume('-');
        size_t digits = pos;
        while (pos < text.size() && llvm::isDigit(text[pos]))
          ++pos;
        if (pos == digits)
          return "expected an integer in the tuple at offset " +
                 std::to_string(start);
        uint64_t magnitude;
        if (text.slice(digits, pos).getAsInteger(10, magnitude) ||
            magnitude > uint64_t(INT64_MAX))
          return "integer out of range in the tuple: " +
                 text.slice(start, pos).str();
        consume('L'); // Python 2 long suffix
        value.ints.push_back(negative ? -int64_t(magnitude)
                                      : int64_t(magnitude));
        skipSpace();
        if (consume(','))
          continue;
        skipSpace();
        if (consume(')'))
          return std::nullopt;
        return "expected ',' or ')' in the tuple at offset " +
               std::to_string(pos);
      }
    }
    // Anything else (a list descr of a structured dtype, a number, ...):
    // skip a balanced bracket expression so the error can name the key.
    value.kind = Value::Other;
    int depth = 0;
    size_t start = pos;
    while (pos < text.size()) {
      char c = text[pos];
      if (c == '[' || c == '(' || c == '{')
        ++depth;
      else if (c == ']' || c == ')' || c == '}') {
        if (depth == 0)
          break;
        --depth;
      } else if (c == ',' && depth == 0)
        break;
      ++pos;
    }
    value.str = text.slice(start, pos).trim().str();
    if (depth != 0)
      return std::string("unbalanced brackets");
    return std::nullopt;
  }
};
} // namespace

size_t npy::dtypeSize(DType dtype) { return info(dtype).size; }
StringRef npy::dtypeDescr(DType dtype) { return info(dtype).descr; }
StringRef npy::dtypeName(DType dtype) { return info(dtype).name; }
bool npy::isFloat(DType dtype) { return info(dtype).kind == 'f'; }
bool npy::isSignedInt(DType dtype) { return info(dtype).kind == 'i'; }
bool npy::isUnsignedInt(DType dtype) { return info(dtype).kind == 'u'; }

std::optional<npy::DType> npy::parseDescr(StringRef descr) {
  if (descr.size() < 3)
    return std::nullopt;
  char order = descr[0];
  if (order != '<' && order != '|' && order != '=' && order != '>')
    return std::nullopt;
  StringRef rest = descr.drop_front();
  for (const DTypeInfo &i : kDTypes) {
    if (StringRef(i.descr).drop_front() != rest)
      continue;
    // Byte order matters only for multi-byte types; '>' is rejected by the
    // caller with its own message.
    if (i.size > 1 && order == '|')
      return std::nullopt;
    return i.dtype;
  }
  return std::nullopt;
}

npy::Array::Array(DType dtype, llvm::ArrayRef<int64_t> shape)
    : dtype(dtype), shape(shape.begin(), shape.end()) {
  data.assign(size_t(numElements()) * dtypeSize(dtype), 0);
}

int64_t npy::Array::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string npy::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ",";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string npy::Array::describe() const {
  return dtypeName(dtype).str() + formatShape(shape);
}

llvm::Expected<npy::Array> npy::parse(StringRef bytes, StringRef name) {
  if (!llvm::sys::IsLittleEndianHost)
    return fail(name, "this host is big-endian; .npy I/O needs a "
                      "little-endian host");
  if (bytes.size() < kMagicSize || bytes.substr(0, kMagicSize) !=
                                       StringRef(kMagic, kMagicSize))
    return fail(name, "not a .npy file (bad magic; expected \\x93NUMPY)");
  if (bytes.size() < kMagicSize + 2)
    return fail(name, "truncated header (no version)");
  unsigned major = uint8_t(bytes[6]), minor = uint8_t(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return fail(name, "unsupported .npy format version " +
                          llvm::Twine(major) + "." + llvm::Twine(minor) +
                          " (supported: 1.0, 2.0, 3.0)");
  size_t lenSize = major == 1 ? 2 : 4;
  size_t prefix = kMagicSize + 2 + lenSize;
  if (bytes.size() < prefix)
    return fail(name, "truncated header (no header length)");
  uint64_t headerLen =
      major == 1
          ? llvm::support::endian::read16le(bytes.data() + 8)
          : llvm::support::endian::read32le(bytes.data() + 8);
  if (bytes.size() - prefix < headerLen)
    return fail(name, "truncated header: it declares " +
                          llvm::Twine(headerLen) + " bytes, the file has " +
                          llvm::Twine(bytes.size() - prefix));
  StringRef header = bytes.substr(prefix, headerLen);

  std::vector<std::pair<std::string, HeaderParser::Value>> entries;
  if (auto err = HeaderParser(header).parseDict(entries))
    return fail(name, "malformed header: " + *err);

  const HeaderParser::Value *descr = nullptr, *fortran = nullptr,
                            *shape = nullptr;
  for (auto &[key, value] : entries) {
    if (key == "descr")
      descr = &value;
    else if (key == "fortran_order")
      fortran = &value;
    else if (key == "shape")
      shape = &value;
  }
  if (!descr || !fortran || !shape)
    return fail(name, "malformed header: it must have the keys 'descr', "
                      "'fortran_order' and 'shape'");
  if (descr->kind != HeaderParser::Value::String)
    return fail(name, "unsupported dtype " + descr->str +
                          " (structured dtypes are not supported)");
  if (fortran->kind != HeaderParser::Value::Bool)
    return fail(name, "malformed header: 'fortran_order' must be True or "
                      "False");
  if (shape->kind != HeaderParser::Value::Tuple)
    return fail(name, "malformed header: 'shape' must be a tuple");

  std::optional<DType> dtype = parseDescr(descr->str);
  if (!dtype)
    return fail(name, "unsupported dtype '" + descr->str +
                          "' (supported: <f2 <f4 <f8 |b1 |i1 |u1 <i2 <u2 "
                          "<i4 <u4 <i8 <u8)");
  if (descr->str[0] == '>' && dtypeSize(*dtype) > 1)
    return fail(name, "big-endian dtype '" + descr->str +
                          "' is not supported; save the array with "
                          "arr.astype(arr.dtype.newbyteorder('<'))");
  if (fortran->boolean)
    return fail(name, "Fortran-order arrays are not supported; save a C-order "
                      "copy (np.ascontiguousarray)");

  Array array;
  array.dtype = *dtype;
  uint64_t count = 1;
  for (int64_t d : shape->ints) {
    if (d < 0)
      return fail(name, "malformed header: negative dimension in shape " +
                            formatShape(shape->ints));
    if (d != 0 && count > UINT64_MAX / uint64_t(d))
      return fail(name, "shape " + formatShape(shape->ints) + " is too large");
    count *= uint64_t(d);
    array.shape.push_back(d);
  }
  size_t elt = dtypeSize(*dtype);
  size_t available = bytes.size() - prefix - headerLen;
  if (count > available / elt || count * elt > available)
    return fail(name, "truncated data: shape " + formatShape(array.shape) +
                          " of " + dtypeName(*dtype) + " needs " +
                          llvm::Twine(count) + " x " + llvm::Twine(elt) +
                          " bytes, the file has " + llvm::Twine(available));
  if (count * elt != available)
    return fail(name, llvm::Twine(available - count * elt) +
                          " unexpected bytes after the data of shape " +
                          formatShape(array.shape));
  StringRef payload = bytes.substr(prefix + headerLen);
  array.data.assign(payload.bytes_begin(), payload.bytes_end());
  if (array.dtype == DType::Bool)
    for (uint8_t &b : array.data)
      b = b != 0;
  return array;
}

llvm::Expected<npy::Array> npy::read(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot open: " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

static std::string pythonShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

std::string npy::serialize(const Array &array) {
  std::string dict = "{'descr': '" + dtypeDescr(array.dtype).str() +
                     "', 'fortran_order': False, 'shape': " +
                     pythonShape(array.shape) + ", }";
  // Pad with spaces and a final newline so the data starts 64-byte aligned.
  size_t lenSize = 2;
  auto padded = [&](size_t lenBytes) {
    size_t total = kMagicSize + 2 + lenBytes + dict.size() + 1;
    return dict.size() + 1 + (64 - total % 64) % 64;
  };
  size_t headerLen = padded(2);
  unsigned major = 1;
  if (headerLen > 0xffff) {
    major = 2;
    lenSize = 4;
    headerLen = padded(4);
  }
  std::string out(kMagic, kMagicSize);
  out += char(major);
  out += char(0);
  char len[4];
  if (lenSize == 2)
    llvm::support::endian::write16le(len, uint16_t(headerLen));
  else
    llvm::support::endian::write32le(len, uint32_t(headerLen));
  out.append(len, lenSize);
  out += dict;
  out.append(headerLen - dict.size() - 1, ' ');
  out += '\n';
  out.append(reinterpret_cast<const char *>(array.data.data()),
             array.data.size());
  return out;
}

llvm::Error npy::write(StringRef path, const Array &array) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << serialize(array);
  os.close();
  if (os.has_error())
    return fail(path, "cannot write: " + os.error().message());
  return llvm::Error::success();
}

npy::Array npy::sliceRows(const Array &array, int64_t begin, int64_t count) {
  assert(!array.shape.empty() && begin >= 0 && count >= 0 &&
         begin + count <= array.shape[0] && "slice out of range");
  Array out;
  out.dtype = array.dtype;
  out.shape = array.shape;
  out.shape[0] = count;
  size_t rowBytes =
      array.shape[0] == 0 ? 0 : array.data.size() / size_t(array.shape[0]);
  if (array.shape[0] != 0)
    out.data.assign(array.data.begin() + begin * rowBytes,
                    array.data.begin() + (begin + count) * rowBytes);
  else
    out.data.clear();
  return out;
}

llvm::Expected<npy::Array> npy::concatRows(llvm::ArrayRef<Array> parts) {
  if (parts.empty())
    return fail("concat", "no arrays to concatenate");
  Array out;
  out.dtype = parts[0].dtype;
  out.shape = parts[0].shape;
  if (out.shape.empty())
    return fail("concat", "cannot concatenate rank-0 arrays along rows");
  out.shape[0] = 0;
  for (const Array &p : parts) {
    if (p.dtype != out.dtype || p.shape.size() != out.shape.size() ||
        !std::equal(p.shape.begin() + 1, p.shape.end(), out.shape.begin() + 1))
      return fail("concat", "cannot concatenate " + p.describe() + " to " +
                                parts[0].describe() + " along rows");
    out.shape[0] += p.shape[0];
    out.data.insert(out.data.end(), p.data.begin(), p.data.end());
  }
  return out;
}
