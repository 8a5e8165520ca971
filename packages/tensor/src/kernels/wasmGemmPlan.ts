/**
 * The arithmetic of nlpkit's WebAssembly GEMM (`wasmGemm.wat`) that needs no memory: block sizes, the job record
 * its `gemm` export reads, and how C is split between threads.
 */

/** Rows of A in one register tile (and one packed A panel). */
export const TILE_ROWS = 4;
/** Columns of B in one register tile (and one packed B panel). */
export const TILE_COLS = 8;
/**
 * Cache blocking (GotoBLAS): A in blocks of MC × KC (128 KiB, L2), B in blocks of KC × NC (2 MiB, L3), one
 * KC × 8 B panel (8 KiB) in L1. Measured on the LM shapes (K = 200, 700, 10k), within noise of 64/512/128 and
 * 256/4096/512: the register tile, not the blocking, sets the speed.
 */
export const BLOCK = { mc: 128, nc: 2048, kc: 256 } as const;

/** Bytes of one thread's scratch: packed A block, packed B block, an edge tile, its job record (64-byte aligned). */
export const SCRATCH_BYTES = align(BLOCK.mc * BLOCK.kc * 4) + align(BLOCK.kc * (BLOCK.nc + TILE_COLS) * 4) + 256 + 128;

/** Fields of the job record, in the order `gemm` reads them (i32 each). */
export interface GemmJob {
  m0: number; m1: number; n0: number; n1: number; K: number;
  a: number; rsA: number; csA: number;
  b: number; rsB: number; csB: number;
  c: number; ldc: number; bias: number;
  scratch: number;
  /**
   * Address of B's columns [n0, n1) already packed ({@link packedBBytes} of K × (n1 − n0)), or absent: pack per
   * call into the scratch. Prepacked columns are one column block, however wide.
   */
  packedB?: number;
}

/** Words (i32) of the job record `gemm` reads: `job`'s fields and its scratch pointers, in order. */
export const JOB_WORDS = 21;

/** `job` (byte addresses and strides) and its scratch pointers as the {@link JOB_WORDS} words `gemm` reads. */
export function jobWords(job: GemmJob): number[] {
  const packedA = job.scratch;
  const packedB = packedA + align(BLOCK.mc * BLOCK.kc * 4);
  const tile = packedB + align(BLOCK.kc * (BLOCK.nc + TILE_COLS) * 4);
  return [
    job.m0, job.m1, job.n0, job.n1, job.K,
    job.a, job.rsA, job.csA, job.b, job.rsB, job.csB, job.c, job.ldc, job.bias,
    packedA, job.packedB ?? packedB, tile, BLOCK.mc, job.packedB === undefined ? BLOCK.nc : Math.max(BLOCK.nc, roundUpToTile(job.n1 - job.n0)), BLOCK.kc,
    job.packedB === undefined ? 0 : 1,
  ];
}

/** Writes `job`'s record ({@link jobWords}) at `at` (bytes) in `heap`. */
export function writeJob(heap: Int32Array, at: number, job: GemmJob): void {
  heap.set(jobWords(job), at >>> 2);
}

/** Bytes of all of a K × N operand B packed the way `gemm` reads it with `prepacked` set (one column block). */
export function packedBBytes(K: number, N: number): number {
  return K * roundUpToTile(N) * 4;
}

/** `wasmGemm.wat`'s `packB` export: packs depth [0, k) × columns [0, n) of B at `src` (strides `rs`, `cs`) to `dst`. */
export type PackB = (src: number, rs: number, cs: number, k: number, n: number, dst: number) => void;

/**
 * Packs `width` columns of a depth-`K` operand B (element (k, j) at `src + k·rs + j·cs`, bytes) at `dst` as one
 * column block for `gemm`'s prepacked mode: one depth block after another ({@link packedBBytes} bytes in all).
 */
export function prepackColumns(packB: PackB, src: number, rs: number, cs: number, K: number, width: number, dst: number): void {
  const rowBytes = roundUpToTile(width) * 4;
  for (let p = 0; p < K; p += BLOCK.kc) packB(src + p * rs, rs, cs, Math.min(BLOCK.kc, K - p), width, dst + p * rowBytes);
}

/** `n` rounded up to whole register tiles of columns. */
function roundUpToTile(n: number): number {
  return Math.ceil(n / TILE_COLS) * TILE_COLS;
}

/** Where the job record of a scratch area starts (its last 128 bytes; 21 fields). */
export function jobAddress(scratch: number): number {
  return scratch + SCRATCH_BYTES - 128;
}

/** One thread's share of C: rows [m0, m1) × columns [n0, n1). */
export interface Share { m0: number; m1: number; n0: number; n1: number }

/**
 * Splits an M × N output into at most `threads` shares of whole tiles along the dimension with more tiles
 * (columns for the 700 × 10k softmax layer, rows for its 700 × 200 input gradient); empty shares are dropped.
 */
export function splitOutput(M: number, N: number, threads: number): Share[] {
  const rowTiles = Math.ceil(M / TILE_ROWS);
  const colTiles = Math.ceil(N / TILE_COLS);
  const byCols = colTiles >= rowTiles;
  const tiles = byCols ? colTiles : rowTiles;
  const unit = byCols ? TILE_COLS : TILE_ROWS;
  const extent = byCols ? N : M;
  const parts = Math.max(1, Math.min(threads, tiles));
  const shares: Share[] = [];
  for (let t = 0; t < parts; t += 1) {
    const lo = Math.min(extent, Math.round((tiles * t) / parts) * unit);
    const hi = Math.min(extent, Math.round((tiles * (t + 1)) / parts) * unit);
    if (hi > lo) shares.push(byCols ? { m0: 0, m1: M, n0: lo, n1: hi } : { m0: lo, m1: hi, n0: 0, n1: N });
  }
  return shares;
}

/** Rounds a byte count up to a multiple of 64. */
export function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
