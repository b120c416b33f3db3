//===- InitAll.cpp - Register all of QC -----------------------------------===//
#include "qc/InitAll.h"

#include "qc/Dialect/QC/IR/QCDialect.h"
#include "qc/Dialect/QC/Transforms/Passes.h"
#include "qc/Quantization/Passes.h"
#include "qc/Driver/QuantizePipeline.h"
#include "qc/Pipelines/LowerToLLVM.h"
#include "qc/Pipelines/Passes.h"
#include "qc/Conversion/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

void qc::registerAllDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qc::QCDialect>();
}

void qc::registerAllPasses() {
  qc::registerQCPasses();
  qc::registerQCQuantizationPasses();
  qc::registerQuantizePipeline();
  qc::registerPipelinePasses();
  qc::registerLowerToLLVMPipeline();
  qc::registerQCConversionPasses();
}
