"""Module, inputs and numpy reference for qc-tile-and-vectorize-blocked-matmul.test.

  gen DIR        write DIR/blocked.mlir (four functions whose matmuls are
                 larger than one cache block, with sizes that are multiples
                 of no block), the inputs DIR/<function>_<i>.npy and the
                 float64 references DIR/<function>_ref<i>.npy with the
                 error bounds DIR/<function>_tol<i>.npy
  check DIR OUT FN N
                 compare OUT/result<i>.npy with the reference of function
                 FN, i < N: |out - ref| <= tol, where tol is the a-priori
                 bound of an f32 dot product of length K summed in any
                 order, K * 2^-24 * (|A| @ |B|) (2^-53 for f64), plus
                 the epilogue's rounding
"""
import os
import sys

import numpy as np

U = 2.0 ** -24

# gemm_chain: A [333 x 1001] x B [1001 x 700] + bias, ReLU, + residual.
#   333 = 3 * 3 * 37 rows, 700 = 14 panels of 50 columns, K = 3 * 256 + 233.
# batched: [?, 132, 1100] x [?, 1100, 260] (a dynamic batch of 2; 4-row
#   tiles of 52 columns, K blocks of 256 and a last one of 76; fewer than
#   256 rows, so B is read in place).
# fc_const: A [64 x 300] x a constant [300 x 160] + bias, and the same
#   constant for a dynamic number of rows: packed at compile time; the
#   first is blocked when the blocks are small enough (B is larger than
#   two B blocks), the second never (M is dynamic).
M1, K1, N1 = 333, 1001, 700
B2, M2, K2, N2 = 2, 132, 1100, 260
M3, K3, N3, R3 = 64, 300, 160, 5
# f64mm: f64 [40 x 200] x [200 x 48]: blocked with the small blocks only
#   (K blocks of 32 f64), 5-row tiles of 24 columns, B read in place.
M4, K4, N4 = 40, 200, 48


def fmt(x):
    return ", ".join(f"{float(v):.9e}" for v in x)


def module(w3):
    rows = ", ".join("[" + fmt(r) + "]" for r in w3)
    return f"""
func.func @gemm_chain(%a: tensor<{M1}x{K1}xf32>, %b: tensor<{K1}x{N1}xf32>, %bias: tensor<{N1}xf32>,
                      %res: tensor<{M1}x{N1}xf32>) -> tensor<{M1}x{N1}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{M1}x{N1}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{M1}x{N1}xf32>) -> tensor<{M1}x{N1}xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<{M1}x{K1}xf32>, tensor<{K1}x{N1}xf32>)
      outs(%f : tensor<{M1}x{N1}xf32>) -> tensor<{M1}x{N1}xf32>
  %e2 = tensor.empty() : tensor<{M1}x{N1}xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %bias : tensor<{M1}x{N1}xf32>, tensor<{N1}xf32>) outs(%e2 : tensor<{M1}x{N1}xf32>) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  }} -> tensor<{M1}x{N1}xf32>
  %e3 = tensor.empty() : tensor<{M1}x{N1}xf32>
  %q = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%r, %res : tensor<{M1}x{N1}xf32>, tensor<{M1}x{N1}xf32>) outs(%e3 : tensor<{M1}x{N1}xf32>) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }} -> tensor<{M1}x{N1}xf32>
  return %q : tensor<{M1}x{N1}xf32>
}}

func.func @batched(%a: tensor<?x{M2}x{K2}xf32>, %b: tensor<?x{K2}x{N2}xf32>) -> tensor<?x{M2}x{N2}xf32> {{
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x{M2}x{K2}xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x{M2}x{N2}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x{M2}x{N2}xf32>) -> tensor<?x{M2}x{N2}xf32>
  %mm = linalg.batch_matmul ins(%a, %b : tensor<?x{M2}x{K2}xf32>, tensor<?x{K2}x{N2}xf32>)
      outs(%f : tensor<?x{M2}x{N2}xf32>) -> tensor<?x{M2}x{N2}xf32>
  return %mm : tensor<?x{M2}x{N2}xf32>
}}

func.func @fc_const(%a: tensor<{M3}x{K3}xf32>, %bias: tensor<{N3}xf32>, %x: tensor<?x{K3}xf32>)
    -> (tensor<{M3}x{N3}xf32>, tensor<?x{N3}xf32>) {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[{rows}]> : tensor<{K3}x{N3}xf32>
  %e = tensor.empty() : tensor<{M3}x{N3}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{M3}x{N3}xf32>) -> tensor<{M3}x{N3}xf32>
  %mm = linalg.matmul ins(%a, %w : tensor<{M3}x{K3}xf32>, tensor<{K3}x{N3}xf32>)
      outs(%f : tensor<{M3}x{N3}xf32>) -> tensor<{M3}x{N3}xf32>
  %e2 = tensor.empty() : tensor<{M3}x{N3}xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %bias : tensor<{M3}x{N3}xf32>, tensor<{N3}xf32>) outs(%e2 : tensor<{M3}x{N3}xf32>) {{
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }} -> tensor<{M3}x{N3}xf32>
  %rows = tensor.dim %x, %c0 : tensor<?x{K3}xf32>
  %e3 = tensor.empty(%rows) : tensor<?x{N3}xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x{N3}xf32>) -> tensor<?x{N3}xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x{K3}xf32>, tensor<{K3}x{N3}xf32>)
      outs(%f3 : tensor<?x{N3}xf32>) -> tensor<?x{N3}xf32>
  return %r, %y : tensor<{M3}x{N3}xf32>, tensor<?x{N3}xf32>
}}

func.func @f64mm(%a: tensor<{M4}x{K4}xf64>, %b: tensor<{K4}x{N4}xf64>) -> tensor<{M4}x{N4}xf64> {{
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<{M4}x{N4}xf64>
  %f = linalg.fill ins(%zero : f64) outs(%e : tensor<{M4}x{N4}xf64>) -> tensor<{M4}x{N4}xf64>
  %mm = linalg.matmul ins(%a, %b : tensor<{M4}x{K4}xf64>, tensor<{K4}x{N4}xf64>)
      outs(%f : tensor<{M4}x{N4}xf64>) -> tensor<{M4}x{N4}xf64>
  return %mm : tensor<{M4}x{N4}xf64>
}}
"""


def save(out, name, arrays):
    for i, x in enumerate(arrays):
        np.save(os.path.join(out, f"{name}_{i}.npy"), x)


def save_ref(out, name, refs):
    for i, (ref, tol) in enumerate(refs):
        np.save(os.path.join(out, f"{name}_ref{i}.npy"), ref)
        np.save(os.path.join(out, f"{name}_tol{i}.npy"), tol)


def product(a, b, u=U):
    """a @ b in float64 (exact products) and the bound of its rounding
    error in a type of unit roundoff u."""
    if u == U:
        a = a.astype(np.float64)
        b = b.astype(np.float64)
        k = a.shape[-1]
        return a @ b, (k + 1) * u * (np.abs(a) @ np.abs(b))
    # f64 operands: the reference in extended precision.
    ref = (a.astype(np.longdouble) @ b.astype(np.longdouble))
    k = a.shape[-1]
    return ref.astype(np.float64), (k + 1) * u * (np.abs(a) @ np.abs(b))


def gen(out):
    rng = np.random.default_rng(20261127)
    os.makedirs(out, exist_ok=True)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)

    a, b, bias, res = f32(M1, K1), f32(K1, N1), f32(N1), f32(M1, N1)
    save(out, "gemm_chain", [a, b, bias, res])
    mm, tol = product(a, b)
    r = np.maximum(mm + bias, 0.0) + res
    save_ref(out, "gemm_chain", [(r, tol + 2 * U * (np.abs(mm) + np.abs(bias) + np.abs(res)))])

    a, b = f32(B2, M2, K2), f32(B2, K2, N2)
    save(out, "batched", [a, b])
    save_ref(out, "batched", [product(a, b)])

    a, bias, x, w = f32(M3, K3), f32(N3), f32(R3, K3), f32(K3, N3)
    save(out, "fc_const", [a, bias, x])
    mm, tol = product(a, w)
    y, ytol = product(x, w)
    save_ref(out, "fc_const", [(mm + bias, tol + 2 * U * (np.abs(mm) + np.abs(bias))), (y, ytol)])

    a, b = rng.standard_normal((M4, K4)), rng.standard_normal((K4, N4))
    save(out, "f64mm", [a, b])
    save_ref(out, "f64mm", [product(a, b, 2.0 ** -53)])

    with open(os.path.join(out, "blocked.mlir"), "w") as f:
        f.write(module(w))


def check(ref_dir, out_dir, name, n):
    ok = True
    for i in range(n):
        got = np.load(os.path.join(out_dir, f"result{i}.npy"))
        ref = np.load(os.path.join(ref_dir, f"{name}_ref{i}.npy"))
        tol = np.load(os.path.join(ref_dir, f"{name}_tol{i}.npy"))
        want = np.float64 if name == "f64mm" else np.float32
        if got.shape != ref.shape or got.dtype != want:
            print(f"result{i}: shape/dtype {got.shape} {got.dtype} != {ref.shape} {want.__name__}")
            ok = False
            continue
        diff = np.abs(got.astype(np.float64) - ref)
        bad = int(np.count_nonzero(~(diff <= tol)))
        print(f"result{i}: {list(got.shape)} {bad} outside the bound "
              f"(max |diff| / bound {np.max(diff / tol):.2g})")
        ok = ok and bad == 0
    print(("PASS" if ok else "FAIL") + f" {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
    else:
        sys.exit("usage: blocked_matmul.py gen DIR | check DIR OUT FN N")
