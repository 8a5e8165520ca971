/** Rows of the register tile: four rows of `a` share each loaded value of `b`. */
const MR = 4;
/** Columns of the register tile: 4 × 8 = 32 accumulators, which V8 keeps in registers or L1. */
const NR = 8;

/**
 * A row-major matrix view: element (r, c) of the logical matrix is `data[r·rowStride + c·colStride]`, so a
 * transposed operand is the same buffer with its strides swapped — no copy.
 */
export interface MatrixView {
  data: Float32Array;
  rowStride: number;
  colStride: number;
}

/** A view of a row-major `[rows, cols]` buffer, or of its transpose when `transposed`. */
export function matrixView(data: Float32Array, cols: number, transposed: boolean): MatrixView {
  return transposed ? { data, rowStride: 1, colStride: cols } : { data, rowStride: cols, colStride: 1 };
}

/**
 * `out[M, N] = a[M, K] · b[K, N] (+ bias[N])` over Float32Arrays: a packed, register-tiled matmul in plain
 * JavaScript, for backends whose own matmul is plain JavaScript too (tfjs-backend-cpu).
 *
 * Why this shape: the cpu backend's matmul loads and stores its accumulator for every multiply-add and reaches
 * ~0.2 GFLOP/s here. This kernel packs `a` into 4-row strips and `b` into 8-column panels (both read
 * contiguously, whatever the operands' transposition), keeps a 4 × 8 tile of sums in local variables across the
 * whole K loop (one load of `a` and one of `b` per 4 or 8 multiply-adds) and reaches ~1.5 GFLOP/s. Sums are
 * accumulated in float64 and rounded once, so the result is at least as accurate as a float32 loop.
 */
export function gemm(M: number, N: number, K: number, a: MatrixView, b: MatrixView, out: Float32Array, bias?: Float32Array): void {
  const strips = Math.ceil(M / MR);
  // Packed a: strip s holds rows s·4..s·4+3, k-major (4 consecutive values per k); missing rows are 0.
  const ap = new Float32Array(strips * MR * K);
  const { data: ad, rowStride: ar, colStride: ac } = a;
  for (let s = 0; s < strips; s += 1) {
    const base = s * MR * K;
    for (let r = 0; r < MR; r += 1) {
      const i = s * MR + r;
      if (i >= M) break;
      let src = i * ar;
      for (let k = 0; k < K; k += 1, src += ac) ap[base + k * MR + r] = ad[src] as number;
    }
  }
  const bp = new Float32Array(K * NR);
  const tile = new Float64Array(MR * NR);
  const { data: bd, rowStride: br, colStride: bc } = b;
  for (let j0 = 0; j0 < N; j0 += NR) {
    const nb = Math.min(NR, N - j0);
    // Packed panel of b: columns j0..j0+7, k-major; missing columns are 0.
    if (nb < NR) bp.fill(0);
    for (let c = 0; c < nb; c += 1) {
      let src = (j0 + c) * bc;
      for (let k = 0; k < K; k += 1, src += br) bp[k * NR + c] = bd[src] as number;
    }
    for (let s = 0; s < strips; s += 1) {
      microTile(K, ap, s * MR * K, bp, tile);
      const i0 = s * MR;
      const mb = Math.min(MR, M - i0);
      for (let r = 0; r < mb; r += 1) {
        const row = (i0 + r) * N + j0;
        for (let c = 0; c < nb; c += 1) {
          out[row + c] = (tile[r * NR + c] as number) + (bias === undefined ? 0 : (bias[j0 + c] as number));
        }
      }
    }
  }
}

/** The 4 × 8 tile of sums over k of packed a (from `pa`) times the packed panel, written into `tile`. */
function microTile(K: number, ap: Float32Array, pa: number, bp: Float32Array, tile: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  let pb = 0;
  for (let k = 0; k < K; k += 1, pa += MR, pb += NR) {
    const a0 = ap[pa] as number, a1 = ap[pa + 1] as number, a2 = ap[pa + 2] as number, a3 = ap[pa + 3] as number;
    let v = bp[pb] as number;
    c00 += a0 * v; c10 += a1 * v; c20 += a2 * v; c30 += a3 * v;
    v = bp[pb + 1] as number;
    c01 += a0 * v; c11 += a1 * v; c21 += a2 * v; c31 += a3 * v;
    v = bp[pb + 2] as number;
    c02 += a0 * v; c12 += a1 * v; c22 += a2 * v; c32 += a3 * v;
    v = bp[pb + 3] as number;
    c03 += a0 * v; c13 += a1 * v; c23 += a2 * v; c33 += a3 * v;
    v = bp[pb + 4] as number;
    c04 += a0 * v; c14 += a1 * v; c24 += a2 * v; c34 += a3 * v;
    v = bp[pb + 5] as number;
    c05 += a0 * v; c15 += a1 * v; c25 += a2 * v; c35 += a3 * v;
    v = bp[pb + 6] as number;
    c06 += a0 * v; c16 += a1 * v; c26 += a2 * v; c36 += a3 * v;
    v = bp[pb + 7] as number;
    c07 += a0 * v; c17 += a1 * v; c27 += a2 * v; c37 += a3 * v;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03; tile[4] = c04; tile[5] = c05; tile[6] = c06; tile[7] = c07;
  tile[8] = c10; tile[9] = c11; tile[10] = c12; tile[11] = c13; tile[12] = c14; tile[13] = c15; tile[14] = c16; tile[15] = c17;
  tile[16] = c20; tile[17] = c21; tile[18] = c22; tile[19] = c23; tile[20] = c24; tile[21] = c25; tile[22] = c26; tile[23] = c27;
  tile[24] = c30; tile[25] = c31; tile[26] = c32; tile[27] = c33; tile[28] = c34; tile[29] = c35; tile[30] = c36; tile[31] = c37;
}

/** Column sums of a row-major `[rows, cols]` buffer (the gradient of a broadcast bias), in float64. */
export function columnSums(x: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i += 1) {
    const base = i * cols;
    for (let j = 0; j < cols; j += 1) acc[j] = (acc[j] as number) + (x[base + j] as number);
  }
  return Float32Array.from(acc);
}
