//===- QCBase.td - QC dialect definition -------------------*- tablegen -*-===//
#ifndef QC_DIALECT_QC_IR_QCBASE_TD
#define QC_DIALECT_QC_IR_QCBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def QC_Dialect : Dialect {
  let name = "qc";
  let cppNamespace = "::qc";
  let summary = "Quantization compiler dialect: observers, quantize/dequantize/"
                "requantize with explicit numerics, fake-quant";
  let description = [{
    The `qc` dialect adds to upstream `!quant.uniform` types what a
    quantization compiler needs and upstream lacks: observers that carry
    calibrated statistics in the IR, quantize / dequantize / requantize ops
    whose rounding and saturation are explicit (round-half-to-even and
    saturating, unlike upstream `lower-quant-ops`), and a fake-quant op that
    does not fold away.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
}

class QC_Op<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, traits>;

class QC_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QC_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QC_RoundHalfEven : I32EnumAttrCase<"half_even", 0>;
def QC_RoundHalfAway : I32EnumAttrCase<"half_away_from_zero", 1>;
def QC_RoundingMode : I32EnumAttr<"RoundingMode",
    "rounding of a scaled real value to the integer grid",
    [QC_RoundHalfEven, QC_RoundHalfAway]> {
  let cppNamespace = "::qc";
  let genSpecializedAttr = 0;
}
def QC_RoundingModeAttr : EnumAttr<QC_Dialect, QC_RoundingMode, "rounding">;

def QC_RequantFloat : I32EnumAttrCase<"float_scale", 0>;
def QC_RequantSingle : I32EnumAttrCase<"single_round", 1>;
def QC_RequantDouble : I32EnumAttrCase<"double_round", 2>;
def QC_RequantMode : I32EnumAttr<"RequantMode",
    "how a requantize rescales: float epilogue or integer multiplier and shift",
    [QC_RequantFloat, QC_RequantSingle, QC_RequantDouble]> {
  let cppNamespace = "::qc";
  let genSpecializedAttr = 0;
}
def QC_RequantModeAttr : EnumAttr<QC_Dialect, QC_RequantMode, "requant_mode">;

#endif // QC_DIALECT_QC_IR_QCBASE_TD
