//===- quant-opt.cpp - QC optimizer driver --------------------------------===//
//
// mlir-opt with the qc dialect, the QC passes and pipelines, and every
// upstream dialect, extension and pass registered.
//
//===----------------------------------------------------------------------===//
#include "qc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  qc::registerAllPasses();
  mlir::DialectRegistry registry;
  qc::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "QC quantization compiler driver\n", registry));
}
