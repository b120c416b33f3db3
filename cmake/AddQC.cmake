# Helpers that wrap the upstream MLIR CMake functions and record QC targets in
# one export set.

function(add_qc_library name)
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL)
  set_property(GLOBAL APPEND PROPERTY QC_ALL_LIBS ${name})
endfunction()

function(add_qc_dialect_library name)
  add_mlir_dialect_library(${name} ${ARGN} DISABLE_INSTALL)
  set_property(GLOBAL APPEND PROPERTY QC_ALL_LIBS ${name})
endfunction()

function(add_qc_tool name)
  add_llvm_executable(${name} ${ARGN})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()
