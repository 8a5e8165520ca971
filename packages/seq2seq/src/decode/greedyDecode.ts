import type { DecodedSequence } from './decodedSequence.js';
import type { DecoderSession } from './decoderSession.js';
import { check } from '../errors.js';
import { checkLengthLimit, DEFAULT_MAX_LENGTH, resolveLengthLimits, type LengthLimit } from './lengthLimit.js';
import { keepRows, readStep } from './readStep.js';
import { prepareFusion, type FusionScorer, type ShallowFusion } from './shallowFusion.js';
import { checkSession } from './checkSession.js';

/** Options of {@link greedyDecode}. */
export interface GreedyDecodeOptions {
  /** Most target tokens, `</s>` not counted; longer outputs are cut and returned unfinished (default `2·|src| + 10`). */
  readonly maxLength?: LengthLimit;
  /** Fewest target tokens before `</s>` may be chosen (default 0). */
  readonly minLength?: LengthLimit;
  /** Shallow fusion with a target-side language model. */
  readonly fusion?: ShallowFusion;
  /** Stops decoding (rejecting with the signal's reason) before the next decoder step once aborted. */
  readonly signal?: AbortSignal;
}

/** ln 10: a log10 probability times this is a natural-log one. */
export const LN10 = Math.LN10;

interface Row {
  readonly source: number;
  readonly ids: number[];
  readonly attention: Float32Array[];
  logProb: number;
  lmLog10Prob: number;
  score: number;
  lmState: unknown;
  finished: boolean;
}

/**
 * Greedy decoding: at every step each source takes its most probable next token (the lowest id on ties), all
 * sources batched in one decoder step, until `</s>` or the maximum length. Returns one sequence per source, in the
 * session's order. Sources whose maximum length is 0 get an empty, unfinished sequence without a decoder step.
 *
 * @example
 * const session = seq2seqDecoderSession(model, sources);
 * try { const [first] = await greedyDecode(session, { maxLength: 50 }); } finally { session.dispose(); }
 */
export async function greedyDecode<S>(session: DecoderSession<S>, options: GreedyDecodeOptions = {}): Promise<DecodedSequence[]> {
  checkSession(session);
  const opts = check.options(options, 'options', ['maxLength', 'minLength', 'fusion', 'signal']);
  const limits = resolveLengthLimits(
    session,
    checkLengthLimit(opts.minLength ?? 0, 'options.minLength'),
    checkLengthLimit(opts.maxLength ?? DEFAULT_MAX_LENGTH, 'options.maxLength'),
  );
  const fusion: FusionScorer | undefined = opts.fusion === undefined ? undefined : prepareFusion(opts.fusion, session.targetVocabularySize, session);
  const rows: Row[] = [];
  for (let s = 0; s < session.sourceCount; s++) {
    rows.push({ source: s, ids: [], attention: [], logProb: 0, lmLog10Prob: 0, score: 0, lmState: fusion?.startState(), finished: false });
  }
  let open = rows.filter((r) => limits.max[r.source]! > 0);
  if (open.length > 0) {
    const vocab = session.targetVocabularySize;
    const width = session.maxSourceLength;
    let state = session.start(Int32Array.from(open, (r) => r.source));
    let previous = new Int32Array(open.length).fill(session.bosId);
    try {
      while (open.length > 0) {
        const out = await readStep(session, state, previous, opts.signal);
        session.disposeState(state);
        state = out.state;
        const kept: number[] = [];
        const nextOpen: Row[] = [];
        const tokens: number[] = [];
        for (let r = 0; r < open.length; r++) {
          const row = open[r]!;
          const lm = fusion?.log10ProbsOf(row.lmState);
          const weight = fusion === undefined || fusion.weight === 0 ? 0 : fusion.weight * LN10;
          const noEos = row.ids.length < limits.min[row.source]!;
          let best = -1;
          let bestScore = -Infinity;
          for (let v = 0, o = r * vocab; v < vocab; v++) {
            if (noEos && v === session.eosId) continue;
            const value = weight === 0 ? out.logProbs[o + v]! : out.logProbs[o + v]! + weight * lm![v]!;
            if (value > bestScore) {
              bestScore = value;
              best = v;
            }
          }
          if (best < 0) continue; // every token impossible: stop, unfinished
          const length = session.sourceLengths[row.source]!;
          row.attention.push(out.attention.slice(r * width, r * width + length));
          row.logProb += out.logProbs[r * vocab + best]!;
          if (lm !== undefined) row.lmLog10Prob += lm[best]!;
          row.score += bestScore;
          if (best === session.eosId) {
            row.finished = true;
            continue;
          }
          row.ids.push(best);
          if (row.ids.length >= limits.max[row.source]!) continue;
          if (fusion !== undefined) row.lmState = fusion.advance(row.lmState, best);
          kept.push(r);
          nextOpen.push(row);
          tokens.push(best);
        }
        state = keepRows(session, state, Int32Array.from(kept), open.length);
        open = nextOpen;
        previous = Int32Array.from(tokens);
      }
    } finally {
      session.disposeState(state);
    }
  }
  return rows.map(({ ids, attention, logProb, lmLog10Prob, score, finished }) => ({ ids, attention, logProb, lmLog10Prob, score, finished }));
}
