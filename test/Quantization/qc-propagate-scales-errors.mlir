// RUN: quant-opt %s -split-input-file -qc-propagate-scales -verify-diagnostics
// RUN: not quant-opt %s -qc-propagate-scales="stats-file=%t.missing.json" 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: echo '{"format": "qc-stats", "version": 1, "batches": 1, "samples": 1, "tensors": {}}' > %t.empty.json
// RUN: not quant-opt %s -split-input-file -qc-propagate-scales="stats-file=%t.empty.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: echo '{"format": "qc-stats", "version": 2}' > %t.v2.json
// RUN: not quant-opt %s -qc-propagate-scales="stats-file=%t.v2.json" 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: echo '{"format": "qc-stats", "version": 1, "batches": 1, "samples": 1, "tensors": {"a": {"count": 4, "min": 2.0, "max": 1.0}}}' > %t.order.json
// RUN: not quant-opt %s -qc-propagate-scales="stats-file=%t.order.json" 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: echo '{"format": "qc-stats", ' > %t.bad.json
// RUN: not quant-opt %s -qc-propagate-scales="stats-file=%t.bad.json" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not quant-opt %S/Inputs/no-histogram.mlir -qc-propagate-scales="method=percentile" 2>&1 | FileCheck %s --check-prefix=NOHIST
// RUN: not quant-opt %s -qc-propagate-scales="method=median" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s -qc-propagate-scales="weight-bits=3" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not quant-opt %s -qc-propagate-scales="output-bits=4" 2>&1 | FileCheck %s --check-prefix=OBITS
// RUN: not quant-opt %s -qc-propagate-scales="weight-range=wide" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: echo '{"format": "qc-quant-config", "version": 1, "default": {"weight_range": "half"}}' > %t.range.json
// RUN: not quant-opt %s -qc-propagate-scales="config=%t.range.json" 2>&1 | FileCheck %s --check-prefix=CFGRANGE
// RUN: echo '{"format": "qc-quant-config", "version": 1, "layers": [{"name": "x", "weight_bits": 2}]}' > %t.cfg.json
// RUN: not quant-opt %s -qc-propagate-scales="config=%t.cfg.json" 2>&1 | FileCheck %s --check-prefix=CONFIG

// NOFILE: error: {{.*}}missing.json{{.*}}
// MISSING: error: statistics for tensor 'a' are missing from {{.*}}empty.json
// VERSION: error: {{.*}}version 2
// ORDER: error: {{.*}}min{{.*}}max
// MALFORMED: error: {{.*}}bad.json{{.*}}
// NOHIST: error: tensor 'c': {{.*}}histogram
// METHOD: error: unknown range method 'median' (expected minmax, moving_average, percentile, entropy or mse)
// BITS: error: weight-bits must be 4, 7 or 8, got 3
// OBITS: error: output-bits must be 8 or 16, got 4
// RANGE: error: weight-range must be full or narrow, got 'wide'
// CFGRANGE: error: {{.*}}range.json: default: unknown weight_range 'half' (expected full or narrow)
// CONFIG: error: {{.*}}cfg.json: layers[0]: weight_bits 2 is not supported (4, 7 or 8)

func.func @no_stats(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{observer 'a' has no statistics: calibrate first (quant-runner --calibrate) and pass stats-file, or attach stats}}
  %0 = qc.observe %x id "a" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A zero range falls back to scale 1.0 (documented in docs/StatsFormat.md).
func.func @zero_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qc.observe %x id "b" {stats = #qc.stats<min = 0.0, max = 0.0>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

