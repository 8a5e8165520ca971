import { NlpkitError, tokenTexts, type TokenLike } from '@nlpkit/core';
import { PKG } from './errors.js';

// Tercom's limits, which sacreBLEU keeps: a shifted block is at most 10 words long and moves at most 50
// positions, the edit-distance search stays in a beam of 25 cells around the diagonal, and one sentence pair
// evaluates at most 1000 shift candidates in total.
const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;
const MAX_CACHE_SIZE = 10000;
const INFINITY = 1e16;

// Edit operations in a trace, rewriting the hypothesis into the reference.
const NOP = 0;
const SUB = 1;
const INS = 2; // consumes a reference word
const DEL = 3; // consumes a hypothesis word
const UNDEF = 4;

/** The number of edits (shifts included) that turn the hypothesis into the reference, and the reference length. */
export interface TerEdits {
  readonly edits: number;
  readonly refLength: number;
}

interface Row {
  readonly cost: Float64Array;
  readonly op: Uint8Array;
}

interface CacheNode {
  readonly children: Map<string, { readonly node: CacheNode; readonly row: Row }>;
}

/**
 * Word-level Levenshtein distance to a fixed reference, searched in a beam around the (length-ratio) diagonal
 * as sacreBLEU does, with a trie of computed rows keyed by hypothesis prefixes: shift candidates share long
 * prefixes, so most rows are reused. Returns the distance and the trace of operations.
 */
function createBeamEditDistance(ref: readonly string[]): (hyp: readonly string[]) => [number, Uint8Array] {
  const nRef = ref.length;
  const initial: Row = { cost: new Float64Array(nRef + 1), op: new Uint8Array(nRef + 1).fill(INS) };
  for (let j = 0; j <= nRef; j++) initial.cost[j] = j;
  const root: CacheNode = { children: new Map() };
  let cacheSize = 0;

  return (hyp) => {
    const n = hyp.length;
    // Reuse rows for the longest cached prefix of the hypothesis.
    const rows: Row[] = [initial];
    let node = root;
    for (const word of hyp) {
      const hit = node.children.get(word);
      if (!hit) break;
      rows.push(hit.row);
      node = hit.node;
    }
    const start = rows.length - 1;
    const lengthRatio = n > 0 ? nRef / n : 1;
    // For very unequal lengths, widen the beam so that consecutive rows still overlap.
    const beam = BEAM_WIDTH < lengthRatio / 2 ? Math.ceil(lengthRatio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
    for (let i = start + 1; i <= n; i++) {
      const cost = new Float64Array(nRef + 1).fill(INFINITY);
      const op = new Uint8Array(nRef + 1).fill(UNDEF);
      const prev = rows[i - 1] as Row;
      const diag = Math.floor(i * lengthRatio);
      const minJ = Math.max(0, diag - beam);
      const maxJ = i === n ? nRef + 1 : Math.min(nRef + 1, diag + beam);
      const word = hyp[i - 1];
      for (let j = minJ; j < maxJ; j++) {
        if (j === 0) {
          cost[0] = (prev.cost[0] as number) + 1;
          op[0] = DEL;
          continue;
        }
        // Tercom prefers match/substitution, then insertion, then deletion; because the trace is read in
        // reverse (reference into hypothesis), deletion is tried before insertion here, as in sacreBLEU.
        const same = word === ref[j - 1];
        const viaDiag = (prev.cost[j - 1] as number) + (same ? 0 : 1);
        if ((cost[j] as number) > viaDiag) {
          cost[j] = viaDiag;
          op[j] = same ? NOP : SUB;
        }
        const viaDel = (prev.cost[j] as number) + 1;
        if ((cost[j] as number) > viaDel) {
          cost[j] = viaDel;
          op[j] = DEL;
        }
        const viaIns = (cost[j - 1] as number) + 1;
        if ((cost[j] as number) > viaIns) {
          cost[j] = viaIns;
          op[j] = INS;
        }
      }
      rows.push({ cost, op });
    }
    // Remember the new rows under their hypothesis prefix.
    if (cacheSize < MAX_CACHE_SIZE) {
      let at = root;
      for (let i = 0; i < start; i++) at = (at.children.get(hyp[i] as string) as { node: CacheNode }).node;
      for (let i = start; i < n; i++) {
        const word = hyp[i] as string;
        let entry = at.children.get(word);
        if (!entry) {
          entry = { node: { children: new Map() }, row: rows[i + 1] as Row };
          at.children.set(word, entry);
          cacheSize += 1;
        }
        at = entry.node;
      }
    }
    // Walk back from the last cell to read the operations.
    const trace: number[] = [];
    let i = n;
    let j = nRef;
    while (i > 0 || j > 0) {
      const o = (rows[i] as Row).op[j] as number;
      trace.push(o);
      if (o === NOP || o === SUB) {
        i -= 1;
        j -= 1;
      } else if (o === INS) {
        j -= 1;
      } else if (o === DEL) {
        i -= 1;
      } else {
        throw new NlpkitError('ERR_INTERNAL', { package: PKG, message: 'TER edit-distance beam lost the alignment (please report this input)' });
      }
    }
    trace.reverse();
    return [(rows[n] as Row).cost[nRef] as number, Uint8Array.from(trace)];
  };
}

/** Moves `words[start, start + length)` so that it begins before index `target` of the original sequence. */
function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  const block = words.slice(start, start + length);
  if (target < start) {
    return [...words.slice(0, target), ...block, ...words.slice(target, start), ...words.slice(start + length)];
  }
  if (target > start + length) {
    return [...words.slice(0, start), ...words.slice(start + length, target), ...block, ...words.slice(target)];
  }
  return [...words.slice(0, start), ...words.slice(start + length, length + target), ...block, ...words.slice(length + target)];
}

interface ShiftResult {
  readonly gain: number;
  readonly words: readonly string[];
  readonly checked: number;
}

/** Finds the shift that lowers the edit distance most, ranking ties as Tercom does. */
function bestShift(
  hyp: readonly string[],
  ref: readonly string[],
  editDistance: (hyp: readonly string[]) => [number, Uint8Array],
  checkedBefore: number,
): ShiftResult {
  const [before, trace] = editDistance(hyp);
  // The alignment reads the trace as rewriting the reference into the hypothesis: insertions and deletions swap.
  const align = new Int32Array(ref.length);
  const refErr = new Uint8Array(ref.length);
  const hypErr = new Uint8Array(hyp.length);
  let posHyp = -1;
  let posRef = -1;
  for (const op of trace) {
    if (op === NOP || op === SUB) {
      posHyp += 1;
      posRef += 1;
      align[posRef] = posHyp;
      if (op === SUB) {
        hypErr[posHyp] = 1;
        refErr[posRef] = 1;
      }
    } else if (op === DEL) {
      posHyp += 1;
      hypErr[posHyp] = 1;
    } else {
      posRef += 1;
      align[posRef] = posHyp;
      refErr[posRef] = 1;
    }
  }
  let checked = checkedBefore;
  let best: { gain: number; length: number; start: number; idx: number; words: string[] } | undefined;
  const anyError = (errors: Uint8Array, from: number, length: number): boolean => {
    for (let k = from; k < from + length && k < errors.length; k++) if (errors[k]) return true;
    return false;
  };
  outer: for (let startH = 0; startH < hyp.length; startH++) {
    for (let startR = 0; startR < ref.length; startR++) {
      if (Math.abs(startR - startH) > MAX_SHIFT_DIST) continue;
      // Every common block hyp[startH..] = ref[startR..] of length 1..10 is a candidate.
      for (let length = 1; length <= MAX_SHIFT_SIZE; length++) {
        if (hyp[startH + length - 1] !== ref[startR + length - 1]) break;
        // Shift only words that are wrong where they are, onto reference words that are not yet matched,
        // and never within the block itself.
        const skip =
          !anyError(hypErr, startH, length) ||
          !anyError(refErr, startR, length) ||
          (startH <= (align[startR] as number) && (align[startR] as number) < startH + length);
        if (!skip) {
          let prevIdx = -1;
          for (let offset = -1; offset < length; offset++) {
            let idx: number;
            if (startR + offset === -1) idx = 0;
            else if (startR + offset < ref.length) idx = (align[startR + offset] as number) + 1;
            else break;
            if (idx === prevIdx) continue;
            prevIdx = idx;
            const words = performShift(hyp, startH, length, idx);
            const gain = before - (editDistance(words)[0] as number);
            checked += 1;
            // Rank: largest gain, then longest block, then earliest block, then earliest target.
            if (
              !best ||
              gain > best.gain ||
              (gain === best.gain &&
                (length > best.length ||
                  (length === best.length && (startH < best.start || (startH === best.start && idx < best.idx)))))
            ) {
              best = { gain, length, start: startH, idx, words };
            }
          }
        }
        if (checked >= MAX_SHIFT_CANDIDATES) break outer;
        if (startH + length === hyp.length || startR + length === ref.length) break;
      }
    }
  }
  return best ? { gain: best.gain, words: best.words, checked } : { gain: 0, words: hyp, checked };
}

/**
 * Translation edit rate statistics of one tokenized sentence pair, as sacreBLEU computes them: greedily apply
 * the best block shift while it lowers the edit distance (each applied shift costs one edit), then add the
 * remaining word-level edit distance. An empty reference gives `edits = hypothesis length`, `refLength = 0`.
 * Tokens are strings or text's `Token`s (their `text` is compared).
 *
 * @example
 * translationEditRate(['now', 'we', 'go'], ['we', 'go', 'now']) // { edits: 1, refLength: 3 }: one shift
 */
export function translationEditRate(hypothesisTokens: readonly TokenLike[], referenceTokens: readonly TokenLike[]): TerEdits {
  const hypothesis = tokenTexts(hypothesisTokens, 'hypothesis', PKG);
  const reference = tokenTexts(referenceTokens, 'reference', PKG);
  if (reference.length === 0) return { edits: hypothesis.length, refLength: 0 };
  const editDistance = createBeamEditDistance(reference);
  let words = hypothesis;
  let shifts = 0;
  let checked = 0;
  for (;;) {
    const shift = bestShift(words, reference, editDistance, checked);
    checked = shift.checked;
    // Like sacreBLEU, a search cut short by the candidate limit discards its result.
    if (checked >= MAX_SHIFT_CANDIDATES || shift.gain <= 0) break;
    shifts += 1;
    words = shift.words;
  }
  return { edits: shifts + editDistance(words)[0], refLength: reference.length };
}
