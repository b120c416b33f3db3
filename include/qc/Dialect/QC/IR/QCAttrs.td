//===- QCAttrs.td - QC attributes ---------------------------*- tablegen -*-===//
#ifndef QC_DIALECT_QC_IR_QCATTRS_TD
#define QC_DIALECT_QC_IR_QCATTRS_TD

include "qc/Dialect/QC/IR/QCBase.td"

def QC_StatsAttr : QC_Attr<"Stats", "stats"> {
  let summary = "Calibrated statistics of one observed tensor";
  let description = [{
    Statistics gathered by calibration for one tensor: the global min/max, an
    optional running-average (moving-average) min/max, an optional histogram
    of `|hist|` equal-width bins over `[hist_min, hist_max]`, and optional
    per-channel min/max along the observer's axis (weights).

    ```mlir
    #qc.stats<min = -1.5, max = 2.25>
    #qc.stats<min = -1.5, max = 2.25, avg_min = -1.25, avg_max = 2.0,
              hist_min = -1.5, hist_max = 2.25, hist = [0, 3, 7, 1]>
    #qc.stats<min = -1.0, max = 1.0, channel_min = [-1.0, -0.5],
              channel_max = [0.5, 1.0]>
    ```
  }];
  let parameters = (ins
    APFloatParameter<"global minimum">:$min,
    APFloatParameter<"global maximum">:$max,
    OptionalParameter<"std::optional<::llvm::APFloat>">:$avgMin,
    OptionalParameter<"std::optional<::llvm::APFloat>">:$avgMax,
    APFloatParameter<"lower edge of the histogram">:$histMin,
    APFloatParameter<"upper edge of the histogram">:$histMax,
    ArrayRefParameter<"int64_t">:$hist,
    "::mlir::DenseF64ArrayAttr":$channelMin,
    "::mlir::DenseF64ArrayAttr":$channelMax
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "double":$min, "double":$max), [{
      return $_get($_ctxt, ::llvm::APFloat(min), ::llvm::APFloat(max),
                   std::nullopt, std::nullopt, ::llvm::APFloat(0.0),
                   ::llvm::APFloat(0.0), ::llvm::ArrayRef<int64_t>{},
                   ::mlir::DenseF64ArrayAttr(), ::mlir::DenseF64ArrayAttr());
    }]>
  ];
  let extraClassDeclaration = [{
    bool hasHistogram() const { return !getHist().empty(); }
    bool hasAverage() const { return getAvgMin().has_value(); }
    bool hasChannels() const {
      return getChannelMin() && !getChannelMin().empty();
    }
    double minValue() const { return getMin().convertToDouble(); }
    double maxValue() const { return getMax().convertToDouble(); }
    double avgMinValue() const { return getAvgMin()->convertToDouble(); }
    double avgMaxValue() const { return getAvgMax()->convertToDouble(); }
    double histMinValue() const { return getHistMin().convertToDouble(); }
    double histMaxValue() const { return getHistMax().convertToDouble(); }
    ::llvm::ArrayRef<double> channelMins() const {
      return getChannelMin() ? getChannelMin().asArrayRef()
                             : ::llvm::ArrayRef<double>{};
    }
    ::llvm::ArrayRef<double> channelMaxs() const {
      return getChannelMax() ? getChannelMax().asArrayRef()
                             : ::llvm::ArrayRef<double>{};
    }
  }];
}

#endif // QC_DIALECT_QC_IR_QCATTRS_TD
