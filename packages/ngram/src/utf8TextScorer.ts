import { EmptyInputError, FormatError, InvalidArgumentError, type ModelPerplexity } from '@nlpkit/core';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { PKG, check } from './errors.js';
import { BYTE_HASH_PRIME, BYTE_HASH_SEED, type Utf8WordTable, finishByteHash, utf8WordTable, utf8WordTableOfJoined } from './utf8WordTable.js';

/** Longest line {@link Utf8TextScorer} holds (bytes): readLines' default limit, 2^26 UTF-16 code units, as bytes. */
const MAX_LINE_BYTES = 2 ** 26;

/** Options of {@link Utf8TextScorer}. */
export interface Utf8TextScorerOptions {
  /**
   * False when the bytes pushed start inside a text (another scorer has its beginning, see {@link
   * Utf8TextScorer.sentenceTotals}): a leading byte-order mark is then text, not dropped. Default true.
   */
  readonly startsText?: boolean;
  /**
   * Keep each line's totals instead of adding them up: {@link Utf8TextScorer.sentenceTotals} returns them, to be
   * added to the scorer of the text before with {@link Utf8TextScorer.addSentenceTotals}. Default false.
   */
  readonly record?: boolean;
  /**
   * Called with every line as it is scored, word by word (what KenLM's `query` prints): the object is reused from
   * line to line, so read it before returning. Default: none.
   */
  readonly onLine?: (line: ScoredLine) => void;
}

/**
 * One line as {@link Utf8TextScorerOptions.onLine} sees it. Word i is `bytes[starts[i]..ends[i])`, with the model's
 * word index `ids[i]` (−1: not in the model, scored as `<unk>`); `log10Probs` and `lengths` hold each token's log10
 * probability (added up in float32, as KenLM's `query` computes it) and the order of the n-gram that gave it, `</s>`
 * last (index `count`). `log10Prob` is the line's total as the scorer adds it (in double precision, so it can differ
 * from their float32 sum in the last bits), `oov` the number of words not in the model.
 */
export interface ScoredLine {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly ids: Int32Array;
  readonly log10Probs: Float64Array;
  readonly lengths: Int32Array;
  readonly log10Prob: number;
  readonly oov: number;
}

/** The reused {@link ScoredLine} of a scorer with `onLine`. */
class LineRecord implements ScoredLine {
  bytes: Uint8Array = new Uint8Array(0);
  count = 0;
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  ids = new Int32Array(256);
  log10Probs = new Float64Array(257);
  lengths = new Int32Array(257);
  log10Prob = 0;
  oov = 0;

  /** Room for `words` words (and the `</s>` after them). */
  reserve(words: number): void {
    if (words < this.starts.length) return;
    const size = Math.max(words + 1, this.starts.length * 2);
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, size);
    this.ends = grow(this.ends, size);
    this.ids = grow(this.ids, size);
    this.log10Probs = grow(this.log10Probs, size + 1);
    this.lengths = grow(this.lengths, size + 1);
  }
}

/**
 * Per-line totals of a recording {@link Utf8TextScorer}, line by line: the line's log10 probability, the part of
 * it that OOV words gave, its OOV count and its tokens (words + `</s>`).
 */
export interface SentenceTotals {
  readonly count: number;
  readonly log10Prob: Float64Array;
  readonly oovLog10Prob: Float64Array;
  readonly oov: Int32Array;
  readonly tokens: Int32Array;
}

/**
 * Perplexity of UTF-8 text read as bytes — one sentence per line, words split as KenLM's `query` splits them —
 * with no string made for a line or a word: each word's bytes are hashed as they are scanned and found in a
 * byte-keyed table of the model's words, and each line is scored by {@link BackoffLanguageModel.scoreIds}. The
 * result is `evaluatePerplexity(model, sentences)` over the lines that `readLines` (UTF-8, a leading byte-order
 * mark dropped, LF or CRLF line ends, a last line without one kept) and `kenlmWords(line, 'query')` give, bit for
 * bit: the same sums in the same order. This is what `nlpkit ngram eval` runs.
 *
 * Feed the bytes in chunks of any size with {@link push}, then call {@link end}.
 *
 * A text can be cut at line starts and scored in parts, on several threads: the scorers of the later parts
 * record each line's totals (`{ startsText: false, record: true }`), and the first part's scorer adds them in
 * order ({@link addSentenceTotals}) before its {@link end}. The sums are then made in the same order as by one
 * scorer over the whole text, so the result is the same bit for bit.
 */
export class Utf8TextScorer {
  readonly #model: BackoffLanguageModel;
  readonly #table: Utf8WordTable;
  #words = new Int32Array(256);
  readonly #out = new Float64Array(3);
  /** Bytes of a line begun in an earlier chunk. */
  #tail = new Uint8Array(0);
  #tailLength = 0;
  #first = true;
  #log10Prob = 0;
  #oovLog10Prob = 0;
  #tokens = 0;
  #oov = 0;
  #sentences = 0;
  #decoder: TextDecoder | undefined;
  readonly #record: boolean;
  readonly #onLine: ((line: ScoredLine) => void) | undefined;
  readonly #lineRecord: LineRecord | undefined;
  #recorded: { log10Prob: Float64Array; oovLog10Prob: Float64Array; oov: Int32Array; tokens: Int32Array } | undefined;

  constructor(model: BackoffLanguageModel, options: Utf8TextScorerOptions = {}) {
    if (!(model instanceof BackoffLanguageModel)) throw check.invalid(model, 'model', 'a BackoffLanguageModel');
    check.options(options, 'options', ['startsText', 'record', 'onLine']);
    if (options.onLine !== undefined && typeof options.onLine !== 'function') throw check.invalid(options.onLine, 'options.onLine', 'a function');
    this.#model = model;
    this.#table = wordTableOf(model);
    this.#first = options.startsText ?? true;
    this.#record = options.record ?? false;
    this.#onLine = options.onLine;
    this.#lineRecord = options.onLine === undefined ? undefined : new LineRecord();
  }

  /** Number of lines (sentences) scored so far. */
  get lines(): number {
    return this.#sentences;
  }

  /** Scores the complete lines in `bytes` (and the line carried over from the previous chunk). */
  push(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw check.invalid(bytes, 'bytes', 'a Uint8Array');
    // A plain Uint8Array view, whatever the caller passed (a Node Buffer is a subclass): the line scanner and the
    // word table then only ever see one kind of array (a second kind made the optimized code bail out), and
    // indexOf is the typed array's builtin rather than Buffer's.
    if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    let start = 0;
    if (this.#tailLength > 0) {
      const nl = bytes.indexOf(10);
      if (nl < 0) {
        this.#carry(bytes, 0, bytes.length);
        return;
      }
      this.#carry(bytes, 0, nl);
      this.#line(this.#tail, 0, this.#tailLength);
      this.#tailLength = 0;
      start = nl + 1;
    }
    start = this.#lines(bytes, start);
    if (start < bytes.length) this.#carry(bytes, start, bytes.length);
  }

  /**
   * Scores the lines of `bytes` from `start` that end in a newline; returns where the unfinished rest begins. The
   * loop alone, away from push's rare paths, so that the code optimized while it runs meets nothing new on exit.
   */
  #lines(bytes: Uint8Array, start: number): number {
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) return start;
      this.#line(bytes, start, nl);
      start = nl + 1;
    }
  }

  /** Scores the line carried over (the last one, when the text does not end in a newline). */
  flush(): void {
    if (this.#tailLength > 0) {
      this.#line(this.#tail, 0, this.#tailLength);
      this.#tailLength = 0;
    }
  }

  /** The per-line totals of a recording scorer ({@link Utf8TextScorerOptions.record}), after {@link flush}. */
  sentenceTotals(): SentenceTotals {
    if (!this.#record) throw check.invalid(this.#record, 'options.record', 'true for a scorer whose sentence totals are read');
    const r = this.#recorded;
    const count = this.#sentences;
    if (r === undefined) return { count, log10Prob: new Float64Array(0), oovLog10Prob: new Float64Array(0), oov: new Int32Array(0), tokens: new Int32Array(0) };
    return { count, log10Prob: r.log10Prob.subarray(0, count), oovLog10Prob: r.oovLog10Prob.subarray(0, count), oov: r.oov.subarray(0, count), tokens: r.tokens.subarray(0, count) };
  }

  /**
   * Adds the lines another scorer recorded — the text that follows what this one was given — in their order, as
   * if this scorer had scored them. Call it with nothing carried over (the bytes pushed so far end with a newline).
   * @throws InvalidArgumentError (argument `model`) for a line whose total log10 probability is positive, naming
   * its index in the whole text.
   */
  addSentenceTotals(totals: SentenceTotals): void {
    if (this.#tailLength > 0) throw check.invalid(this.#tailLength, 'the bytes pushed', 'text that ends with a newline before sentence totals are added');
    for (let i = 0; i < totals.count; i++) this.#add(totals.log10Prob[i]!, totals.oovLog10Prob[i]!, totals.oov[i]!, totals.tokens[i]!);
  }

  /** Scores the last line (when the text does not end in a newline) and returns the totals. */
  end(): ModelPerplexity {
    this.flush();
    if (this.#tokens === 0) throw new EmptyInputError({ package: '@nlpkit/core', argument: 'sentences', expected: 'at least one sentence' });
    const kept = this.#tokens - this.#oov;
    return {
      perplexity: 10 ** (-this.#log10Prob / this.#tokens),
      perplexityExcludingOov: kept > 0 ? 10 ** (-(this.#log10Prob - this.#oovLog10Prob) / kept) : Number.NaN,
      tokens: this.#tokens,
      oov: this.#oov,
      log10Prob: this.#log10Prob,
      sentences: this.#sentences,
    };
  }

  #carry(bytes: Uint8Array, from: number, to: number): void {
    const length = this.#tailLength + to - from;
    if (length > MAX_LINE_BYTES) {
      // As readLines' maxLineLength: memory stays bounded whatever the input (newline-free data, CR-only line ends).
      const line = this.#sentences + 1;
      throw new FormatError(
        { package: PKG, argument: `line ${line}`, line, message: `line ${line} is longer than ${MAX_LINE_BYTES} bytes: is it a file with CR-only line endings, or not text at all?` },
        'ERR_LINE_TOO_LONG',
      );
    }
    if (length > this.#tail.length) {
      const grown = new Uint8Array(Math.max(length, this.#tail.length * 2, 1024));
      grown.set(this.#tail.subarray(0, this.#tailLength));
      this.#tail = grown;
    }
    this.#tail.set(bytes.subarray(from, to), this.#tailLength);
    this.#tailLength = length;
  }

  /** Scores the line `bytes[from..to)` (without its `\n`). */
  #line(bytes: Uint8Array, from: number, to: number): void {
    if (this.#first) {
      this.#first = false;
      // A byte-order mark is not text (TextDecoder drops it).
      if (to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3;
    }
    const table = this.#table;
    let words = this.#words;
    let count = 0;
    for (let i = from; i < to; ) {
      const c = bytes[i]!;
      // KenLM query's spaces (C isspace): space, \t, \n, \v, \f, \r.
      if (c === 32 || (c >= 9 && c <= 13)) {
        i++;
        continue;
      }
      let h = Math.imul(BYTE_HASH_SEED ^ c, BYTE_HASH_PRIME);
      let high = c;
      let j = i + 1;
      for (; j < to; j++) {
        const d = bytes[j]!;
        if (d === 32 || (d >= 9 && d <= 13)) break;
        h = Math.imul(h ^ d, BYTE_HASH_PRIME);
        high |= d;
      }
      let id = table.find(bytes, i, j, finishByteHash(h));
      // Bytes that are not valid UTF-8 read as U+FFFD in a string: look such a word up as the string it decodes to.
      if (id < 0 && high >= 0x80) id = this.#lookupDecoded(bytes, i, j);
      if (count === words.length) {
        const grown = new Int32Array(words.length * 2);
        grown.set(words);
        this.#words = words = grown;
      }
      const record = this.#lineRecord;
      if (record !== undefined) {
        record.reserve(count);
        record.starts[count] = i;
        record.ends[count] = j;
      }
      words[count++] = id;
      i = j;
    }
    const out = this.#out;
    const record = this.#lineRecord;
    if (record !== undefined) {
      record.reserve(count);
      this.#model.scoreIds(words, count, out, record);
      record.bytes = bytes;
      record.count = count;
      record.ids.set(words.subarray(0, count));
      record.log10Prob = out[0]!;
      record.oov = out[2]!;
      this.#onLine!(record);
    } else {
      this.#model.scoreIds(words, count, out);
    }
    if (this.#record) this.#keep(out[0]!, out[1]!, out[2]!, count + 1);
    else this.#add(out[0]!, out[1]!, out[2]!, count + 1);
  }

  /** Adds one line's totals to the sums (checking its log10 probability). */
  #add(log10Prob: number, oovLog10Prob: number, oov: number, tokens: number): void {
    if (!(log10Prob <= 0)) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'model',
        expected: 'a model whose log10 probabilities are ≤ 0',
        foundText: `a total log10 probability = ${log10Prob} at sentences[${this.#sentences}]`,
      });
    }
    this.#log10Prob += log10Prob;
    this.#oovLog10Prob += oovLog10Prob;
    this.#tokens += tokens;
    this.#oov += oov;
    this.#sentences++;
  }

  /** Records one line's totals (a recording scorer; the scorer they are added to checks them). */
  #keep(log10Prob: number, oovLog10Prob: number, oov: number, tokens: number): void {
    const at = this.#sentences;
    let r = this.#recorded;
    if (r === undefined || at === r.tokens.length) {
      const size = Math.max(1024, at * 2);
      const grown = { log10Prob: new Float64Array(size), oovLog10Prob: new Float64Array(size), oov: new Int32Array(size), tokens: new Int32Array(size) };
      if (r !== undefined) {
        grown.log10Prob.set(r.log10Prob);
        grown.oovLog10Prob.set(r.oovLog10Prob);
        grown.oov.set(r.oov);
        grown.tokens.set(r.tokens);
      }
      this.#recorded = r = grown;
    }
    r.log10Prob[at] = log10Prob;
    r.oovLog10Prob[at] = oovLog10Prob;
    r.oov[at] = oov;
    r.tokens[at] = tokens;
    this.#tokens += tokens;
    this.#sentences++;
  }

  #lookupDecoded(bytes: Uint8Array, from: number, to: number): number {
    this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
    return this.#model.data.wordIndex.lookup(this.#decoder.decode(bytes.subarray(from, to)));
  }
}

/**
 * The byte-keyed table of `model`'s words: the one its reader built (the fast ARPA reader), or one made from the
 * bytes its loader holds (a binary model), or from the words encoded one by one; a table that does not cover the
 * word index (words added since) is not used.
 */
function wordTableOf(model: BackoffLanguageModel): Utf8WordTable {
  const { utf8Words, wordBytes, wordIndex } = model.data;
  if (utf8Words !== undefined && utf8Words.size === wordIndex.size) return utf8Words;
  // Built once per model: a text scored in chunks (see `scoreClaimedChunks`) has a scorer per chunk.
  let table = builtTables.get(model);
  if (table === undefined || table.size !== wordIndex.size) {
    if (wordBytes !== undefined) table = utf8WordTableOfJoined(wordBytes, wordIndex.size);
    if (table === undefined || table.size !== wordIndex.size) table = utf8WordTable(wordIndex.words());
    builtTables.set(model, table);
  }
  return table;
}

/** The word tables {@link wordTableOf} has built, by model. */
const builtTables = new WeakMap<BackoffLanguageModel, Utf8WordTable>();
