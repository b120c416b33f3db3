//===- ONNXImporter.cpp - ONNX ModelProto to MLIR --------------------------===//
//
// Driver: parses the protobuf, creates the function from the graph inputs,
// walks the nodes in order and returns the graph outputs. Op handlers live in
// Ops*.cpp, IR helpers in Builders.cpp.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/stubs/logging.h>

#include <climits>

using namespace mlir;
using namespace qc::onnx_import;

//===----------------------------------------------------------------------===//
// Public entry points.
//===----------------------------------------------------------------------===//

void qc::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, arith::ArithDialect,
                  math::MathDialect>();
}

namespace {
/// Silences protobuf's own stderr logging while a model is parsed; parse
/// failures are reported as MLIR diagnostics instead.
struct ProtobufLogSilencer {
  google::protobuf::LogHandler *previous;
  ProtobufLogSilencer()
      : previous(google::protobuf::SetLogHandler(
            [](google::protobuf::LogLevel, const char *, int,
               const std::string &) {})) {}
  ~ProtobufLogSilencer() { google::protobuf::SetLogHandler(previous); }
};
} // namespace

OwningOpRef<ModuleOp> qc::importONNXModel(llvm::StringRef bytes,
                                          llvm::StringRef fileName,
                                          MLIRContext *context,
                                          const ONNXImportOptions &options) {
  DialectRegistry registry;
  registerONNXImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadDialect<func::FuncDialect, linalg::LinalgDialect,
                       tensor::TensorDialect, arith::ArithDialect,
                       math::MathDialect>();

  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    emitError(fileLoc) << "'" << fileName << "' is " << bytes.size()
                       << " bytes; ONNX protobuf files are limited to 2 GiB "
                          "(store large weights as external data)";
    return nullptr;
  }
  if (bytes.empty()) {
    emitError(fileLoc) << "'" << fileName << "' is empty, not an ONNX model";
    return nullptr;
  }

  onnx::ModelProto model;
  {
    ProtobufLogSilencer silence;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      emitError(fileLoc) << "'" << fileName
                         << "' is not a valid ONNX model: protobuf parsing "
                            "failed (truncated or corrupt file?)";
      return nullptr;
    }
  }
  // Random bytes occasionally parse as a protobuf message; a real model has
  // an IR version, an opset and a graph.
  if (model.ir_version() <= 0 || !model.has_graph()) {
    emitError(fileLoc) << "'" << fileName
                       << "' is not a valid ONNX model: "
                       << (model.ir_version() <= 0 ? "missing ir_version"
                                                   : "missing graph");
    return nullptr;
  }
  Importer importer(context, options, fileName);
  return importer.importModel(model);
}

OwningOpRef<ModuleOp> qc::importONNXFile(llvm::StringRef path,
                                         MLIRContext *context,
                                         const ONNXImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot open '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  return importONNXModel((*buffer)->getBuffer(), path, context, options);
}

//===----------------------------------------------------------------------===//
// Importer.
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext *ctx, const ONNXImportOptions &options,
                   llvm::StringRef fileName)
    : loc(UnknownLoc::get(ctx)), ctx(ctx), b(ctx), options(options),
      fileName(fileName.str()) {
  if (!options.externalDataDir.empty()) {
    modelDir = options.externalDataDir;
  } else {
    llvm::SmallString<256> dir(fileName);
    llvm::sys::path::remove_filename(dir);
    modelDir = dir.empty() ? "." : std::string(dir);
  }
}

Location Importer::tensorLoc(llvm::StringRef name) {
  return NameLoc::get(StringAttr::get(ctx, name),
                      FileLineColLoc::get(ctx, fileName, 0, 0));
}

std::string Importer::uniqueNodeName(const onnx::NodeProto &n) {
  std::string firstOutput;
  for (const std::string &o : n.output())
    if (!o.empty()) {
      firstOutput = o;
      break;
    }
  std::string name = n.name();
  if (name.empty())
    name = firstOutput;
  if (name.empty())
    name = n.op_type() + "_" + std::to_string(nodeIndex);
  if (usedNodeNames.contains(name)) {
    // Duplicate node names are legal ONNX; keep names unique so that
    // locations identify one node. Output names are unique per graph.
    std::string alt = name + "/" + firstOutput;
    if (firstOutput.empty() || usedNodeNames.contains(alt))
      alt = name + "#" + std::to_string(nodeIndex);
    name = alt;
  }
  usedNodeNames.insert(name);
  return name;
}

InFlightDiagnostic Importer::nodeError() {
  auto diag = emitError(loc);
  if (node)
    diag << "node '" << nodeName << "' (" << node->op_type() << ", opset "
         << opset << "): ";
  return diag;
}

LogicalResult Importer::fail(const llvm::Twine &msg) {
  nodeError() << msg;
  return failure();
}

FailureOr<ConstPtr> Importer::parseTensor(const onnx::TensorProto &t,
                                          llvm::StringRef what) {
  Location at = tensorLoc(t.name());
  int dtype = t.data_type();
  if (!isSupportedDType(dtype)) {
    emitError(at) << what << " '" << t.name() << "' has unsupported element type "
                  << dtypeName(dtype);
    return failure();
  }
  Shape shape;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) {
      emitError(at) << what << " '" << t.name() << "' has a negative dimension "
                    << d;
      return failure();
    }
    shape.push_back(d);
    if (d != 0 && n > (int64_t(1) << 40) / d) {
      emitError(at) << what << " '" << t.name() << "' is too large ("
                    << shapeToString(shape) << ")";
      return failure();
    }
    n *= d;
  }
  if (t.has_segment()) {
    emitError(at) << what << " '" << t.name()
                  << "' is a segment of a larger tensor (not supported)";
    return failure();
  }
  auto c = ConstData::create(dtype, shape);
  size_t expectBytes = static_cast<size_t>(n) * dtypeBytes(dtype);
  auto sizeMismatch = [&](size_t got, llvm::StringRef field) {
    emitError(at) << what << " '" << t.name() << "' of shape "
                  << shapeToString(shape) << " and type " << dtypeName(dtype)
                  << " has " << got << (field == "raw_data" ? " bytes" : " values")
                  << " of " << field << ", expected "
                  << (field == "raw_data" ? expectBytes : static_cast<size_t>(n));
    return failure();
  };

  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset" || kv.key() == "length") {
        int64_t v;
        if (llvm::StringRef(kv.value()).getAsInteger(10, v) || v < 0) {
          emitError(at) << what << " '" << t.name() << "': bad external data "
                        << kv.key() << " '" << kv.value() << "'";
          return failure();
        }
        (kv.key() == "offset" ? offset : length) = v;
      }
    }
    if (location.empty()) {
      emitError(at) << what << " '" << t.name()
                    << "' has external data without a location";
      return failure();
    }
    llvm::SmallString<256> path(modelDir);
    llvm::sys::path::append(path, location);
    if (length < 0)
      length = static_cast<int64_t>(expectBytes);
    if (static_cast<size_t>(length) != expectBytes)
      return sizeMismatch(length, "raw_data");
    auto buf = llvm::MemoryBuffer::getFileSlice(path, length, offset,
                                                /*IsVolatile=*/false);
    if (!buf) {
      emitError(at) << what << " '" << t.name() << "': cannot read external data '"
                    << path << "' (offset " << offset << ", length " << length
                    << "): " << buf.getError().message();
      return failure();
    }
    if ((*buf)->getBufferSize() != expectBytes)
      return sizeMismatch((*buf)->getBufferSize(), "raw_data");
    std::memcpy(c->bytes.data(), (*buf)->getBufferStart(), expectBytes);
    return ConstPtr(c);
  }

  if (t.has_raw_data()) {
    if (t.raw_data().size() != expectBytes)
      return sizeMismatch(t.raw_data().size(), "raw_data");
    std::memcpy(c->bytes.data(), t.raw_data().data(), expectBytes);
    return ConstPtr(c);
  }
  switch (dtype) {
  case DT_FLOAT:
    if (t.float_data_size() != n)
      return sizeMismatch(t.float_data_size(), "float_data");
    for (int64_t i = 0; i < n; ++i)
      c->setF(i, t.float_data(static_cast<int>(i)));
    break;
  case DT_DOUBLE:
    if (t.double_data_size() != n)
      return sizeMismatch(t.double_data_size(), "double_data");
    for (int64_t i = 0; i < n; ++i)
      c->setF(i, t.double_data(static_cast<int>(i)));
    break;
  case DT_INT64:
    if (t.int64_data_size() != n)
      return sizeMismatch(t.int64_data_size(), "int64_data");
    for (int64_t i = 0; i < n; ++i)
      c->setI(i, t.int64_data(static_cast<int>(i)));
    break;
  case DT_UINT32:
  case DT_UINT64:
    if (t.uint64_data_size() != n)
      return sizeMismatch(t.uint64_data_size(), "uint64_data");
    for (int64_t i = 0; i < n; ++i)
      c->setI(i, static_cast<int64_t>(t.uint64_data(static_cast<int>(i))));
    break;
  case DT_FLOAT16:
  case DT_BFLOAT16:
    if (t.int32_data_size() != n)
      return sizeMismatch(t.int32_data_size(), "int32_data");
    for (int64_t i = 0; i < n; ++i) {
      uint16_t bits = static_cast<uint16_t>(t.int32_data(static_cast<int>(i)));
      std::memcpy(c->bytes.data() + 2 * i, &bits, 2);
    }
    break;
  default:
    if (t.int32_data_size() != n)
      return sizeMismatch(t.int32_data_size(), "int32_data");
    for (int64_t i = 0; i < n; ++i)
      c->setI(i, t.int32_data(static_cast<int>(i)));
    break;
  }
  return ConstPtr(c);
}

FailureOr<Shape> Importer::parseValueInfoShape(const onnx::ValueInfoProto &vi,
                                               int argIndex, int *dtypeOut) {
  Location at = tensorLoc(vi.name());
  if (!vi.has_type() || !vi.type().has_tensor_type()) {
    emitError(at) << "graph input '" << vi.name()
                  << "' is not a tensor (sequence, map and optional types are "
                     "not supported)";
    return failure();
  }
  const auto &tt = vi.type().tensor_type();
  if (!isSupportedDType(tt.elem_type())) {
    emitError(at) << "graph input '" << vi.name()
                  << "' has unsupported element type "
                  << dtypeName(tt.elem_type());
    return failure();
  }
  *dtypeOut = tt.elem_type();
  if (!tt.has_shape()) {
    emitError(at) << "graph input '" << vi.name()
                  << "' has no shape; the importer needs ranked inputs";
    return failure();
  }
  Shape shape;
  int dimIndex = 0;
  for (const auto &d : tt.shape().dim()) {
    if (d.value_case() == onnx::TensorShapeProto_Dimension::kDimValue) {
      if (d.dim_value() < 0) {
        emitError(at) << "graph input '" << vi.name()
                      << "' has a negative dimension " << d.dim_value();
        return failure();
      }
      shape.push_back(d.dim_value());
    } else {
      std::string param =
          d.value_case() == onnx::TensorShapeProto_Dimension::kDimParam
              ? d.dim_param()
              : std::string();
      auto bound = options.dimParams.find(param);
      if (!param.empty() && bound != options.dimParams.end()) {
        shape.push_back(bound->second);
      } else {
        int sym;
        auto it = param.empty() ? dimParamSymbols.end()
                                : dimParamSymbols.find(param);
        if (it != dimParamSymbols.end()) {
          sym = it->second;
        } else {
          sym = static_cast<int>(symbolSources.size());
          if (sym >= kMaxSymbols) {
            emitError(at) << "too many symbolic dimensions";
            return failure();
          }
          symbolSources.push_back({Value(), -1});
          if (!param.empty())
            dimParamSymbols[param] = sym;
        }
        if (!symbolSources[sym].first && argIndex >= 0)
          symbolSources[sym] = {func.getArgument(argIndex), dimIndex};
        shape.push_back(symDim(sym));
      }
    }
    ++dimIndex;
  }
  return shape;
}

OwningOpRef<ModuleOp> Importer::importModel(const onnx::ModelProto &model) {
  Location fileLoc = FileLineColLoc::get(ctx, fileName, 0, 0);
  opset = -1;
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = static_cast<int>(imp.version());
  if (opset < 0) {
    emitError(fileLoc) << "'" << fileName
                       << "' declares no opset for the default ONNX domain";
    return nullptr;
  }
  if (opset < 1) {
    emitError(fileLoc) << "'" << fileName << "' declares invalid opset "
                       << opset;
    return nullptr;
  }
  if (opset > 17)
    emitWarning(fileLoc) << "'" << fileName << "' uses opset " << opset
                         << "; the importer implements opsets 8-17 and the "
                            "opset-18 input forms of changed operators";

  OwningOpRef<ModuleOp> owned = ModuleOp::create(fileLoc);
  module = *owned;
  if (failed(importGraph(model.graph())))
    return nullptr;
  if (failed(verify(module))) {
    emitError(fileLoc) << "internal error: the imported IR of '" << fileName
                       << "' does not verify";
    return nullptr;
  }
  return owned;
}

LogicalResult Importer::importGraph(const onnx::GraphProto &graph) {
  Location fileLoc = FileLineColLoc::get(ctx, fileName, 0, 0);

  // Initializers: known tensors.
  for (const auto &init : graph.initializer()) {
    if (init.name().empty()) {
      emitError(fileLoc) << "graph has an initializer without a name";
      return failure();
    }
    if (env.count(init.name())) {
      emitError(tensorLoc(init.name()))
          << "initializer '" << init.name() << "' is defined twice";
      return failure();
    }
    auto c = parseTensor(init, "initializer");
    if (failed(c))
      return failure();
    TensorValue t = known(*c);
    t.name = init.name();
    t.loc = tensorLoc(init.name());
    env[init.name()] = std::move(t);
  }

  // The function; its result types are set once the outputs are known.
  std::string name = options.funcName;
  if (name.empty())
    name = graph.name().empty() ? "main" : graph.name();
  b.setInsertionPointToEnd(module.getBody());
  func = func::FuncOp::create(b, fileLoc, name, b.getFunctionType({}, {}));
  Block *entry = func.addEntryBlock();

  // Graph inputs (inputs that are also initializers are constants: old
  // exporters list weights as inputs).
  for (const auto &vi : graph.input()) {
    if (env.count(vi.name()) && env[vi.name()].isConst())
      continue;
    if (env.count(vi.name())) {
      emitError(tensorLoc(vi.name()))
          << "graph input '" << vi.name() << "' is listed twice";
      return failure();
    }
    // The argument must exist before symbolic dims can refer to it.
    int argIndex = static_cast<int>(entry->getNumArguments());
    entry->addArgument(b.getF32Type(), tensorLoc(vi.name()));
    int dtype = 0;
    auto shape = parseValueInfoShape(vi, argIndex, &dtype);
    if (failed(shape))
      return failure();
    BlockArgument arg = entry->getArgument(argIndex);
    arg.setType(tensorType(*shape, dtype));
    TensorValue t = result(arg, dtype, *shape);
    t.name = vi.name();
    env[vi.name()] = std::move(t);
  }
  func.setType(b.getFunctionType(entry->getArgumentTypes(), {}));
  b.setInsertionPointToEnd(entry);

  int index = 0;
  for (const auto &n : graph.node()) {
    if (failed(importNode(n, index++)))
      return failure();
  }

  // Outputs.
  node = nullptr;
  loc = fileLoc;
  SmallVector<Value> results;
  for (const auto &vi : graph.output()) {
    auto it = env.find(vi.name());
    if (it == env.end()) {
      emitError(tensorLoc(vi.name()))
          << "graph output '" << vi.name()
          << "' is not produced by any node, input or initializer";
      return failure();
    }
    TensorValue &t = it->second;
    if (vi.has_type() && vi.type().has_tensor_type()) {
      const auto &tt = vi.type().tensor_type();
      if (tt.elem_type() != 0 && tt.elem_type() != t.dtype) {
        emitError(tensorLoc(vi.name()))
            << "graph output '" << vi.name() << "' is declared "
            << dtypeName(tt.elem_type()) << " but the graph computes "
            << dtypeName(t.dtype);
        return failure();
      }
      if (tt.has_shape()) {
        bool mismatch = tt.shape().dim_size() != t.rank();
        for (int d = 0; !mismatch && d < tt.shape().dim_size(); ++d) {
          const auto &dim = tt.shape().dim(d);
          if (dim.value_case() == onnx::TensorShapeProto_Dimension::kDimValue &&
              !isSymDim(t.shape[d]) && dim.dim_value() != t.shape[d])
            mismatch = true;
        }
        if (mismatch) {
          std::string declared = "[";
          for (int d = 0; d < tt.shape().dim_size(); ++d) {
            const auto &dim = tt.shape().dim(d);
            if (d)
              declared += ", ";
            declared +=
                dim.value_case() == onnx::TensorShapeProto_Dimension::kDimValue
                    ? std::to_string(dim.dim_value())
                    : (dim.dim_param().empty() ? "?" : dim.dim_param());
          }
          declared += "]";
          emitError(tensorLoc(vi.name()))
              << "graph output '" << vi.name() << "' is declared with shape "
              << declared << " but the graph computes "
              << shapeToString(t.shape);
          return failure();
        }
      }
    }
    loc = t.loc ? *t.loc : tensorLoc(vi.name());
    results.push_back(valueOf(t));
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(entry->getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &n, int index) {
  node = &n;
  nodeIndex = index;
  nodeName = uniqueNodeName(n);
  loc = NameLoc::get(StringAttr::get(ctx, nodeName),
                     FileLineColLoc::get(ctx, fileName, index + 1, 0));

  bool defaultDomain = n.domain().empty() || n.domain() == "ai.onnx";
  const auto &table = handlers();
  auto it = table.find(n.op_type());
  if (!defaultDomain || it == table.end()) {
    auto diag = emitError(loc) << "unsupported ONNX operator '";
    if (!defaultDomain)
      diag << n.domain() << ".";
    diag << n.op_type() << "' in node '" << nodeName << "' (opset " << opset
         << ")";
    return failure();
  }
  for (int i = 0; i < n.input_size(); ++i) {
    const std::string &in = n.input(i);
    if (!in.empty() && !env.count(in))
      return fail("input #" + llvm::Twine(i) + " '" + in +
                  "' is not defined by a graph input, an initializer or an "
                  "earlier node");
  }
  for (const std::string &out : n.output())
    if (!out.empty() && env.count(out))
      return fail("output '" + out + "' is already defined");

  if (failed((this->*(it->second))()))
    return failure();

  for (int i = 0; i < n.output_size(); ++i) {
    const std::string &out = n.output(i);
    if (!out.empty() && !env.count(out))
      return fail("output #" + llvm::Twine(i) + " ('" + out +
                  "') is not supported by the importer");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Node inputs, outputs and attributes.
//===----------------------------------------------------------------------===//

unsigned Importer::numInputs() const { return node->input_size(); }

TensorValue *Importer::input(unsigned i) {
  if (i >= static_cast<unsigned>(node->input_size()))
    return nullptr;
  const std::string &name = node->input(static_cast<int>(i));
  if (name.empty())
    return nullptr;
  auto it = env.find(name);
  return it == env.end() ? nullptr : &it->second;
}

FailureOr<TensorValue *> Importer::required(unsigned i) {
  TensorValue *t = input(i);
  if (!t) {
    (void)fail("missing required input #" + llvm::Twine(i));
    return failure();
  }
  return t;
}

bool Importer::hasOutput(unsigned i) const {
  return i < static_cast<unsigned>(node->output_size()) &&
         !node->output(static_cast<int>(i)).empty();
}

LogicalResult Importer::setOutput(unsigned i, TensorValue t) {
  if (!hasOutput(i))
    return success();
  const std::string &name = node->output(static_cast<int>(i));
  t.name = name;
  if (!t.loc)
    t.loc = loc;
  env[name] = std::move(t);
  return success();
}

const onnx::AttributeProto *Importer::attr(llvm::StringRef name) const {
  for (const auto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

FailureOr<int64_t> Importer::attrInt(llvm::StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() == onnx::AttributeProto::INT ||
      (a->type() == onnx::AttributeProto::UNDEFINED && a->has_i()))
    return a->i();
  (void)fail("attribute '" + name + "' must be an integer");
  return failure();
}

FailureOr<float> Importer::attrFloat(llvm::StringRef name, float dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() == onnx::AttributeProto::FLOAT ||
      (a->type() == onnx::AttributeProto::UNDEFINED && a->has_f()))
    return a->f();
  if (a->type() == onnx::AttributeProto::INT)
    return static_cast<float>(a->i());
  (void)fail("attribute '" + name + "' must be a float");
  return failure();
}

FailureOr<std::string> Importer::attrString(llvm::StringRef name,
                                            llvm::StringRef dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt.str();
  if (a->type() == onnx::AttributeProto::STRING ||
      (a->type() == onnx::AttributeProto::UNDEFINED && a->has_s()))
    return a->s();
  (void)fail("attribute '" + name + "' must be a string");
  return failure();
}

FailureOr<std::optional<SmallVector<int64_t>>>
Importer::attrInts(llvm::StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::optional<SmallVector<int64_t>>();
  if (a->type() == onnx::AttributeProto::INTS ||
      a->type() == onnx::AttributeProto::UNDEFINED)
    return std::optional<SmallVector<int64_t>>(
        SmallVector<int64_t>(a->ints().begin(), a->ints().end()));
  if (a->type() == onnx::AttributeProto::INT)
    return std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{a->i()});
  (void)fail("attribute '" + name + "' must be a list of integers");
  return failure();
}

FailureOr<std::optional<SmallVector<float>>>
Importer::attrFloats(llvm::StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::optional<SmallVector<float>>();
  if (a->type() == onnx::AttributeProto::FLOATS ||
      a->type() == onnx::AttributeProto::UNDEFINED)
    return std::optional<SmallVector<float>>(
        SmallVector<float>(a->floats().begin(), a->floats().end()));
  (void)fail("attribute '" + name + "' must be a list of floats");
  return failure();
}

FailureOr<SmallVector<int64_t>> Importer::constInts(TensorValue *t,
                                                   llvm::StringRef what) {
  if (!t->isConst()) {
    (void)fail(what + " ('" + t->name +
         "') must be known at import time (a constant or a foldable shape "
         "computation)");
    return failure();
  }
  if (!isIntegerDType(t->dtype)) {
    (void)fail(what + " ('" + t->name + "') must be an integer tensor, not " +
         dtypeName(t->dtype));
    return failure();
  }
  auto v = t->cst->toInts();
  return SmallVector<int64_t>(v.begin(), v.end());
}

FailureOr<double> Importer::constScalar(TensorValue *t, llvm::StringRef what) {
  if (!t->isConst()) {
    (void)fail(what + " ('" + t->name + "') must be known at import time");
    return failure();
  }
  if (t->cst->numel() != 1) {
    (void)fail(what + " ('" + t->name + "') must have exactly one element, not " +
         llvm::Twine(t->cst->numel()));
    return failure();
  }
  return t->cst->getF(0);
}

FailureOr<int64_t> Importer::normAxis(int64_t axis, int64_t rank,
                                      llvm::StringRef what) {
  if (axis < -rank || axis >= rank) {
    (void)fail(what + " " + llvm::Twine(axis) + " is out of range for rank " +
         llvm::Twine(rank));
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

TensorValue Importer::result(Value v, int dtype, llvm::ArrayRef<int64_t> shape) {
  TensorValue t;
  t.value = v;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  return t;
}

TensorValue Importer::known(ConstPtr c) {
  TensorValue t;
  t.dtype = c->dtype;
  t.shape = c->shape;
  t.cst = std::move(c);
  return t;
}

const llvm::StringMap<Importer::Handler> &Importer::handlers() {
  static const llvm::StringMap<Handler> table = [] {
    llvm::StringMap<Handler> m;
    for (const char *op : {"Add", "Sub", "Mul", "Div"})
      m[op] = &Importer::importBinaryArith;
    m["Pow"] = &Importer::importPow;
    for (const char *op : {"Max", "Min", "Sum", "Mean"})
      m[op] = &Importer::importVariadic;
    for (const char *op :
         {"Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil",
          "Sigmoid", "Tanh", "Erf", "Sin", "Cos", "Softplus", "Softsign", "Elu",
          "Selu", "HardSigmoid", "HardSwish", "Round", "Sign"})
      m[op] = &Importer::importUnary;
    m["Relu"] = &Importer::importRelu;
    m["LeakyRelu"] = &Importer::importLeakyRelu;
    m["Clip"] = &Importer::importClip;
    m["Cast"] = &Importer::importCast;
    for (const char *op :
         {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"})
      m[op] = &Importer::importCompare;
    m["Where"] = &Importer::importWhere;
    m["Not"] = &Importer::importNot;
    m["Identity"] = &Importer::importIdentity;
    m["Dropout"] = &Importer::importDropout;
    m["Constant"] = &Importer::importConstant;
    m["ConstantOfShape"] = &Importer::importConstantOfShape;
    m["Range"] = &Importer::importRange;
    m["Conv"] = &Importer::importConv;
    m["MaxPool"] = &Importer::importPool;
    m["AveragePool"] = &Importer::importPool;
    m["GlobalAveragePool"] = &Importer::importGlobalPool;
    m["GlobalMaxPool"] = &Importer::importGlobalPool;
    m["Gemm"] = &Importer::importGemm;
    m["MatMul"] = &Importer::importMatMul;
    m["Softmax"] = &Importer::importSoftmax;
    m["LogSoftmax"] = &Importer::importSoftmax;
    m["BatchNormalization"] = &Importer::importBatchNorm;
    m["LayerNormalization"] = &Importer::importLayerNorm;
    for (const char *op : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
                           "ReduceProd", "ReduceSumSquare"})
      m[op] = &Importer::importReduce;
    m["Reshape"] = &Importer::importReshape;
    m["Flatten"] = &Importer::importFlatten;
    m["Transpose"] = &Importer::importTranspose;
    m["Concat"] = &Importer::importConcat;
    m["Split"] = &Importer::importSplit;
    m["Slice"] = &Importer::importSlice;
    m["Gather"] = &Importer::importGather;
    m["Shape"] = &Importer::importShape;
    m["Size"] = &Importer::importSize;
    m["Unsqueeze"] = &Importer::importUnsqueeze;
    m["Squeeze"] = &Importer::importSqueeze;
    m["Pad"] = &Importer::importPad;
    m["Expand"] = &Importer::importExpand;
    return m;
  }();
  return table;
}
