import type { DecodedSequence } from './decodedSequence.js';
import type { DecoderSession } from './decoderSession.js';
import { check } from '../errors.js';
import { LN10 } from './greedyDecode.js';
import { checkLengthLimit, DEFAULT_MAX_LENGTH, resolveLengthLimits, type LengthLimit } from './lengthLimit.js';
import { blockedTokens } from './ngramBlocking.js';
import { coveragePenalty, LENGTH_PENALTIES, lengthPenalty, type LengthPenaltyKind } from './penalties.js';
import { keepRows, readStep } from './readStep.js';
import { prepareFusion, type ShallowFusion } from './shallowFusion.js';
import { checkSession } from './checkSession.js';
import { topCandidates, type Candidate } from './topCandidates.js';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions {
  /** Open hypotheses kept per source at every step, k ≥ 1 (default 5). */
  readonly beamSize?: number;
  /** Hypotheses returned per source, best first, 1 ≤ nBest ≤ beamSize (default 1). */
  readonly nBest?: number;
  /** Length normalization of the final scores: `none` (default), `gnmt` (with `alpha`) or `average`. */
  readonly lengthPenalty?: LengthPenaltyKind;
  /** α of the `gnmt` length penalty `((5 + |Y|) / 6)^α` (default 0.6). */
  readonly alpha?: number;
  /** β of GNMT's coverage penalty `β · Σ_i ln min(Σ_j a_ij, 1)`, from the attention weights (default 0: off). */
  readonly beta?: number;
  /** No hypothesis contains the same n-gram of this size twice (default 0: no blocking). */
  readonly noRepeatNgramSize?: number;
  /** Most target tokens, `</s>` not counted; open hypotheses are returned unfinished there (default `2·|src| + 10`). */
  readonly maxLength?: LengthLimit;
  /** Fewest target tokens before `</s>` may be chosen (default 0). */
  readonly minLength?: LengthLimit;
  /** Shallow fusion with a target-side language model; LM states are carried and branched per hypothesis. */
  readonly fusion?: ShallowFusion;
  /** Stops decoding (rejecting with the signal's reason) before the next decoder step once aborted. */
  readonly signal?: AbortSignal;
}

// A hypothesis's attention rows are a linked list shared with the hypotheses it branched into, so extending a
// hypothesis copies nothing but one row.
interface AttentionNode {
  readonly row: Float32Array;
  readonly parent: AttentionNode | null;
}

interface Hypothesis {
  readonly ids: number[];
  readonly attention: AttentionNode | null;
  readonly steps: number;
  readonly logProb: number;
  readonly lmLog10Prob: number;
  /** What the search ranks open hypotheses by: `logProb + λ·ln10·lmLog10Prob`. */
  readonly fused: number;
  readonly coverage: Float64Array | null;
  readonly lmState: unknown;
}

interface Finished extends Hypothesis {
  readonly finished: boolean;
  readonly score: number;
  readonly order: number;
}

/**
 * Beam search over all sources at once: every step feeds all open hypotheses of all sources (`sources × beam`
 * rows) to one decoder step. Each source keeps its `beamSize` best open hypotheses; a candidate ending in `</s>`
 * that ranks inside the beam is set aside as finished (OpenNMT's handling), and a source stops when its
 * `nBest`-th best finished score is at least the best open hypothesis's score as if it ended now, or at the
 * maximum length (its open hypotheses are then returned unfinished, scored at that length). With no length or
 * coverage penalty this stopping rule is exact: scores only fall as hypotheses grow.
 *
 * Final scores: `fused / lengthPenalty(|Y|) + coveragePenalty`, `|Y|` the decoder steps (`</s>` included).
 * Candidates within a step all have the same length, so open hypotheses are ranked by the fused log-probability.
 * Ties go to the lower row, then the lower token id (so `beamSize: 1` is exactly {@link greedyDecode}).
 *
 * Returns, per source in the session's order, its n-best list, best first.
 */
export async function beamSearch<S>(session: DecoderSession<S>, options: BeamSearchOptions = {}): Promise<DecodedSequence[][]> {
  checkSession(session);
  const opts = check.options(options, 'options', [
    'beamSize', 'nBest', 'lengthPenalty', 'alpha', 'beta', 'noRepeatNgramSize', 'maxLength', 'minLength', 'fusion', 'signal',
  ]);
  const k = check.integer(opts.beamSize ?? 5, 'options.beamSize', 1);
  const nBest = check.integer(opts.nBest ?? 1, 'options.nBest', 1);
  if (nBest > k) throw check.invalid(nBest, 'options.nBest', `at most options.beamSize (${k})`);
  const penalty = check.oneOf(opts.lengthPenalty ?? 'none', 'options.lengthPenalty', LENGTH_PENALTIES);
  const alpha = check.number(opts.alpha ?? 0.6, 'options.alpha', 0);
  const beta = check.number(opts.beta ?? 0, 'options.beta', 0);
  const ngram = check.integer(opts.noRepeatNgramSize ?? 0, 'options.noRepeatNgramSize', 0);
  const limits = resolveLengthLimits(
    session,
    checkLengthLimit(opts.minLength ?? 0, 'options.minLength'),
    checkLengthLimit(opts.maxLength ?? DEFAULT_MAX_LENGTH, 'options.maxLength'),
  );
  const fusion = opts.fusion === undefined ? undefined : prepareFusion(opts.fusion, session.targetVocabularySize, session);
  const lmWeight = fusion === undefined ? 0 : fusion.weight * LN10;
  const vocab = session.targetVocabularySize;
  const width = session.maxSourceLength;

  const score = (h: Hypothesis): number => h.fused / lengthPenalty(penalty, alpha, h.steps) + (h.coverage === null ? 0 : coveragePenalty(beta, h.coverage));
  const finished: Finished[][] = [];
  let order = 0;
  const finish = (s: number, h: Hypothesis, ended: boolean): void => {
    finished[s]!.push({ ...h, finished: ended, score: score(h), order: order++ });
  };
  const best = (s: number): Finished[] => finished[s]!.sort((a, b) => b.score - a.score || a.order - b.order);

  // open[s]: the open hypotheses of source s, rows of the decoder state in source order.
  let open: Hypothesis[][] = [];
  const active: number[] = [];
  for (let s = 0; s < session.sourceCount; s++) {
    finished.push([]);
    const empty: Hypothesis = {
      ids: [],
      attention: null,
      steps: 0,
      logProb: 0,
      lmLog10Prob: 0,
      fused: 0,
      coverage: beta > 0 ? new Float64Array(session.sourceLengths[s]!) : null,
      lmState: fusion?.startState(),
    };
    if (limits.max[s]! > 0) {
      active.push(s);
      open.push([empty]);
    } else {
      finish(s, empty, false);
    }
  }
  let sources = active;
  if (sources.length > 0) {
    let state = session.start(Int32Array.from(sources));
    let previous = new Int32Array(sources.length).fill(session.bosId);
    try {
      while (sources.length > 0) {
        const out = await readStep(session, state, previous, opts.signal);
        session.disposeState(state);
        state = out.state;
        const rowCount = previous.length;
        const nextSources: number[] = [];
        const nextOpen: Hypothesis[][] = [];
        const parents: number[] = [];
        const tokens: number[] = [];
        let rowBase = 0;
        for (let i = 0; i < sources.length; i++) {
          const s = sources[i]!;
          const hyps = open[i]!;
          const length = session.sourceLengths[s]!;
          const lms = fusion === undefined ? undefined : hyps.map((h) => fusion.log10ProbsOf(h.lmState));
          const candidates: Candidate[] = topCandidates(
            hyps.length,
            vocab,
            2 * k,
            (h) => ({
              base: hyps[h]!.fused,
              blocked: blockedTokens(hyps[h]!.ids, ngram),
              noEos: hyps[h]!.ids.length < limits.min[s]!,
            }),
            (h) => {
              const tm = out.logProbs.subarray((rowBase + h) * vocab, (rowBase + h + 1) * vocab);
              if (lmWeight === 0) return tm;
              const lm = lms![h]!;
              return Float64Array.from(tm, (x, v) => x + lmWeight * lm[v]!);
            },
            session.eosId,
          );
          const kept: Hypothesis[] = [];
          for (const c of candidates) {
            if (kept.length >= k) break;
            const parent = hyps[c.row]!;
            const row = rowBase + c.row;
            const attentionRow = out.attention.slice(row * width, row * width + length);
            let coverage: Float64Array | null = null;
            if (parent.coverage !== null) {
              coverage = Float64Array.from(parent.coverage);
              for (let p = 0; p < length; p++) coverage[p]! += attentionRow[p]!;
            }
            const child: Hypothesis = {
              ids: c.token === session.eosId ? parent.ids : [...parent.ids, c.token],
              attention: { row: attentionRow, parent: parent.attention },
              steps: parent.steps + 1,
              logProb: parent.logProb + out.logProbs[row * vocab + c.token]!,
              lmLog10Prob: parent.lmLog10Prob + (lms === undefined ? 0 : lms[c.row]![c.token]!),
              fused: c.score,
              coverage,
              lmState: parent.lmState,
            };
            if (c.token === session.eosId) {
              finish(s, child, true);
            } else {
              kept.push(fusion === undefined ? child : { ...child, lmState: fusion.advance(parent.lmState, c.token) });
              parents.push(row);
              tokens.push(c.token);
            }
          }
          rowBase += hyps.length;
          if (done(s, kept, hyps)) {
            // Drop this source's rows from the next step.
            parents.length -= kept.length;
            tokens.length -= kept.length;
          } else {
            nextSources.push(s);
            nextOpen.push(kept);
          }
        }
        state = keepRows(session, state, Int32Array.from(parents), rowCount);
        sources = nextSources;
        open = nextOpen;
        previous = Int32Array.from(tokens);
      }
    } finally {
      session.disposeState(state);
    }
  }
  return finished.map((_, s) =>
    best(s)
      .slice(0, nBest)
      .map((h) => ({
        ids: h.ids,
        finished: h.finished,
        logProb: h.logProb,
        lmLog10Prob: h.lmLog10Prob,
        score: h.score,
        attention: attentionRows(h.attention),
      })),
  );

  // Whether source s stops after this step; at the maximum length its open hypotheses are finished unfinished.
  // When no token can extend any open hypothesis (all blocked or impossible) and none has finished, the
  // hypotheses of the step before are returned, unfinished, rather than nothing.
  function done(s: number, kept: Hypothesis[], before: Hypothesis[]): boolean {
    if (kept.length === 0) {
      if (finished[s]!.length === 0) for (const h of before) finish(s, h, false);
      return true;
    }
    if (kept[0]!.ids.length >= limits.max[s]!) {
      for (const h of kept) finish(s, h, false);
      return true;
    }
    const list = finished[s]!;
    if (list.length < nBest) return false;
    const worst = best(s)[nBest - 1]!.score;
    return kept.every((h) => worst >= score(h));
  }
}

function attentionRows(node: AttentionNode | null): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let n = node; n !== null; n = n.parent) rows.push(n.row);
  return rows.reverse();
}
