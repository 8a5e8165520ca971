import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Rng } from '@nlpkit/core';
import { isHostBackend, matMul, uniform } from '@nlpkit/tensor';
import { RnnOptionError, RnnShapeError } from '../errors.js';
import { idsTensor, type TokenIds } from '../layers/idsTensor.js';
import { checkLengths, checkNumber, checkShape } from '../validate.js';
import type { CrfConstraints } from './crfConstraints.js';
import { crfLogPartitionHost } from './crfPartition.js';

/**
 * Parameters of a linear-chain CRF over K tags: `transitions[i][j]` scores tag j right after tag i, `start[j]`
 * a sentence starting with j, `end[i]` one ending with i (the layout of pytorch-crf).
 */
export interface CrfParams {
  transitions: Tensor2D;
  start: Tensor1D;
  end: Tensor1D;
}

/**
 * What a forbidden transition adds inside the loss. Viterbi uses −∞; the forward algorithm uses this finite value
 * because −∞ − (−∞) is NaN in logsumexp's gradient, while exp(−10000) is exactly 0 in float32: the two agree.
 */
export const CRF_FORBIDDEN = -1e4;

/** CRF parameters drawn from U(±0.1) (pytorch-crf's initialisation). */
export function initCrf(numTags: number, rng: Rng): CrfParams {
  const K = checkNumber(numTags, 'numTags', 1, 1 << 16, true);
  return tf.tidy(() => ({
    transitions: uniform([K, K], rng, -0.1, 0.1) as Tensor2D,
    start: uniform([K], rng, -0.1, 0.1) as Tensor1D,
    end: uniform([K], rng, -0.1, 0.1) as Tensor1D,
  })) as CrfParams;
}

/** The three score tensors with {@link CRF_FORBIDDEN} added where `constraints` forbid (or unchanged). */
function constrained(params: CrfParams, constraints: CrfConstraints | undefined): [Tensor2D, Tensor1D, Tensor1D] {
  if (constraints === undefined) return [params.transitions, params.start, params.end];
  const penalty = (allowed: Uint8Array, shape: number[]): tf.Tensor => tf.tensor(Float32Array.from(allowed, (a) => (a === 1 ? 0 : CRF_FORBIDDEN)), shape);
  const K = constraints.numTags;
  return [
    tf.add(params.transitions, penalty(constraints.transitions, [K, K])) as Tensor2D,
    tf.add(params.start, penalty(constraints.start, [K])) as Tensor1D,
    tf.add(params.end, penalty(constraints.end, [K])) as Tensor1D,
  ];
}

/** Checks the CRF and emission shapes against each other; returns K. */
export function checkCrf(params: CrfParams, emissions: Tensor3D, constraints: CrfConstraints | undefined): number {
  checkShape(emissions, 'emissions', [null, null, null], ['batch', 'T', 'K']);
  const K = emissions.shape[2];
  checkShape(params.transitions, 'params.transitions', [K, K], [`K=${K}`, `K=${K}`]);
  checkShape(params.start, 'params.start', [K], [`K=${K}`]);
  checkShape(params.end, 'params.end', [K], [`K=${K}`]);
  if (constraints !== undefined && constraints.numTags !== K) {
    throw new RnnShapeError({ argument: 'constraints.numTags', expected: `the tag count of the emissions (${K})`, found: constraints.numTags });
  }
  return K;
}

/**
 * Log-likelihood (nats) of each gold tag sequence under a linear-chain CRF: the gold path's score minus the
 * log-partition from the forward algorithm, batched, with padded positions (past `lengths`) left out. Train with
 * `tf.neg(tf.mean(crfLogLikelihood(...)))`. Like a tfjs op it leaves its intermediates to the caller (`tf.tidy`,
 * a `trainStep` loss).
 * @param params the CRF
 * @param emissions `[batch, T, K]` per-token tag scores (e.g. a BiLSTM's projection)
 * @param tags gold tag ids `[batch, T]` (an int32 tensor or `padSequences(...).ids`); padding is ignored
 * @param lengths valid tokens per row, each from 1 to T
 * @param constraints forbidden starts, transitions and ends (e.g. `crfConstraints(tags, 'IOB2')`)
 * @returns `[batch]` log-likelihoods
 */
export function crfLogLikelihood(
  params: CrfParams,
  emissions: Tensor3D,
  tags: TokenIds,
  lengths: ArrayLike<number>,
  constraints?: CrfConstraints,
): Tensor1D {
  const K = checkCrf(params, emissions, constraints);
  const [B, T] = emissions.shape;
  const y = idsTensor(tags, 'tags');
  checkShape(y, 'tags', [B, T], [`batch=${B}`, `T=${T}`]);
  const lens = checkLengths(lengths, B, T);
  lens.forEach((len, b) => {
    if (len < 1) throw new RnnOptionError({ argument: `lengths[${b}]`, expected: 'at least 1 (a CRF scores non-empty sequences)', found: len });
  });
  const mask = new Float32Array(B * T);
  const lastMask = new Float32Array(B * T);
  lens.forEach((len, b) => {
    mask.fill(1, b * T, b * T + len);
    lastMask[b * T + len - 1] = 1;
  });
  const [trans, start, end] = constrained(params, constraints);
  const m = tf.tensor2d(mask, [B, T]);

  // Gold score: start + emissions + transitions + end along each gold path (one-hot products keep it differentiable).
  const oneHot = tf.reshape(tf.cast(tf.oneHot(tf.reshape(y, [-1]) as Tensor1D, K), 'float32'), [B, T, K]) as Tensor3D;
  const masked = tf.mul(oneHot, tf.expandDims(m, 2)) as Tensor3D;
  const emit = tf.sum(tf.mul(emissions, masked), [1, 2]);
  const first = tf.squeeze(tf.slice(oneHot, [0, 0, 0], [B, 1, K]), [1]);
  const startScore = tf.sum(tf.mul(first, start), 1);
  const lastOneHot = tf.sum(tf.mul(oneHot, tf.tensor3d(lastMask, [B, T, 1])), 1);
  const endScore = tf.sum(tf.mul(lastOneHot, end), 1);
  let gold = tf.add(tf.add(emit, startScore), endScore);
  if (T > 1) {
    const prev = tf.reshape(tf.slice(oneHot, [0, 0, 0], [B, T - 1, K]), [B * (T - 1), K]);
    const next = tf.slice(masked, [0, 1, 0], [B, T - 1, K]);
    // nlpkit's matMul: its gradient takes plain products on nlpkit's GEMM, where tfjs's BatchMatMul gradient runs
    // transposed operands (slow on wasm: 5.4 ms a step of the WikiANN tagger for this [B·T, K] · [K, K]).
    const step = tf.reshape(matMul(prev as Tensor2D, trans), [B, T - 1, K]);
    gold = tf.add(gold, tf.sum(tf.mul(step, next), [1, 2]));
  }

  const logZ = (isHostBackend() ? crfLogPartitionHost(emissions, trans, start, end, lens) : undefined) ?? logPartition(emissions, m, trans, start, end);
  return tf.sub(gold, logZ) as Tensor1D;
}

/**
 * The CRF log-partition `[batch]` by the forward algorithm as tensor ops (GPU backends, and the fallback of
 * {@link crfLogPartitionHost}): alpha[b][j] = log Σ over paths ending in j; rows past their length (`m[b][t]` = 0)
 * keep their alpha.
 */
export function logPartition(emissions: Tensor3D, m: Tensor2D, trans: Tensor2D, start: Tensor1D, end: Tensor1D): Tensor1D {
  const [B, T, K] = emissions.shape;
  // tfjs cannot differentiate an unstack into one tensor (its gradient stacks an empty list): a batch of
  // one-token sentences takes the one step by reshaping.
  const steps = T === 1 ? [tf.reshape(emissions, [B, K]) as Tensor2D] : (tf.unstack(emissions, 1) as Tensor2D[]);
  const maskSteps = T === 1 ? [] : tf.unstack(m, 1);
  let alpha = tf.add(start, steps[0] as Tensor2D) as Tensor2D;
  const transB = tf.expandDims(trans, 0);
  for (let t = 1; t < T; t++) {
    const scores = tf.add(tf.add(tf.expandDims(alpha, 2), transB), tf.expandDims(steps[t] as Tensor2D, 1));
    const nextAlpha = tf.logSumExp(scores, 1);
    const mt = tf.expandDims(maskSteps[t] as Tensor1D, 1);
    alpha = tf.add(tf.mul(nextAlpha, mt), tf.mul(alpha, tf.sub(1, mt))) as Tensor2D;
  }
  return tf.logSumExp(tf.add(alpha, end), 1) as Tensor1D;
}
