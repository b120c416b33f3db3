//===- QuantizePipeline.cpp - The compiler half of PTQ --------------------===//
#include "qc/Driver/QuantizePipeline.h"

#include "qc/Calibration/RangeSelection.h"
#include "qc/Conversion/Passes.h"
#include "qc/Dialect/QC/Transforms/Passes.h"
#include "qc/Quantization/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

llvm::Error qc::validate(const QuantizeOptions &o) {
  if (auto m = calib::parseMethod(o.method); !m)
    return m.takeError();
  if (o.precision != "int8" && o.precision != "w7a8" && o.precision != "w4a8")
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown precision '" + o.precision +
                                       "' (expected int8, w7a8 or w4a8)");
  if (o.weightRange != "full" && o.weightRange != "narrow")
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown weight range '" + o.weightRange +
                                       "' (expected full or narrow)");
  if (!(o.percentile > 0 && o.percentile <= 100))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "percentile must be in (0, 100]");
  return llvm::Error::success();
}

void qc::buildQuantizePipeline(OpPassManager &pm, const QuantizeOptions &o) {
  QCPropagateScalesPassOptions p;
  p.statsFile = o.statsFile;
  p.method = o.method;
  p.percentile = o.percentile;
  p.configFile = o.configFile;
  p.activationSigned = o.activationSigned;
  p.perChannel = o.perChannel;
  p.weightRange = o.weightRange;
  p.weightBits = o.precision == "w4a8" ? 4 : o.precision == "w7a8" ? 7 : 8;
  pm.addPass(createQCPropagateScalesPass(p));
  pm.addPass(createQCRealizePass());
  pm.addPass(createCanonicalizerPass());
  if (o.lower)
    buildLowerQuantizedPipeline(pm, o.microkernels);
}

void qc::buildLowerQuantizedPipeline(OpPassManager &pm, bool microkernels) {
  if (microkernels)
    pm.addPass(createQCVectorizeIntegerOpsPass());
  if (microkernels) {
    pm.addPass(createQCVectorizeDepthwisePass());
    pm.addPass(createQCVectorizePoolAddPass());
  }
  pm.addPass(createQCLowerIntegerOpsPass());
  pm.addPass(createQCLowerQuantPass());
  pm.addPass(createCanonicalizerPass());
}

void qc::registerQuantizePipeline() {
  PassPipelineRegistration<QuantizePipelineOptions>(
      "qc-quantize",
      "Quantize an observed, calibrated float module: propagate scales, "
      "realize integer ops, lower them to linalg",
      [](OpPassManager &pm, const QuantizePipelineOptions &po) {
        QuantizeOptions o;
        o.statsFile = po.statsFile;
        o.method = po.method;
        o.percentile = po.percentile;
        o.configFile = po.config;
        o.precision = po.precision;
        o.activationSigned = po.activationSigned;
        o.perChannel = po.perChannel;
        o.weightRange = po.weightRange;
        o.lower = po.lower;
        o.microkernels = po.microkernels;
        buildQuantizePipeline(pm, o);
      });
}
