// RUN: quant-opt %s -split-input-file -allow-unregistered-dialect --qc-verify-llvm-lowered -verify-diagnostics

module {
  llvm.func @f() {
    // expected-error @+1 {{'foo.bar' was not lowered to the LLVM dialect}}
    "foo.bar"() : () -> ()
    // Each kind of op is reported once.
    "foo.bar"() : () -> ()
    llvm.return
  }
}

// -----

module {
  llvm.func @g(%arg0: i64) -> i64 {
    // expected-error @+1 {{a type conversion was left unresolved: 'i64' to 'index'}}
    %0 = builtin.unrealized_conversion_cast %arg0 : i64 to index
    %1 = builtin.unrealized_conversion_cast %0 : index to i64
    llvm.return %1 : i64
  }
}

// -----

// A module entirely in the LLVM dialect passes.
module {
  llvm.func @h(%arg0: f32) -> f32 {
    llvm.return %arg0 : f32
  }
}
