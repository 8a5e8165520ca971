import { type Float32Scratch, float32Bytes, float32BytesAt, float32Scratch } from './float32Bytes.js';
import { writeDigits } from './asciiDigits.js';
import { check } from './errors.js';
import type { ScoredLine } from './utf8TextScorer.js';

/** The id KenLM gives `</s>`, and the text before it. */
const EOS_TEXT = [...'</s>=2 '].map((c) => c.charCodeAt(0));
const TOTAL_TEXT = [...'Total: '].map((c) => c.charCodeAt(0));
const OOV_TEXT = [...' OOV: '].map((c) => c.charCodeAt(0));

/**
 * The text of KenLM's `query` (its default output, `-v word`, `sentence` and `summary` together) for lines scored by
 * a {@link Utf8TextScorer} with `onLine`: per line, `word=id ngram-length log10p` for each token and `</s>`, tab after
 * each, then `Total: log10p OOV: n`; at the end, {@link summary}. Numbers are written as KenLM writes them: each
 * token's float32 log10 probability and the line's float32 total in the shortest form that reads back to the same
 * float (`-inf` for −∞), and the perplexities as doubles; the corpus figures are added up as KenLM adds them (line
 * totals in float32, the corpus in double), so on the same model and text the output is KenLM's byte for byte.
 * Two differences, both KenLM's quirks: a last line with no newline is scored with its `</s>` (KenLM prints its words
 * and drops it from the totals), and bytes that are not UTF-8 are copied as they are (KenLM too) — a caller decoding
 * the output to a string sees U+FFFD there.
 *
 * @example
 * const text = new KenlmQueryText();
 * const out = new Uint8Array(1 << 20);
 * let at = 0;
 * const scorer = new Utf8TextScorer(model, { onLine: (line) => (at = text.line(line, out, at)) });
 * scorer.push(bytes);
 * scorer.flush();
 * const report = new TextDecoder().decode(out.subarray(0, at)) + text.summary();
 */
export class KenlmQueryText {
  readonly #scratch: Float32Scratch = float32Scratch();
  #total = 0;
  #oovTotal = 0;
  #oov = 0;
  #tokens = 0;
  #lines = 0;
  /** With `record`: each line's total and each OOV token's log10 probability, in the text's order. */
  readonly #recorded: { lineTotals: GrowingFloats; oovLog10Probs: GrowingFloats } | undefined;

  /**
   * @param options.record Keep what {@link summary} adds up, line by line ({@link takeRecorded}), so that the text of a
   * later part of a text can be formatted on another thread and its figures added, in order, to the formatter of the
   * part before ({@link addRecorded}): the sums are then made as one formatter over the whole text makes them.
   */
  constructor(options: { readonly record?: boolean } = {}) {
    check.options(options, 'options', ['record']);
    const record = options.record ?? false;
    if (typeof record !== 'boolean') throw check.invalid(record, 'options.record', 'a boolean');
    this.#recorded = record ? { lineTotals: new GrowingFloats(), oovLog10Probs: new GrowingFloats() } : undefined;
  }

  /** Lines formatted or added so far. */
  get lines(): number {
    return this.#lines;
  }

  /** The most bytes {@link line} writes for `line`. */
  static maxBytes(line: ScoredLine): number {
    let words = 0;
    for (let i = 0; i < line.count; i++) words += line.ends[i]! - line.starts[i]!;
    // Per token: '=', an id (≤ 10 digits), ' ', a length (≤ 2), ' ', a number (≤ 16), '\t'; then the Total.
    return words + (line.count + 1) * 32 + 64;
  }

  /**
   * Writes `line`'s text at `out[at..]` (room for {@link maxBytes} bytes) and returns where it ends; adds the line
   * to the corpus figures {@link summary} reports.
   */
  line(line: ScoredLine, out: Uint8Array, at: number): number {
    const { bytes, count, starts, ends, ids, log10Probs, lengths } = line;
    const f = Math.fround;
    // Each number formatted afresh: of PTB train's 929,589 token probabilities under its model, 539,480 are distinct,
    // and a cache of texts by value (as the ARPA writer keeps for backoffs) made the whole line slower.
    const scratch = this.#scratch;
    let total = 0;
    let oov = 0;
    for (let i = 0; i < count; i++) {
      for (let b = starts[i]!; b < ends[i]!; b++) out[at++] = bytes[b]!;
      out[at++] = 61; // '='
      const id = ids[i]!;
      const prob = log10Probs[i]!;
      if (id <= 0) {
        oov++;
        this.#oovTotal += prob;
        this.#recorded?.oovLog10Probs.push(prob);
        out[at++] = 48; // '0'
      } else at = writeDigits(id, out, at);
      out[at++] = 32;
      at = writeDigits(lengths[i]!, out, at);
      out[at++] = 32;
      at = float32BytesAt(log10Probs, i, out, at, scratch);
      out[at++] = 9;
      total = f(total + prob);
    }
    const end = log10Probs[count]!;
    total = f(total + end);
    for (const c of EOS_TEXT) out[at++] = c;
    at = writeDigits(lengths[count]!, out, at);
    out[at++] = 32;
    at = float32BytesAt(log10Probs, count, out, at, scratch);
    out[at++] = 9;
    for (const c of TOTAL_TEXT) out[at++] = c;
    at = float32Bytes(total, out, at, scratch);
    for (const c of OOV_TEXT) out[at++] = c;
    at = writeDigits(oov, out, at);
    out[at++] = 10;
    this.#total += total;
    this.#oov += oov;
    this.#tokens += count + 1;
    this.#lines++;
    this.#recorded?.lineTotals.push(total);
    return at;
  }

  /**
   * What a recording formatter has added up, line by line (see the constructor's `record`), since it was made or this
   * was last called; it then starts over, as a new one (its {@link summary} covers what follows only).
   */
  takeRecorded(): KenlmQueryRecord {
    const r = this.#recorded;
    if (r === undefined) throw check.invalid(false, 'options.record', 'true for a formatter whose figures are read');
    const record = { lineTotals: r.lineTotals.take(), oovLog10Probs: r.oovLog10Probs.take(), oov: this.#oov, tokens: this.#tokens };
    this.#total = 0;
    this.#oovTotal = 0;
    this.#oov = 0;
    this.#tokens = 0;
    this.#lines = 0;
    return record;
  }

  /** Adds the figures another formatter recorded — of the lines that follow those formatted here — in their order. */
  addRecorded(record: KenlmQueryRecord): void {
    const { lineTotals, oovLog10Probs } = record;
    for (let i = 0; i < lineTotals.length; i++) this.#total += lineTotals[i]!;
    for (let i = 0; i < oovLog10Probs.length; i++) this.#oovTotal += oovLog10Probs[i]!;
    this.#oov += record.oov;
    this.#tokens += record.tokens;
    this.#lines += lineTotals.length;
    this.#recorded?.lineTotals.append(lineTotals);
    this.#recorded?.oovLog10Probs.append(oovLog10Probs);
  }

  /** KenLM's summary of the lines so far: perplexity with and without OOV words, the OOV words, the tokens. */
  summary(): string {
    const tokens = this.#tokens;
    const including = 10 ** -(this.#total / tokens);
    const excluding = 10 ** -((this.#total - this.#oovTotal) / (tokens - this.#oov));
    return `Perplexity including OOVs:\t${kenlmDouble(including)}\nPerplexity excluding OOVs:\t${kenlmDouble(excluding)}\nOOVs:\t${this.#oov}\nTokens:\t${tokens}\n`;
  }
}

/**
 * The figures a recording {@link KenlmQueryText} adds up: each line's total (a float32) and each OOV token's log10
 * probability, in the text's order, and the numbers of OOV tokens and of tokens.
 */
export interface KenlmQueryRecord {
  readonly lineTotals: Float64Array;
  readonly oovLog10Probs: Float64Array;
  readonly oov: number;
  readonly tokens: number;
}

/** Doubles appended one at a time into a buffer that doubles as it fills. */
class GrowingFloats {
  #values = new Float64Array(256);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#values.length) this.#grow(this.#length + 1);
    this.#values[this.#length++] = value;
  }

  append(values: Float64Array): void {
    if (this.#length + values.length > this.#values.length) this.#grow(this.#length + values.length);
    this.#values.set(values, this.#length);
    this.#length += values.length;
  }

  /** The values so far (a copy of exactly their length); then none. */
  take(): Float64Array {
    const values = this.#values.slice(0, this.#length);
    this.#length = 0;
    return values;
  }

  #grow(needed: number): void {
    const grown = new Float64Array(Math.max(needed, this.#values.length * 2));
    grown.set(this.#values.subarray(0, this.#length));
    this.#values = grown;
  }
}

/** A double as KenLM prints it: the shortest round-trip digits (as `String`), `inf`/`-inf`/`NaN`, `1e21` not `1e+21`. */
function kenlmDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x).replace('e+', 'e');
}
