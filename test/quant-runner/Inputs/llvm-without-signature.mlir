// An LLVM-dialect module written by hand: no qc_runner.signature attribute.
llvm.func @f() {
  llvm.return
}
