import { createRng, type Rng } from '@nlpkit/core';
import type { DecodedSequence } from './decodedSequence.js';
import type { DecoderSession } from './decoderSession.js';
import { check } from '../errors.js';
import { checkLengthLimit, DEFAULT_MAX_LENGTH, resolveLengthLimits, type LengthLimit } from './lengthLimit.js';
import { keepRows, readStep } from './readStep.js';
import { checkSession } from './checkSession.js';

/** Options of {@link sampleDecode}. */
export interface SampleDecodeOptions {
  /** A seed or a seeded `Rng` from `@nlpkit/core`'s `createRng`; the same seed gives the same samples. */
  readonly rng: number | Rng;
  /** Divides the log-probabilities before sampling, > 0: below 1 sharper, above 1 flatter (default 1). */
  readonly temperature?: number;
  /** Sample only among the k most probable tokens (default: all). */
  readonly topK?: number;
  /** Sample only from the smallest set of most probable tokens whose probability reaches p, in (0, 1] (default 1). */
  readonly topP?: number;
  /** Most target tokens, `</s>` not counted; longer samples are cut and returned unfinished (default `2·|src| + 10`). */
  readonly maxLength?: LengthLimit;
  /** Fewest target tokens before `</s>` may be drawn (default 0). */
  readonly minLength?: LengthLimit;
  /** Stops decoding (rejecting with the signal's reason) before the next decoder step once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Samples one target sentence per source (all sources batched in one decoder step), with temperature, top-k and
 * top-p (nucleus) filtering applied in that order, `<pad>` and `<s>` never drawn. Rows draw from the one `rng` in
 * row order, so a seed reproduces the whole batch. `logProb` is the model's (untempered) log-probability of the
 * sample; `score` equals it.
 *
 * @example
 * const outputs = await sampleDecode(session, { rng: 7, temperature: 0.8, topP: 0.9 });
 */
export async function sampleDecode<S>(session: DecoderSession<S>, options: SampleDecodeOptions): Promise<DecodedSequence[]> {
  checkSession(session);
  const opts = check.options(options, 'options', ['rng', 'temperature', 'topK', 'topP', 'maxLength', 'minLength', 'signal']);
  const rng = typeof opts.rng === 'number' ? createRng(check.integer(opts.rng, 'options.rng')) : opts.rng;
  if (rng === null || typeof rng !== 'object' || typeof rng.next !== 'function') {
    throw check.invalid(opts.rng, 'options.rng', 'a seed or an Rng');
  }
  const temperature = opts.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw check.invalid(temperature, 'options.temperature', 'a finite number > 0');
  }
  const topK = check.integer(opts.topK ?? Number.MAX_SAFE_INTEGER, 'options.topK', 1);
  const topP = opts.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw check.invalid(topP, 'options.topP', 'a number in (0, 1]');
  const limits = resolveLengthLimits(
    session,
    checkLengthLimit(opts.minLength ?? 0, 'options.minLength'),
    checkLengthLimit(opts.maxLength ?? DEFAULT_MAX_LENGTH, 'options.maxLength'),
  );
  const results = Array.from({ length: session.sourceCount }, () => ({
    ids: [] as number[],
    attention: [] as Float32Array[],
    logProb: 0,
    lmLog10Prob: 0,
    score: 0,
    finished: false,
  }));
  let sources = results.map((_, s) => s).filter((s) => limits.max[s]! > 0);
  if (sources.length === 0) return results;
  const vocab = session.targetVocabularySize;
  const width = session.maxSourceLength;
  let state = session.start(Int32Array.from(sources));
  let previous = new Int32Array(sources.length).fill(session.bosId);
  const weights = new Float64Array(vocab);
  const order: number[] = [];
  try {
    while (sources.length > 0) {
      const out = await readStep(session, state, previous, opts.signal);
      session.disposeState(state);
      state = out.state;
      const kept: number[] = [];
      const nextSources: number[] = [];
      const tokens: number[] = [];
      for (let r = 0; r < sources.length; r++) {
        const s = sources[r]!;
        const result = results[s]!;
        const noEos = result.ids.length < limits.min[s]!;
        const o = r * vocab;
        let best = -Infinity;
        order.length = 0;
        for (let v = 0; v < vocab; v++) {
          const lp = out.logProbs[o + v]!;
          if (!(lp > -Infinity) || v === session.padId || v === session.bosId || (noEos && v === session.eosId)) continue;
          order.push(v);
          if (lp > best) best = lp;
        }
        if (order.length === 0) continue; // nothing can be drawn: stop, unfinished
        // Weights relative to the best token avoid underflow at low temperatures.
        for (const v of order) weights[v] = Math.exp((out.logProbs[o + v]! - best) / temperature);
        order.sort((a, b) => weights[b]! - weights[a]! || a - b);
        let n = Math.min(order.length, topK);
        if (topP < 1) {
          let total = 0;
          for (let i = 0; i < n; i++) total += weights[order[i]!]!;
          let mass = 0;
          let m = 0;
          while (m < n && mass < topP * total) mass += weights[order[m++]!]!;
          n = Math.max(1, m);
        }
        let total = 0;
        for (let i = 0; i < n; i++) total += weights[order[i]!]!;
        let target = rng.next() * total;
        let choice = order[n - 1]!;
        for (let i = 0; i < n; i++) {
          target -= weights[order[i]!]!;
          if (target < 0) {
            choice = order[i]!;
            break;
          }
        }
        result.attention.push(out.attention.slice(r * width, r * width + session.sourceLengths[s]!));
        result.logProb += out.logProbs[o + choice]!;
        result.score = result.logProb;
        if (choice === session.eosId) {
          result.finished = true;
          continue;
        }
        result.ids.push(choice);
        if (result.ids.length >= limits.max[s]!) continue;
        kept.push(r);
        nextSources.push(s);
        tokens.push(choice);
      }
      state = keepRows(session, state, Int32Array.from(kept), sources.length);
      sources = nextSources;
      previous = Int32Array.from(tokens);
    }
  } finally {
    session.disposeState(state);
  }
  return results;
}
