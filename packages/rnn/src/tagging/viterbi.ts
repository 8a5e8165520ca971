import type { Tensor3D } from '@tensorflow/tfjs-core';
import { checkSyncRead } from '@nlpkit/tensor';
import { PKG } from '../errors.js';
import { checkLengths } from '../validate.js';
import { checkCrf, type CrfParams } from './crf.js';
import type { CrfConstraints } from './crfConstraints.js';

/** CRF scores read back to the host once per batch: Viterbi is a short sequential loop, cheaper on the CPU. */
export interface CrfScores {
  readonly numTags: number;
  /** `[K * K]`, row-major (from, to). */
  readonly transitions: Float32Array | Float64Array;
  readonly start: Float32Array | Float64Array;
  readonly end: Float32Array | Float64Array;
}

/**
 * The highest-scoring tag path of one sequence: `emissions[t * K + k]` for `length` steps. Forbidden starts,
 * transitions and ends get −∞, so with `constraints` the path is always one the scheme allows (when the scheme
 * allows any path of this length: every scheme allows all-`O`). Ties go to the lowest tag id.
 */
export function viterbiPath(scores: CrfScores, emissions: ArrayLike<number>, length: number, constraints?: CrfConstraints): number[] {
  const K = scores.numTags;
  if (length === 0) return [];
  const trans = Float64Array.from(scores.transitions, (v, i) => (constraints === undefined || constraints.transitions[i] === 1 ? v : -Infinity));
  let delta = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    delta[j] = constraints === undefined || constraints.start[j] === 1 ? (scores.start[j] as number) + (emissions[j] as number) : -Infinity;
  }
  const back = new Int32Array(length * K);
  for (let t = 1; t < length; t++) {
    const next = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < K; i++) {
        const s = (delta[i] as number) + (trans[i * K + j] as number);
        if (s > best) {
          best = s;
          arg = i;
        }
      }
      next[j] = best + (emissions[t * K + j] as number);
      back[t * K + j] = arg;
    }
    delta = next;
  }
  let best = -Infinity;
  let last = 0;
  for (let j = 0; j < K; j++) {
    const s = (delta[j] as number) + (constraints === undefined || constraints.end[j] === 1 ? (scores.end[j] as number) : -Infinity);
    if (s > best) {
      best = s;
      last = j;
    }
  }
  const path = new Array<number>(length);
  path[length - 1] = last;
  for (let t = length - 1; t > 0; t--) path[t - 1] = back[t * K + (path[t] as number)] as number;
  return path;
}

/**
 * The best tag of each of `length` steps (`emissions[t * K + k]`), ties to the lowest tag id: what
 * {@link viterbiPath} returns with zero transition, start and end scores and no constraints, in O(length·K)
 * instead of O(length·K²) (a softmax POS tagger has K = 184 tags on Brown).
 */
export function argmaxPath(emissions: ArrayLike<number>, length: number, K: number): number[] {
  const path = new Array<number>(length);
  for (let t = 0; t < length; t++) {
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      const v = emissions[t * K + k] as number;
      if (v > best) {
        best = v;
        arg = k;
      }
    }
    path[t] = arg;
  }
  return path;
}

/** The CRF's scores as host arrays (one synchronous read; on webgpu an `UnsupportedError` naming {@link crfScoresAsync}). */
export function crfScores(params: CrfParams): CrfScores {
  checkSyncRead({ package: PKG, what: 'crfScores', alternative: 'crfScoresAsync' });
  return {
    numTags: params.start.shape[0],
    transitions: params.transitions.dataSync() as Float32Array,
    start: params.start.dataSync() as Float32Array,
    end: params.end.dataSync() as Float32Array,
  };
}

/** {@link crfScores} read asynchronously (`await tensor.data()`): for every backend, webgpu included. */
export async function crfScoresAsync(params: CrfParams): Promise<CrfScores> {
  return {
    numTags: params.start.shape[0],
    transitions: (await params.transitions.data()) as Float32Array,
    start: (await params.start.data()) as Float32Array,
    end: (await params.end.data()) as Float32Array,
  };
}

/**
 * Viterbi decoding of a batch: the best tag path of each row up to its length (one host read of the emissions).
 * @param params the CRF
 * @param emissions `[batch, T, K]`
 * @param lengths valid tokens per row
 * @param constraints a scheme's constraints (`crfConstraints`): decoded paths then always follow the scheme
 */
export function viterbiDecode(params: CrfParams, emissions: Tensor3D, lengths: ArrayLike<number>, constraints?: CrfConstraints): number[][] {
  const K = checkCrf(params, emissions, constraints);
  const [B, T] = emissions.shape;
  const lens = checkLengths(lengths, B, T);
  checkSyncRead({ package: PKG, what: 'viterbiDecode', alternative: 'viterbiDecodeAsync' });
  const scores = crfScores(params);
  const values = emissions.dataSync();
  return lens.map((len, b) => viterbiPath(scores, values.subarray(b * T * K, (b + 1) * T * K), len, constraints));
}

/** {@link viterbiDecode} reading the scores asynchronously (`await tensor.data()`): for every backend, webgpu included. */
export async function viterbiDecodeAsync(params: CrfParams, emissions: Tensor3D, lengths: ArrayLike<number>, constraints?: CrfConstraints): Promise<number[][]> {
  const K = checkCrf(params, emissions, constraints);
  const [B, T] = emissions.shape;
  const lens = checkLengths(lengths, B, T);
  const scores = await crfScoresAsync(params);
  const values = await emissions.data();
  return lens.map((len, b) => viterbiPath(scores, values.subarray(b * T * K, (b + 1) * T * K), len, constraints));
}
