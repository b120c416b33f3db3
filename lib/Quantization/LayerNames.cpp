//===- LayerNames.cpp - Stable names for layers and tensors ---------------===//
#include "LayerNames.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

using namespace mlir;

std::string qc::layerNameOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations()) {
      std::string n = layerNameOf(inner);
      if (!n.empty())
        return n;
    }
    return "";
  }
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    return layerNameOf(site.getCallee());
  return "";
}

std::string qc::UniqueNamer::unique(llvm::StringRef base) {
  std::string id = base.str();
  for (unsigned k = 1; used.contains(id); ++k)
    id = (base + ":" + llvm::Twine(k)).str();
  used.insert(id);
  return id;
}

std::string qc::baseNameOf(Value value, unsigned &anonymousCounter) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (fn && arg.getOwner()->isEntryBlock()) {
      if (auto name = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                      "qc.name"))
        return "input:" + name.getValue().str();
      std::string fromLoc = layerNameOf(arg.getLoc());
      if (!fromLoc.empty())
        return "input:" + fromLoc;
    }
    return "input:" + std::to_string(arg.getArgNumber());
  }
  Operation *def = value.getDefiningOp();
  std::string name = layerNameOf(def->getLoc());
  if (name.empty())
    name = def->getName().getStringRef().str() + "_" +
           std::to_string(anonymousCounter++);
  if (def->getNumResults() > 1)
    name += "#" + std::to_string(cast<OpResult>(value).getResultNumber());
  return name;
}
