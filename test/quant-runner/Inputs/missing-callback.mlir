// Calls an external function that nothing provides.
func.func private @qc_missing_callback(memref<2xf32>)
func.func @g(%a: memref<2xf32>) {
  func.call @qc_missing_callback(%a) : (memref<2xf32>) -> ()
  return
}
