import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { BOS_ID, EmptyInputError, EOS_ID, PAD_ID, UNK_ID, type Vocabulary } from '@nlpkit/core';
import { embedding, type CellState } from '@nlpkit/rnn';
import { gatherRows, logSoftmax } from '@nlpkit/tensor';
import type { DecoderSession, DecoderStepOutput } from '../decode/decoderSession.js';
import { checkIdList } from '../data/seq2seqBatch.js';
import { PKG, Seq2seqOptionError, Seq2seqShapeError } from '../errors.js';
import { type AttentionMemory, gatheredMemory, readsRowsInPlace } from './attention.js';
import { decoderCells, decoderStep, outputLogits, projectEmbedded } from './decoderStep.js';
import { encodeSource } from './encodeSource.js';
import type { Seq2seqParams } from './initSeq2seq.js';
import { checkSeq2seqConfig, type Seq2seqConfig } from './seq2seqConfig.js';

/** A model: its config and parameters (from `trainSeq2seq`, `initSeq2seq` or `decodeSeq2seq`). */
export interface Seq2seqModel {
  readonly config: Seq2seqConfig;
  readonly params: Seq2seqParams;
}

/** A model with its two vocabularies: what translating text needs and what `encodeSeq2seq` stores. */
export interface Seq2seqTranslator extends Seq2seqModel {
  readonly sourceVocabulary: Vocabulary;
  readonly targetVocabulary: Vocabulary;
}

/**
 * A decoder state of {@link seq2seqDecoderSession}: per row, the source it decodes and the decoder's recurrent
 * state (tensors, owned by whoever holds the state; free with `session.disposeState`).
 */
export interface Seq2seqDecoderState {
  readonly rows: number;
  /** Source index of every row. */
  readonly sources: Int32Array;
  /** `[rows, H]` hidden state per decoder layer. */
  readonly h: readonly Tensor2D[];
  /** `[rows, H]` LSTM cell state per decoder layer (empty for GRU). */
  readonly c: readonly Tensor2D[];
  /** `[rows, H]` previous attentional state (input feeding), else null. */
  readonly feed: Tensor2D | null;
}

function checkRows(value: unknown, argument: string, limit: number, what: string): Int32Array {
  if (!(value instanceof Int32Array)) throw new Seq2seqOptionError({ argument, expected: 'an Int32Array', found: value });
  value.forEach((v, i) => {
    if (v < 0 || v >= limit) throw new Seq2seqShapeError({ argument: `${argument}[${i}]`, expected: `${what} from 0 to ${limit - 1}`, found: v });
  });
  return value;
}

/**
 * Binds a model to a batch of source sentences (token ids, as the encoder reads them — `encodeSource` of a
 * vocabulary ends each with `</s>`): the batch is encoded once, and its memory, keys and bridged initial states
 * are kept until {@link DecoderSession.dispose}. Every decoding strategy runs on the returned session.
 *
 * `step` gives natural-log probabilities renormalized without `<pad>` and `<s>` (both `-Infinity`) and the
 * attention weights over each row's source (exactly 0 on padding; uniform over the valid positions for a model
 * without attention).
 * @throws EmptyInputError for no sources or an empty one; Seq2seqShapeError for an id out of the source vocabulary
 */
export function seq2seqDecoderSession(model: Seq2seqModel, sources: readonly (readonly number[])[]): DecoderSession<Seq2seqDecoderState> {
  const config = checkSeq2seqConfig(model.config, 'model.config');
  const params = model.params;
  if (!Array.isArray(sources) || sources.length === 0) throw new EmptyInputError({ package: PKG, argument: 'sources', expected: 'at least one source sentence' });
  sources.forEach((s, i) => checkIdList(s, `sources[${i}]`, config.sourceVocabSize, false));
  const N = sources.length;
  const lengths = sources.map((s) => s.length);
  const S = Math.max(...lengths);
  const V = config.targetVocabSize;
  const ids = new Int32Array(N * S);
  sources.forEach((s, i) => ids.set(s, i * S));
  const lstm = config.cell === 'lstm';
  const kept = tf.tidy(() => {
    const enc = encodeSource(config, params, { ids: tf.tensor2d(ids, [N, S], 'int32'), lengths });
    const forbid = new Float32Array(V);
    forbid[PAD_ID] = -Infinity;
    forbid[BOS_ID] = -Infinity;
    return {
      // The output bias with −∞ at the tokens never emitted (b + 0 = b elsewhere: the same logits, one add fewer per step).
      outputBias: tf.add(params['output.b'] as Tensor1D, tf.tensor1d(forbid)) as Tensor1D,
      values: enc.memory.values,
      keys: enc.memory.keys,
      mask: enc.memory.mask,
      h: enc.initial.map((s) => s.h),
      c: lstm ? enc.initial.map((s) => s.c as Tensor2D) : [],
    };
  });
  // Layer 0's weight split (embedding rows / context rows) once per session, not once per step.
  const decoder = decoderCells(config, params);
  const owned = [decoder.embedding.wIh, decoder.extra].filter((t): t is Tensor2D => t !== null && !Object.values(params).includes(t));
  // The attention memory of the rows. Additive attention reads each row's source in the per-source memory (`rows`:
  // no copy per hypothesis); the other types get the rows gathered, again only when the rows' sources change (beam
  // search reorders hypotheses within a source, so between finishes every step reuses the same gather).
  const inPlace = readsRowsInPlace(config.attention);
  let memoryCache: { sources: Int32Array; memory: AttentionMemory; owned: Tensor[] } | undefined;
  const memoryOf = (sources: Int32Array): AttentionMemory => {
    const cached = memoryCache;
    if (cached !== undefined && cached.sources.length === sources.length && cached.sources.every((x, i) => x === sources[i])) return cached.memory;
    const perSource = { values: kept.values, keys: kept.keys, mask: kept.mask };
    const rows = tf.tensor1d(sources, 'int32');
    const memory: AttentionMemory = inPlace ? { ...perSource, rows } : tf.tidy(() => ({ ...gatheredMemory(perSource, rows) }));
    if (!inPlace) rows.dispose();
    if (cached !== undefined) tf.dispose(cached.owned);
    memoryCache = { sources: Int32Array.from(sources), memory, owned: inPlace ? [rows] : [memory.values, memory.keys, memory.mask] };
    return memory;
  };
  let disposed = false;
  const all = (state: Seq2seqDecoderState): Tensor[] => [...state.h, ...state.c, ...(state.feed === null ? [] : [state.feed])];
  const alive = (): void => {
    if (disposed) throw new Seq2seqOptionError({ argument: 'session', expected: 'not disposed', foundText: 'a disposed session' });
  };
  const checkState = (state: Seq2seqDecoderState): void => {
    if (state === null || typeof state !== 'object' || !(state.sources instanceof Int32Array) || !Array.isArray(state.h)) {
      throw new Seq2seqOptionError({ argument: 'state', expected: 'a state of this session', found: state });
    }
  };

  return {
    sourceCount: N,
    sourceLengths: lengths,
    maxSourceLength: S,
    targetVocabularySize: V,
    bosId: BOS_ID,
    eosId: EOS_ID,
    padId: PAD_ID,
    unkId: UNK_ID,
    start(rows) {
      alive();
      const src = Int32Array.from(checkRows(rows, 'sources', N, 'a source index'));
      const t = tf.tidy(() => {
        const idx = tf.tensor1d(src, 'int32');
        return {
          h: kept.h.map((x) => gatherRows(x, idx)),
          c: kept.c.map((x) => gatherRows(x, idx)),
          feed: config.inputFeeding ? [tf.zeros<tf.Rank.R2>([src.length, config.hiddenSize])] : [],
        };
      });
      return { rows: src.length, sources: src, h: t.h, c: t.c, feed: t.feed[0] ?? null };
    },
    step(state, previous): DecoderStepOutput<Seq2seqDecoderState> {
      alive();
      checkState(state);
      const prev = checkRows(previous, 'previous', V, 'a target id');
      if (prev.length !== state.rows) throw new Seq2seqShapeError({ argument: 'previous', expected: `one id per row (${state.rows})`, found: prev.length });
      const memory = memoryOf(state.sources);
      const out = tf.tidy(() => {
        const embedded = embedding(params['target.embedding'] as Tensor2D, tf.tensor1d(prev, 'int32')) as Tensor2D;
        const layers: CellState[] = state.h.map((h, k) => (lstm ? { h, c: state.c[k] as Tensor2D } : { h }));
        const carry = state.feed === null ? { layers } : { layers, feed: state.feed };
        const r = decoderStep(config, params, decoder, memory, carry, projectEmbedded(config, decoder, embedded));
        const logProbs = logSoftmax(outputLogits(config, params, r.output, kept.outputBias));
        return {
          logProbs,
          attention: r.weights,
          h: r.carry.layers.map((s) => s.h),
          c: lstm ? r.carry.layers.map((s) => s.c as Tensor2D) : [],
          feed: r.carry.feed === undefined ? [] : [r.carry.feed],
        };
      });
      return { logProbs: out.logProbs, attention: out.attention, state: { rows: state.rows, sources: state.sources, h: out.h, c: out.c, feed: out.feed[0] ?? null } };
    },
    select(state, rows) {
      alive();
      checkState(state);
      const pick = checkRows(rows, 'rows', state.rows, 'a row of the state');
      const sources = Int32Array.from(pick, (r) => state.sources[r] as number);
      const t = tf.tidy(() => {
        const idx = tf.tensor1d(pick, 'int32');
        const g = (x: Tensor2D): Tensor2D => gatherRows(x, idx);
        return { h: state.h.map(g), c: state.c.map(g), feed: state.feed === null ? [] : [g(state.feed)] };
      });
      return { rows: pick.length, sources, h: t.h, c: t.c, feed: t.feed[0] ?? null };
    },
    disposeState(state) {
      checkState(state);
      tf.dispose(all(state));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([kept.values, kept.keys, kept.mask, ...kept.h, ...kept.c, kept.outputBias, ...owned]);
      if (memoryCache !== undefined) tf.dispose(memoryCache.owned);
      memoryCache = undefined;
    },
  };
}
