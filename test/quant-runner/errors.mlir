// Every bad input gets a clear diagnostic naming the file, argument or
// function, and a non-zero exit status (never a crash).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; d = '%t/'; np.save(d + 'f.npy', np.zeros((2, 3), np.float32)); np.save(d + 'i64.npy', np.zeros((2, 3), np.int64)); np.save(d + 'r1.npy', np.zeros(6, np.float32)); np.save(d + 's.npy', np.zeros((3, 3), np.float32)); np.save(d + 'fortran.npy', np.asfortranarray(np.zeros((2, 3), np.float32))); np.save(d + 'big.npy', np.zeros((2, 3), '>f4')); np.save(d + 'i4bad.npy', np.array([1, 8], np.int8)); np.save(d + 'c.npy', np.zeros((2, 3), np.complex64)); b = open(d + 'f.npy', 'rb').read(); open(d + 'trunc.npy', 'wb').write(b[:-5]); open(d + 'header.npy', 'wb').write(b[:30]); open(d + 'magic.npy', 'wb').write(b'PK' + b[2:]); open(d + 'empty.npy', 'wb').write(b'')"

// RUN: not quant-runner %s --function add --input %t/missing.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: quant-runner: error: {{.*}}missing.npy: cannot open: {{[Nn]}}o such file or directory

// RUN: not quant-runner %s --function add --input %t/trunc.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: {{.*}}trunc.npy: truncated data: shape [2,3] of float32 needs 6 x 4 bytes, the file has 19

// RUN: not quant-runner %s --function add --input %t/header.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: error: {{.*}}header.npy: truncated header: it declares 118 bytes, the file has 20

// RUN: not quant-runner %s --function add --input %t/magic.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=MAGIC
// RUN: not quant-runner %s --function add --input %t/empty.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=MAGIC
// MAGIC: error: {{.*}}.npy: not a .npy file (bad magic; expected \x93NUMPY)

// RUN: not quant-runner %s --function add --input %t/fortran.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: error: {{.*}}fortran.npy: Fortran-order arrays are not supported

// RUN: not quant-runner %s --function add --input %t/big.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=BIG
// BIG: error: {{.*}}big.npy: big-endian dtype '>f4' is not supported

// RUN: not quant-runner %s --function add --input %t/c.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: {{.*}}c.npy: unsupported dtype '<c8' (supported: <f2 <f4 <f8 |b1 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8)

// RUN: not quant-runner %s --function add --input %t/f.npy --input %t/i64.npy 2>&1 | FileCheck %s --check-prefix=WRONGTYPE
// WRONGTYPE: error: argument 1 (tensor<2x3xf32>): expected dtype float32, got int64[2,3]

// RUN: not quant-runner %s --function add --input %t/r1.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: argument 0 (tensor<2x3xf32>): expected rank 2 [2,3], got rank 1 (float32[6])

// RUN: not quant-runner %s --function add --input %t/f.npy --input %t/s.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: argument 1 (tensor<2x3xf32>): expected shape [2,3], got float32[3,3] (dimension 0 differs)

// RUN: not quant-runner %s --function add --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: @add takes 2 argument(s), 1 input(s) given

// RUN: not quant-runner %s --function nibble --input %t/i4bad.npy 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: error: argument 0 (tensor<2xi4>): value 8 at flat index 1 is outside [-8, 7], the range of i4

// RUN: not quant-runner %s --function nibble --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=NIBBLETYPE
// NIBBLETYPE: error: argument 0 (tensor<2xi4>): expected dtype int8 or uint8, got float32[2,3]

// RUN: not quant-runner %s --input %t/f.npy --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: error: the module has 4 public functions (@add, @nibble, @unranked, @scalar); choose one with --function

// RUN: not quant-runner %s --function nope --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: no public function named @nope in the module; it has @add, @nibble, @unranked, @scalar

// RUN: not quant-runner %s --function unranked --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=UNRANKED
// UNRANKED: error: cannot run @unranked: argument 0 of @unranked has type tensor<*xf32>: unranked

// RUN: not quant-runner %s --function scalar --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: error: cannot run @scalar: result 0 of @scalar has type f32: not a ranked tensor or memref

// RUN: not quant-runner %t/nonexistent.mlir --input %t/f.npy 2>&1 | FileCheck %s --check-prefix=NOMODULE
// NOMODULE: error: cannot open '{{.*}}nonexistent.mlir': {{.*}}

// RUN: not quant-runner %t/f.npy 2>&1 | FileCheck %s --check-prefix=NOTMLIR
// NOTMLIR: error: cannot parse '{{.*}}f.npy'

// RUN: not quant-runner %s --function add --input %t/f.npy --input %t/f.npy --repeat 3 2>&1 | FileCheck %s --check-prefix=REPEAT
// REPEAT: error: --repeat needs --benchmark

// RUN: not quant-runner %s --function add --input %t/f.npy --input %t/f.npy --labels %t/missing-labels.npy 2>&1 | FileCheck %s --check-prefix=NOLABELS
// NOLABELS: error: {{.*}}missing-labels.npy: cannot open

// RUN: not quant-runner %s --function add --input %t/f.npy --input %t/f.npy --batch-size 4 2>&1 | FileCheck %s --check-prefix=BATCH
// BATCH: error: --batch-size: no argument of @add has a batch dimension to split (a dynamic first dimension, or a static one equal to the batch size)
// RUN: not quant-runner %s --function add --input %t/s.npy --input %t/f.npy --batch-size 4 2>&1 | FileCheck %s --check-prefix=BATCHSTATIC
// BATCHSTATIC: error: --batch-size 4: argument 0 (tensor<2x3xf32>) has a static first dimension of 2 and the input has 3 rows
// RUN: not quant-runner %s --function add --input %t/s.npy --input %t/f.npy --batch-size 2 2>&1 | FileCheck %s --check-prefix=BATCHREM
// BATCHREM: error: --batch-size 2: 3 rows do not split into batches of the static size of argument 0 (tensor<2x3xf32>)

func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %r = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

func.func @nibble(%a: tensor<2xi4>) -> tensor<2xi4> {
  return %a : tensor<2xi4>
}

func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  return %a : tensor<*xf32>
}

func.func @scalar(%a: tensor<2x3xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %v = tensor.extract %a[%c0, %c0] : tensor<2x3xf32>
  return %v : f32
}
