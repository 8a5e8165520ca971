import { PAD } from '@nlpkit/core';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { sniffText } from './detectFormat.js';
import { BOS, EOS, NgramWordIndex, UNK } from './ngramWordIndex.js';
import { SuffixTrieLevel, suffixTrieLookups } from './suffixTrie.js';
import { Utf8WordTable, hashBytes } from './utf8WordTable.js';

/**
 * Where the fast reader gets its bytes: fills `into[offset..offset + length)` and returns how many bytes it wrote
 * (0 at the end), as `fs.readSync` does.
 */
export type ByteSource = (into: Uint8Array, offset: number, length: number) => number;

/** A {@link ByteSource} over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let at = 0;
  return (into, offset, length) => {
    const n = Math.min(length, bytes.length - at);
    into.set(bytes.subarray(at, at + n), offset);
    at += n;
    return n;
  };
}

/** Highest order accepted (as the general reader). */
const MAX_ORDER = 10;
/**
 * Bytes read at a time. 1 MiB: fresh memory costs a page fault per 4 KiB on first touch (on a loaded virtual machine,
 * tens of microseconds each), and a larger buffer only saves read calls, which cost far less.
 */
const CHUNK = 1 << 20;
/** Longest line the fast path reads (the general reader's limit is 1 Mi characters; it reports longer ones). */
const MAX_LINE_BYTES = 1 << 20;

/**
 * The fast path of the ARPA readers: reads ARPA text as bytes, in one pass, when it is laid out as lmplz writes it
 * (and `writeArpa` too) — every section in KenLM's suffix order, every n-gram's prefix and suffix present, no
 * duplicate, numbers in plain decimal — straight into {@link SuffixTrieLevel}s: each n-gram is appended after the
 * one before, its suffix found from the previous line's (consecutive lines share it), so no hash table is built and
 * memory is read in order. Words are found by their bytes ({@link Utf8WordTable}); numbers are parsed from bytes
 * exactly as `Number` parses them (then stored as float32, as the general reader stores them).
 *
 * `length`, when known, is the text's size in bytes (a small text gets a small buffer).
 *
 * Returns `undefined` as soon as anything differs from that layout — an error, a missing `<unk>`, a prefix to
 * insert, lines in another order, `-inf` — and the caller reads the text with the general reader, which gives the
 * same model for every file this one accepts, and the errors and warnings for the others.
 */
export function readSuffixOrderedArpa(source: ByteSource, length = CHUNK): BackoffLanguageModel | undefined {
  const reader = new ByteLines(source, Math.max(1024, Math.min(CHUNK, length + 1)));
  // Not text at all (gzip, a binary model, binary data): the general reader names it.
  if (sniffText(String.fromCharCode(...reader.head(4096))) !== undefined) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const text = (): string | undefined => {
    try {
      return decoder.decode(reader.buffer.subarray(reader.start, reader.end));
    } catch {
      return undefined;
    }
  };
  // Header: as the general reader (it decides what an odd header means).
  let line: string | undefined;
  for (;;) {
    if (!reader.next()) return undefined;
    line = text();
    if (line === undefined) return undefined;
    if (line.trim() === '\\data\\') break;
    if (line.includes('\\data\\')) return undefined;
  }
  const expected: number[] = [];
  for (;;) {
    if (!reader.next()) return undefined;
    line = text();
    if (line === undefined) return undefined;
    const t = line.trim();
    if (t === '') {
      if (expected.length > 0) break;
      continue;
    }
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(t);
    if (!m || Number(m[1]) !== expected.length + 1 || expected.length >= MAX_ORDER) return undefined;
    const c = Number(m[2]);
    if (c > 2 ** 31 - 1) return undefined;
    expected.push(c);
  }
  const order = expected.length;
  if (order === 0) return undefined;

  const vocab = new NgramWordIndex();
  // Sized from the header (bounded: a corrupt count must not allocate without limit; the table grows past it).
  const words = Math.min(expected[0]!, 1 << 18);
  const table = new Utf8WordTable(words, words * 8);
  const encoder = new TextEncoder();
  for (const special of [UNK, BOS, EOS]) {
    const bytes = encoder.encode(special);
    table.add(bytes, 0, bytes.length);
  }
  const log10Probs: Float32Array[] = [];
  const log10Backoffs: Float32Array[] = [];
  const levels: (SuffixTrieLevel | undefined)[] = [undefined];
  // parents[n - 1][id]: id in order n - 1 of the n-gram's first n - 1 words (its prefix).
  let parentsBelow: Int32Array | undefined;

  // Every loop over the lines or n-grams of a section is a function of its own: a loop that runs long gets this
  // function compiled on the stack (OSR), and compiling all of this reader took more CPU than reading a section.
  for (let n = 1; n <= order; n++) {
    // Section header (blank lines allowed before it).
    for (;;) {
      if (!reader.next()) return undefined;
      line = text();
      if (line === undefined) return undefined;
      if (line.trim() !== '') break;
    }
    if (line.trim() !== `\\${n}-grams:`) return undefined;
    const count = expected[n - 1]!;
    if (n === 1) {
      const unigrams = readUnigrams(reader, table, vocab, decoder, order, count);
      // Every section, the last too, ends at a line starting with a backslash (the next header, or \\end\\).
      if (unigrams === undefined || !unigrams.ended) return undefined;
      log10Probs.push(unigrams.probs);
      log10Backoffs.push(unigrams.backoffs);
    } else {
      const wide = vocab.size > 65536;
      const section = new Section(n, order, count, wide, log10Probs[n - 2]!.length);
      if (!readHigherOrder(reader, table, levels, section)) return undefined;
      const { probs, backoffs, firstWords, parents, seen, childCounts } = section;
      if (seen !== count || !section.ended) return undefined;
      prefixSums(childCounts);
      // Every prefix w1…w(n−1) must be there (a file lacking one is read by the general reader, which inserts it).
      if (n === 2) {
        if (parents) parents.set(firstWords.subarray(0, count));
      } else if (!linkPrefixes(childCounts, parentsBelow!, levels[n - 2]!, firstWords, parents)) {
        return undefined;
      }
      levels.push(new SuffixTrieLevel(firstWords.length === count ? firstWords : firstWords.slice(0, count), childCounts));
      log10Probs.push(probs.length === count ? probs : probs.slice(0, count));
      log10Backoffs.push(n === order ? new Float32Array(count) : backoffs.length === count ? backoffs : backoffs.slice(0, count));
      parentsBelow = parents;
    }
    if (n === order) break;
    // The line that ended the section is the next section's header: step back onto it.
    reader.again();
  }
  // The line that ended the last section must be \end\, with nothing but blank lines after it.
  line = text();
  if (line === undefined || line.trim() !== '\\end\\') return undefined;
  while (reader.next()) {
    line = text();
    if (line === undefined || line.trim() !== '') return undefined;
  }
  if (reader.failed) return undefined;
  return new BackoffLanguageModel({
    order,
    wordIndex: vocab,
    indexes: suffixTrieLookups(levels),
    log10Probs,
    log10Backoffs,
    suffixLevels: levels,
    utf8Words: table,
  });
}

/** The unigram section as read: values by word index, and whether a line starting with a backslash ended it. */
interface Unigrams {
  readonly probs: Float32Array;
  readonly backoffs: Float32Array;
  readonly ended: boolean;
}

/**
 * The unigram section's entries (`count` of them, the three specials among them), each word added to `vocab` and
 * `table` (the specials are there already) and its values stored by word index; undefined when not in lmplz's layout.
 */
function readUnigrams(reader: ByteLines, table: Utf8WordTable, vocab: NgramWordIndex, decoder: TextDecoder, order: number, count: number): Unigrams | undefined {
  let probs = new Float32Array(Math.min(count + 3, 1 << 22));
  let backoffs = new Float32Array(probs.length);
  const number = new Float64Array(1);
  let seen = 0;
  let ended = false;
  let seenSpecials = 0;
  let unigramsSeen = 0;
  while (reader.next()) {
    const buf = reader.buffer;
    let s = reader.start;
    let e = reader.end;
    while (s < e && isArpaSpaceByte(buf[s]!)) s++;
    while (e > s && isArpaSpaceByte(buf[e - 1]!)) e--;
    if (s === e) continue;
    if (buf[s] === 92) {
      ended = true;
      break;
    }
    if (++seen > count) return undefined;
    const probEnd = scanNumber(buf, s, e, number);
    if (probEnd < 0) return undefined;
    const prob = number[0]!;
    if (!(prob <= 0)) return undefined;
    let fields = 1;
    let backoff = 0;
    let from = 0;
    let to = 0;
    for (let i = probEnd; i < e; ) {
      const c = buf[i]!;
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (fields > 1) {
        if (fields > 2 || order === 1) return undefined;
        const backoffEnd = scanNumber(buf, i, e, number);
        if (backoffEnd < 0) return undefined;
        backoff = number[0]!;
        fields++;
        i = backoffEnd;
        continue;
      }
      let j = i + 1;
      while (j < e && buf[j] !== 32 && buf[j] !== 9) j++;
      from = i;
      to = j;
      fields++;
      i = j;
    }
    if (fields <= 1) return undefined;
    let id = table.find(buf, from, to, hashBytes(buf, from, to));
    if (id >= 0) {
      // Only a special not given yet may be found: anything else is a duplicate.
      if (id > 2 || (seenSpecials & (1 << id)) !== 0) return undefined;
      seenSpecials |= 1 << id;
    } else {
      let word: string;
      try {
        word = decoder.decode(buf.subarray(from, to));
      } catch {
        return undefined;
      }
      if (word === PAD || vocab.has(word)) return undefined;
      id = vocab.add(word);
      if (table.add(buf, from, to) !== id) return undefined;
    }
    if (id >= probs.length) {
      probs = grown(probs, id + 1);
      backoffs = grown(backoffs, id + 1);
    }
    probs[id] = prob;
    backoffs[id] = backoff;
    unigramsSeen++;
  }
  if (seen !== count || seenSpecials !== 7 || unigramsSeen !== vocab.size) return undefined;
  return {
    probs: probs.length === vocab.size ? probs : probs.slice(0, vocab.size),
    backoffs: backoffs.length === vocab.size ? backoffs : backoffs.slice(0, vocab.size),
    ended,
  };
}

/** Extension counts (`counts[s + 1]`: of suffix s) made offsets in place: `counts[s]..counts[s + 1]` for suffix s. */
function prefixSums(counts: Uint32Array): void {
  for (let p = 1; p < counts.length; p++) counts[p]! += counts[p - 1]!;
}

/**
 * Finds the prefix w1…w(n−1) of every n-gram of a section just read (n ≥ 3) in the order below, suffix by suffix
 * (the prefix of w1 + suffix s is w1 + the prefix of s), writing its id to `parents` when given (the next order
 * needs them); false when one is missing. One tight loop: the searches are random reads, which the processor
 * overlaps better without a line's parsing between them.
 */
function linkPrefixes(
  starts: Uint32Array,
  parentsBelow: Int32Array,
  below: SuffixTrieLevel,
  firstWords: Uint16Array | Int32Array,
  parents: Int32Array | undefined,
): boolean {
  for (let suffix = 0; suffix + 1 < starts.length; suffix++) {
    const to = starts[suffix + 1]!;
    let from = starts[suffix]!;
    if (from === to) continue;
    const prefixOfSuffix = parentsBelow[suffix]!;
    for (; from < to; from++) {
      const prefix = below.find(prefixOfSuffix, firstWords[from]!);
      if (prefix < 0) return false;
      if (parents) parents[from] = prefix;
    }
  }
  return true;
}

/** One section of order n ≥ 2 as it is read: its columns, grown as needed, and how its reading ended. */
class Section {
  probs: Float32Array;
  backoffs: Float32Array;
  firstWords: Uint16Array | Int32Array;
  parents: Int32Array | undefined;
  /** Extensions per suffix, shifted by one (`childCounts[s + 1]`), made prefix sums once the section is read. */
  readonly childCounts: Uint32Array;
  seen = 0;
  /** Whether a line starting with a backslash (the next header, or `\end\`) ended the section. */
  ended = false;

  constructor(
    readonly n: number,
    readonly order: number,
    readonly count: number,
    wide: boolean,
    belowSize: number,
  ) {
    const capacity = Math.min(count, 1 << 22);
    this.probs = new Float32Array(capacity);
    this.backoffs = new Float32Array(n === order ? 0 : capacity);
    this.firstWords = wide ? new Int32Array(capacity) : new Uint16Array(capacity);
    this.parents = n < order ? new Int32Array(capacity) : undefined;
    this.childCounts = new Uint32Array(belowSize + 1);
  }
}

/**
 * The entries of one section of order n ≥ 2, appended to `section` (false: not in lmplz's layout). A function of
 * its own so that the optimizing compiler sees only this loop's types, from the first such section on.
 */
function readHigherOrder(reader: ByteLines, table: Utf8WordTable, levels: readonly (SuffixTrieLevel | undefined)[], section: Section): boolean {
  const { n, order, count, childCounts } = section;
  let { probs, backoffs, firstWords, parents } = section;
  const fieldStart = new Int32Array(MAX_ORDER + 2);
  const fieldEnd = new Int32Array(MAX_ORDER + 2);
  const number = new Float64Array(1);
  const previousStart = new Int32Array(MAX_ORDER);
  const previousEnd = new Int32Array(MAX_ORDER);
  const words = new Int32Array(MAX_ORDER);
  const previousWords = new Int32Array(MAX_ORDER);
  // chain[j]: id (in order j) of the last j words of the current line.
  const chain = new Int32Array(MAX_ORDER + 1);
  let seen = 0;
  // Where the previous line's words are in the buffer (valid while the buffer was not refilled since).
  let previousCount = 0;
  let previousGeneration = -1;
  let previousSuffix = -1;
  let previousFirst = -1;
  let reusable = 0;
  while (reader.next()) {
    const buf = reader.buffer;
    let s = reader.start;
    let e = reader.end;
    while (s < e && isArpaSpaceByte(buf[s]!)) s++;
    while (e > s && isArpaSpaceByte(buf[e - 1]!)) e--;
    if (s === e) continue;
    if (buf[s] === 92) {
      section.ended = true;
      break;
    }
    if (++seen > count) return false;
    // The probability is parsed as it is scanned; then the words' places; then the backoff, parsed likewise.
    const probEnd = scanNumber(buf, s, e, number);
    if (probEnd < 0) return false;
    const prob = number[0]!;
    if (!(prob <= 0)) return false;
    let fields = 1;
    let backoff = 0;
    for (let i = probEnd; i < e; ) {
      const c = buf[i]!;
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (fields > n) {
        // A backoff (not on the highest order), and nothing after it.
        if (fields > n + 1 || n === order) return false;
        const backoffEnd = scanNumber(buf, i, e, number);
        if (backoffEnd < 0) return false;
        backoff = number[0]!;
        fields++;
        i = backoffEnd;
        continue;
      }
      let j = i + 1;
      while (j < e && buf[j] !== 32 && buf[j] !== 9) j++;
      fieldStart[fields] = i;
      fieldEnd[fields] = j;
      fields++;
      i = j;
    }
    if (fields <= n) return false;
    // Consecutive lines share most words (the last ones, in suffix order): a word spelled as the previous
    // line's word at the same place (bytes still in the buffer, compared in place) keeps its id unlooked-up.
    const comparable = reader.generation === previousGeneration;
    for (let i = 0; i < n; i++) {
      const from = fieldStart[i + 1]!;
      const to = fieldEnd[i + 1]!;
      if (comparable && i < previousCount) {
        const pFrom = previousStart[i]!;
        if (previousEnd[i]! - pFrom === to - from) {
          let k = 0;
          while (k < to - from && buf[from + k] === buf[pFrom + k]) k++;
          if (k === to - from) {
            previousStart[i] = from;
            previousEnd[i] = to;
            continue;
          }
        }
      }
      const id = table.find(buf, from, to, hashBytes(buf, from, to));
      if (id < 0) return false;
      words[i] = id;
      previousStart[i] = from;
      previousEnd[i] = to;
    }
    previousCount = n;
    previousGeneration = reader.generation;
    // The suffix w2…wn, found from its own suffix; the longest tail shared with the previous line is reused.
    let shared = 0;
    while (shared < reusable && shared < n - 1 && words[n - 1 - shared] === previousWords[n - 1 - shared]) shared++;
    if (shared === 0) {
      chain[1] = words[n - 1]!;
      shared = 1;
    }
    for (let j = shared + 1; j < n; j++) {
      const id = levels[j - 1]!.find(chain[j - 1]!, words[n - j]!);
      if (id < 0) return false; // a missing suffix
      chain[j] = id;
    }
    for (let i = 0; i < n; i++) previousWords[i] = words[i]!;
    reusable = n - 1;
    const suffix = chain[n - 1]!;
    const first = words[0]!;
    if (suffix < previousSuffix || (suffix === previousSuffix && first <= previousFirst)) return false;
    previousSuffix = suffix;
    previousFirst = first;
    const id = seen - 1;
    if (id >= probs.length) {
      const capacity = Math.min(count, Math.max(16, probs.length * 2));
      probs = section.probs = grown(probs, capacity);
      if (n < order) backoffs = section.backoffs = grown(backoffs, capacity);
      firstWords = section.firstWords = grown(firstWords, capacity);
      if (parents) parents = section.parents = grown(parents, capacity);
    }
    probs[id] = prob;
    if (n < order) backoffs[id] = backoff;
    firstWords[id] = first;
    childCounts[suffix + 1]!++;
  }
  section.seen = seen;
  return true;
}

function grown<T extends Float32Array | Int32Array | Uint16Array>(array: T, capacity: number): T {
  const out = new (array.constructor as new (n: number) => T)(capacity);
  out.set(array);
  return out;
}

function isArpaSpaceByte(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * Lines of bytes from a {@link ByteSource}: after {@link next} returns true the line is `buffer[start..end)`
 * (without `\n`, trailing `\r`s removed, up to 2, as the general reader does). The buffer holds ~4 MiB; a line
 * straddling two reads is moved to its front (so memory is one line plus one read, however long the file).
 */
class ByteLines {
  buffer: Uint8Array;
  /** Incremented whenever the buffer's bytes move (a refill): positions from before are then stale. */
  generation = 0;
  /** Set when a line longer than {@link MAX_LINE_BYTES} made the reader stop (it then reports the end). */
  failed = false;
  start = 0;
  end = 0;
  #pos = 0;
  #length = 0;
  #eof = false;
  #lineStart = 0;
  readonly #source: ByteSource;

  constructor(source: ByteSource, capacity: number) {
    this.#source = source;
    this.buffer = new Uint8Array(capacity);
  }

  next(): boolean {
    for (;;) {
      // indexOf searches the whole buffer: a newline at or past #length is stale bytes of an earlier read.
      const nl = this.buffer.indexOf(10, this.#pos);
      if (nl >= 0 && nl < this.#length) return this.#line(nl, nl + 1);
      if (this.#eof) {
        if (this.#pos >= this.#length) return false;
        return this.#line(this.#length, this.#length);
      }
      this.#fill();
    }
  }

  /** The first bytes of the text (before any line is read). */
  head(length: number): Uint8Array {
    while (!this.#eof && this.#length < length) this.#fill();
    return this.buffer.subarray(0, Math.min(length, this.#length));
  }

  /** Makes the current line the next one again. */
  again(): void {
    this.#pos = this.#lineStart;
  }

  #line(end: number, next: number): boolean {
    const start = this.#pos;
    this.#lineStart = start;
    for (let k = 0; k < 2 && end > start && this.buffer[end - 1] === 13; k++) end--;
    this.start = start;
    this.end = end;
    this.#pos = next;
    return true;
  }

  #fill(): void {
    this.generation++;
    // Keep the unfinished line, at the front.
    const rest = this.#length - this.#pos;
    if (rest > MAX_LINE_BYTES) {
      // Not lmplz's layout (newline-free or binary data): stop here; the general reader reports it.
      this.failed = true;
      this.#eof = true;
      this.#length = this.#pos;
      return;
    }
    if (rest > this.buffer.length / 2) {
      // A line longer than half the buffer: make room (lines in ARPA files are short; this is for odd input).
      const bigger = new Uint8Array(this.buffer.length * 2);
      bigger.set(this.buffer.subarray(this.#pos, this.#length));
      this.buffer = bigger;
    } else {
      this.buffer.copyWithin(0, this.#pos, this.#length);
    }
    this.#lineStart -= this.#pos;
    this.#pos = 0;
    this.#length = rest;
    const read = this.#source(this.buffer, rest, this.buffer.length - rest);
    if (read === 0) this.#eof = true;
    this.#length += read;
  }
}

// Exactly representable powers of ten: a product or quotient of two exact doubles is correctly rounded.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * `Number(text)` of the decimal number in `bytes[from..to)` — `[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?` with at
 * most 53 bits of digits and a power of ten within ±22, every number ARPA writers print — by Clinger's fast path
 * (one correctly rounded multiplication or division of exact doubles: exactly what `Number` gives). NaN for
 * anything else, and for a result beyond the float32 range.
 */
export function byteNumber(bytes: Uint8Array, from: number, to: number): number {
  const value = new Float64Array(1);
  return scanNumber(bytes, from, to, value) === to ? value[0]! : Number.NaN;
}

/**
 * {@link byteNumber} of the number starting at `from`, which ends at a space, a tab or `to`: the field is found and
 * parsed in one pass. Writes the value to `value[0]` and returns where the number ends, or −1 (NaN) when anything
 * else follows it. The value goes through a typed array because a double returned from a call that the optimizing
 * compiler does not inline is allocated on the heap: two per ARPA line made young-generation collections.
 */
function scanNumber(bytes: Uint8Array, from: number, to: number, value: Float64Array): number {
  let i = from;
  let c = i < to ? bytes[i]! : 0;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  for (; i < to; i++) {
    c = bytes[i]!;
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
  }
  if (i < to && c === 46) {
    for (i++; i < to; i++) {
      c = bytes[i]!;
      if (c < 48 || c > 57) break;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      fraction++;
    }
  }
  if (digits === 0 || mantissa > 9007199254740991) return -1;
  let exponent = 0;
  if (i < to && (c === 101 || c === 69)) {
    i++;
    let negativeExponent = false;
    c = i < to ? bytes[i]! : 0;
    if (c === 45 || c === 43) {
      negativeExponent = c === 45;
      i++;
    }
    const first = i;
    for (; i < to; i++) {
      c = bytes[i]!;
      if (c < 48 || c > 57) break;
      if (exponent > 1000) return -1;
      exponent = exponent * 10 + (c - 48);
    }
    if (i === first) return -1;
    if (negativeExponent) exponent = -exponent;
  }
  if (i < to && c !== 32 && c !== 9) return -1;
  const scale = exponent - fraction;
  let result: number;
  if (scale === 0) result = mantissa;
  else if (scale > 0 && scale <= 22) result = mantissa * POW10[scale]!;
  else if (scale < 0 && scale >= -22) result = mantissa / POW10[-scale]!;
  else return -1;
  if (!Number.isFinite(Math.fround(result))) return -1;
  value[0] = negative ? -result : result;
  return i;
}
