# Compares a raw byte file (the AArch64 result) with a .npy (the x86 result).
# Usage: compare_bytes.py LABEL reference.npy result.bin
import sys

import numpy as np

label, ref_path, got_path = sys.argv[1:4]
ref = np.load(ref_path)
got = np.fromfile(got_path, dtype=ref.dtype)
if got.size != ref.size:
    raise SystemExit("%s: %d values, expected %d" % (label, got.size, ref.size))
diff = int(np.count_nonzero(got.reshape(ref.shape) != ref))
nonzero = int(np.count_nonzero(ref))
print("%s: compared %d values (%d nonzero), %d differences" % (
    label, ref.size, nonzero, diff))
if diff:
    raise SystemExit(1)
