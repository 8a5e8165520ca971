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
export const CHUNK = 1 << 20;
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
 * `length`, when known, is the text's size in bytes (a small text gets a small buffer). With `shared`, the model's
 * arrays are in shared memory (`SharedArrayBuffer`), so that other threads can score with them without a copy
 * (see `sharedSuffixModel`).
 *
 * With a `helper` (another thread that can read the same file: see {@link ArpaSectionHelper}), the highest sections
 * are tokenized there while this thread reads the lower ones, then linked here from the helper's word ids: the same
 * model, from two cores. Whatever the helper fails at is read here or, past the first of its sections, makes this
 * return `undefined` (the file is then not in lmplz's layout anyway).
 *
 * Returns `undefined` as soon as anything differs from that layout — an error, a missing `<unk>`, a prefix to
 * insert, lines in another order, `-inf` — and the caller reads the text with the general reader, which gives the
 * same model for every file this one accepts, and the errors and warnings for the others.
 */
export function readSuffixOrderedArpa(source: ByteSource, length = CHUNK, shared = false, helper?: ArpaSectionHelper): BackoffLanguageModel | undefined {
  const reader = new ByteLines(source, Math.max(1024, Math.min(CHUNK, length + 1)));
  // Not text at all (gzip, a binary model, binary data): the general reader names it.
  if (sniffText(String.fromCharCode(...reader.head(4096))) !== undefined) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const text = (): string | undefined => reader.text();
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
  // The helper's job, once the unigrams are read (their ids are what it tokenizes with).
  let job: ArpaSectionJob | undefined;
  // The section in which this thread reached the helper's first line (0 until then): the helper read the rest.
  let split = 0;

  // Every loop over the lines or n-grams of a section is a function of its own: a loop that runs long gets this
  // function compiled on the stack (OSR), and compiling all of this reader took more CPU than reading a section.
  for (let n = 1; n <= order; n++) {
    // Section header (blank lines allowed before it); above the split, the helper read it.
    if (split === 0 && reader.nextHeader() !== `\\${n}-grams:`) return undefined;
    const count = expected[n - 1]!;
    if (n === 1) {
      const unigrams = readUnigrams(reader, table, vocab, decoder, order, count, shared);
      // Every section, the last too, ends at a line starting with a backslash (the next header, or \end\).
      if (unigrams === undefined || !unigrams.ended) return undefined;
      log10Probs.push(unigrams.probs);
      log10Backoffs.push(unigrams.backoffs);
      // The line that ended the unigrams is the next header: the helper's part is chosen from there on.
      if (helper !== undefined) job = startHelper(helper, reader.lineOffset, length, expected, table);
    } else {
      const wide = vocab.size > 65536;
      // Above the split, the helper reads the section: its lines are linked as it writes them.
      const tokens = split !== 0 ? helperSection(job!, n) : undefined;
      const section = new Section(n, order, count, wide, log10Probs[n - 2]!.length, shared, tokens);
      const linker = new SuffixLinker(n, levels);
      if (tokens !== undefined) {
        if (linkFromHelper(linker, section, job!, false) !== LINKED) return undefined;
      } else {
        if (!readHigherOrder(reader, table, linker, section, job?.start ?? -1)) return undefined;
        if (section.stopped) {
          // This thread reached the helper's first line: the rest of this section, and all above, are the helper's;
          // when it has not started yet, or failed (or fell silent) before any of its lines were linked, this thread
          // reads on from that line alone. (One that fails later leaves the file to the general reader.)
          const linked = Atomics.compareExchange(job!.status, order + 2, 0, 2) !== 0 ? linkFromHelper(linker, section, job!, true) : NONE_LINKED;
          if (linked === FAILED) return undefined;
          if (linked === LINKED) split = n;
          else {
            job = undefined;
            section.stopped = false;
            if (!readHigherOrder(reader, table, linker, section, -1)) return undefined;
          }
        }
      }
      const { probs, backoffs, firstWords, parents, seen, childCounts } = section;
      if (seen !== count || !section.ended) return undefined;
      prefixSums(childCounts);
      // Every prefix w1…w(n−1) must be there (a file lacking one is read by the general reader, which inserts it).
      if (n === 2) {
        if (parents) parents.set(firstWords.subarray(0, count));
      } else if (!linkPrefixes(childCounts, parentsBelow!, levels[n - 2]!, firstWords, parents)) {
        return undefined;
      }
      levels.push(new SuffixTrieLevel(trimmed(firstWords, count, shared), childCounts));
      log10Probs.push(trimmed(probs, count, shared));
      log10Backoffs.push(n === order ? column(Float32Array, count, shared) : trimmed(backoffs, count, shared));
      parentsBelow = parents;
    }
    if (n === order) break;
    // The line that ended the section is the next section's header: step back onto it (unless the helper has it).
    if (split === 0) reader.again();
  }
  // The helper checked the end of the text after the last section.
  if (split !== 0) {
    return new BackoffLanguageModel({ order, wordIndex: vocab, indexes: suffixTrieLookups(levels), log10Probs, log10Backoffs, suffixLevels: levels, utf8Words: table });
  }
  // The line that ended the last section must be \end\, with nothing but blank lines after it.
  if (!reader.atEnd()) return undefined;
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

/**
 * Another thread that can tokenize part of the ARPA file being read: `post` hands it a job, which it runs with
 * `tokenizeArpaSections` (from `arpaSectionTokenizer`) on the file at `path`.
 */
export interface ArpaSectionHelper {
  readonly path: string;
  /** Where the first n-gram line at or after byte `at` starts (`ngramLineFrom`), or −1. */
  ngramLineFrom(at: number): number;
  post(job: ArpaSectionJob): void;
}

/** Lines as the helper tokenized them: `n` word ids each, one after the other, and each line's numbers. */
export interface TokenizedSection {
  readonly words: Uint16Array | Int32Array;
  readonly probs: Float32Array;
  /** Empty for the highest order. */
  readonly backoffs: Float32Array;
}

/**
 * What the helper does: read the file from byte `start` (a line of some section n0 ≥ 2) to the end, as the fast
 * reader does, into the arrays of each order n (index n − 2; shared memory): the lines of section n0 from `start`
 * on (its tail), then every section above. It sets `status[1]` to n0 before it writes any line, and `progress[n]` to
 * the lines of section n written so far as it goes (notifying it), then `status[n]` to 1 as section n is done (−1:
 * not in lmplz's layout, or the helper failed; `progress[n]` is notified too), and adds to `status[order + 1]` as it
 * goes (a heartbeat). The highest section is done only once the text after it was checked
 * (`\end\`, then blank lines only). Whoever sets `status[order + 2]` first (compare-and-exchange from 0) owns the
 * job's part: the helper (1) when it starts, or the reading thread (2) when it reaches `start` first and reads on
 * alone, never waiting on a thread that has not started.
 */
export interface ArpaSectionJob {
  readonly path: string;
  readonly start: number;
  readonly order: number;
  readonly counts: readonly number[];
  /** The words' UTF-8 spellings by id, back to back: id i is `spellings[starts[i]..starts[i + 1])`. */
  readonly spellings: Uint8Array;
  readonly starts: Int32Array;
  readonly tokens: readonly (Uint16Array | Int32Array)[];
  readonly probs: readonly Float32Array[];
  readonly backoffs: readonly Float32Array[];
  readonly status: Int32Array;
  /** `progress[n]`: the lines of section n (of its tail, for the first) written so far; notified as it grows. */
  readonly progress: Int32Array;
}

/** Sections with fewer n-grams than this in all are read on one thread (a helper's start costs more). */
const HELPED_NGRAMS = 1 << 16;
/**
 * Share of the bytes after the unigrams that this thread reads itself: it also links the helper's lines (about 0.2
 * of the time reading them takes), as the helper writes them, and the helper starts ~0.1 s late. Measured: 0.48
 * reads a 2.2 M-token model's ARPA ~3% faster than 0.52 (its best when the linking waited for whole sections), and
 * PTB's within the noise.
 */
const OWN_SHARE = 0.48;
/** A helper whose heartbeat has not moved for this long is taken as gone. */
const HELPER_SILENCE_MS = 30_000;

/**
 * The job for `helper` (posted to it), or undefined when reading on one thread is as fast or no line to start the
 * helper at was found: the helper starts at the first n-gram line after {@link OWN_SHARE} of the bytes from `from`
 * (the start of the bigram section) to the end (`length`).
 */
function startHelper(helper: ArpaSectionHelper, from: number, length: number, counts: readonly number[], table: Utf8WordTable): ArpaSectionJob | undefined {
  const order = counts.length;
  let total = 0;
  for (let n = 2; n <= order; n++) total += counts[n - 1]!;
  if (order < 2 || total < HELPED_NGRAMS) return undefined;
  // Each count is bounded by the bytes (an n-gram line takes at least 2n + 2), so a damaged header allocates nothing.
  for (let n = 2; n <= order; n++) if (counts[n - 1]! * (2 * n + 2) > length) return undefined;
  const start = helper.ngramLineFrom(from + Math.floor(OWN_SHARE * (length - from)));
  if (start < 0) return undefined;
  const wide = table.size > 65536;
  const tokens: (Uint16Array | Int32Array)[] = [];
  const probs: Float32Array[] = [];
  const backoffs: Float32Array[] = [];
  // One set per order: the helper's part may start in any section (pages never written take no memory). Where the
  // system refuses that much address space at once (a file of many GB), this thread reads alone.
  try {
    for (let n = 2; n <= order; n++) {
      const count = counts[n - 1]!;
      tokens.push(wide ? column(Int32Array, count * n, true) : column(Uint16Array, count * n, true));
      // Above the split these are the model's arrays: in shared memory because the helper writes them.
      probs.push(column(Float32Array, count, true));
      backoffs.push(column(Float32Array, n === order ? 0 : count, true));
    }
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  const { bytes, starts } = table.spellings();
  const job: ArpaSectionJob = { path: helper.path, start, order, counts, spellings: bytes, starts, tokens, probs, backoffs, status: column(Int32Array, order + 3, true), progress: column(Int32Array, order + 1, true) };
  helper.post(job);
  return job;
}

/** Section n above the split, as the helper writes it (its arrays are there from the start). */
function helperSection(job: ArpaSectionJob, n: number): TokenizedSection {
  return { words: job.tokens[n - 2]!, probs: job.probs[n - 2]!, backoffs: job.backoffs[n - 2]! };
}

/** What {@link linkFromHelper} did: linked every line; failed before linking any; failed after linking some. */
const LINKED = 1;
const NONE_LINKED = 0;
const FAILED = -1;

/**
 * Links the lines of section `section.n` the helper tokenizes, as it writes them (`job.progress`), after the
 * section's own: the whole section (above the split: its arrays are the helper's), or the rest of the section this
 * thread stopped reading at the helper's first line (`tail`: the helper must have started in this very section; its
 * numbers are copied after this thread's). So this thread links while the helper reads, and is done soon after it.
 * {@link LINKED} when every line is; {@link NONE_LINKED} or {@link FAILED} (before any line was linked, or after)
 * when the lines are not in lmplz's layout, or the helper failed or fell silent (its heartbeat still for
 * {@link HELPER_SILENCE_MS}).
 */
function linkFromHelper(linker: SuffixLinker, section: Section, job: ArpaSectionJob, tail: boolean): number {
  const { n, order, count } = section;
  const { status, progress, tokens } = job;
  const words = tokens[n - 2]!;
  if (tail) section.reserve(count);
  const start = section.seen;
  let linked = 0;
  let beats = Atomics.load(status, order + 1);
  const failed = (): number => (linked === 0 ? NONE_LINKED : FAILED);
  for (;;) {
    // The state first: once it says done, the progress read after it is the final count.
    const state = Atomics.load(status, n);
    const available = Atomics.load(progress, n);
    if (available > linked) {
      if (tail) {
        if (Atomics.load(status, 1) !== n || start + available > count) return failed();
        section.probs.set(job.probs[n - 2]!.subarray(linked, available), start + linked);
        if (n < order) section.backoffs.set(job.backoffs[n - 2]!.subarray(linked, available), start + linked);
      }
      // The lines are linked once (the linker checks their order against the ones before).
      if (!linkTokenized(linker, section, words, linked * n, available - linked)) return FAILED;
      linked = available;
      continue;
    }
    if (state === 1) {
      if (tail && Atomics.load(status, 1) !== n) return failed();
      section.ended = true;
      return LINKED;
    }
    if (state !== 0) return failed();
    if (Atomics.wait(progress, n, available, HELPER_SILENCE_MS) === 'timed-out') {
      const now = Atomics.load(status, order + 1);
      if (now === beats) return failed();
      beats = now;
    }
  }
}

/**
 * Links `lines` n-grams the helper tokenized (`words[at..]`, n ids each) after the section's `seen` ones; false as
 * {@link readHigherOrder}. The section's arrays must have room for them.
 */
function linkTokenized(linker: SuffixLinker, section: Section, words: Uint16Array | Int32Array, at: number, lines: number): boolean {
  const { n, childCounts, firstWords } = section;
  const end = section.seen + lines;
  for (let id = section.seen; id < end; id++, at += n) {
    const suffix = linker.link(words, at);
    if (suffix < 0) return false;
    firstWords[id] = words[at]!;
    childCounts[suffix + 1]!++;
  }
  section.seen = end;
  return true;
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
function readUnigrams(
  reader: ByteLines,
  table: Utf8WordTable,
  vocab: NgramWordIndex,
  decoder: TextDecoder,
  order: number,
  count: number,
  shared: boolean,
): Unigrams | undefined {
  let probs = column(Float32Array, Math.min(count + 3, 1 << 22), shared);
  let backoffs = column(Float32Array, probs.length, shared);
  const number = new Float64Array(1);
  let seen = 0;
  let ended = false;
  let seenSpecials = 0;
  let unigramsSeen = 0;
  while (reader.nextContent()) {
    const buf = reader.buffer;
    const s = reader.start;
    const e = reader.end;
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
      probs = grown(probs, id + 1, shared);
      backoffs = grown(backoffs, id + 1, shared);
    }
    probs[id] = prob;
    backoffs[id] = backoff;
    unigramsSeen++;
  }
  if (seen !== count || seenSpecials !== 7 || unigramsSeen !== vocab.size) return undefined;
  return {
    probs: trimmed(probs, vocab.size, shared),
    backoffs: trimmed(backoffs, vocab.size, shared),
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
  /** Whether reading stopped at the helper's first line (the rest of the section is the helper's). */
  stopped = false;

  constructor(
    readonly n: number,
    readonly order: number,
    readonly count: number,
    wide: boolean,
    belowSize: number,
    readonly shared: boolean,
    tokens?: TokenizedSection,
  ) {
    // A section the helper tokenized has its numbers already, and all its n-grams (the header's count of them).
    const capacity = tokens === undefined ? Math.min(count, 1 << 22) : count;
    // What the model keeps goes in shared memory when asked; the prefixes only serve the next order's reading.
    this.probs = tokens?.probs ?? column(Float32Array, capacity, shared);
    this.backoffs = tokens?.backoffs ?? column(Float32Array, n === order ? 0 : capacity, shared);
    this.firstWords = wide ? column(Int32Array, capacity, shared) : column(Uint16Array, capacity, shared);
    this.parents = n < order ? new Int32Array(capacity) : undefined;
    this.childCounts = column(Uint32Array, belowSize + 1, shared);
  }

  /** Makes room for `capacity` n-grams in every array. */
  reserve(capacity: number): void {
    if (this.probs.length >= capacity) return;
    this.probs = grown(this.probs, capacity, this.shared);
    if (this.n < this.order) this.backoffs = grown(this.backoffs, capacity, this.shared);
    this.firstWords = grown(this.firstWords, capacity, this.shared);
    if (this.parents) this.parents = grown(this.parents, capacity, false);
  }
}

/**
 * The entries of one section of order n ≥ 2, appended to `section` (false: not in lmplz's layout). A function of
 * its own so that the optimizing compiler sees only this loop's types, from the first such section on. Reading
 * stops (`section.stopped`) before the line at byte `stopAt` of the text, where a helper started.
 */
function readHigherOrder(reader: ByteLines, table: Utf8WordTable, linker: SuffixLinker, section: Section, stopAt: number): boolean {
  const { n, order, count, childCounts } = section;
  const inSharedMemory = section.shared;
  let { probs, backoffs, firstWords, parents } = section;
  const line = new NgramLineParser(n, order, table);
  const words = line.words;
  const values = line.values;
  let seen = section.seen;
  while (reader.nextContent()) {
    if (reader.lineOffset === stopAt) {
      // Left unread: this thread reads on from it if the helper fails.
      reader.again();
      section.stopped = true;
      break;
    }
    const buf = reader.buffer;
    const s = reader.start;
    const e = reader.end;
    if (buf[s] === 92) {
      section.ended = true;
      break;
    }
    if (++seen > count) return false;
    if (!line.parse(buf, s, e, reader.generation)) return false;
    const suffix = linker.link(words, 0);
    if (suffix < 0) return false;
    const id = seen - 1;
    if (id >= probs.length) {
      const capacity = Math.min(count, Math.max(16, probs.length * 2));
      probs = section.probs = grown(probs, capacity, inSharedMemory);
      if (n < order) backoffs = section.backoffs = grown(backoffs, capacity, inSharedMemory);
      firstWords = section.firstWords = grown(firstWords, capacity, inSharedMemory);
      if (parents) parents = section.parents = grown(parents, capacity, false);
    }
    probs[id] = values[0]!;
    if (n < order) backoffs[id] = values[1]!;
    firstWords[id] = words[0]!;
    childCounts[suffix + 1]!++;
  }
  section.seen = seen;
  return true;
}

/**
 * The fields of one line of an order-n section: its words' ids (`words[0..n)`) and its probability and backoff
 * (`values[0]`, `values[1]`; 0 when absent), reused from line to line. Consecutive lines share most words (the last
 * ones, in suffix order): a word spelled as the previous line's word at the same place (its bytes still in the
 * buffer, compared in place) keeps its id unlooked-up.
 */
export class NgramLineParser {
  readonly words = new Int32Array(MAX_ORDER);
  /** Numbers go through a typed array: a double stored in an object's field can be boxed on the heap. */
  readonly values = new Float64Array(2);
  readonly #fieldStart = new Int32Array(MAX_ORDER + 2);
  readonly #fieldEnd = new Int32Array(MAX_ORDER + 2);
  readonly #number = new Float64Array(1);
  // Where the previous line's words are in the buffer (valid while the buffer was not refilled since).
  readonly #previousStart = new Int32Array(MAX_ORDER);
  readonly #previousEnd = new Int32Array(MAX_ORDER);
  #previousCount = 0;
  #previousGeneration = -1;

  constructor(
    readonly n: number,
    readonly order: number,
    readonly table: Utf8WordTable,
  ) {}

  /**
   * Parses the line `buf[s..e)` (trimmed, not empty, not starting with a backslash) read while the buffer's
   * generation was `generation`; false when it is not an n-gram line of lmplz's layout (a word not in the table, a
   * positive probability, a field too many or too few).
   */
  parse(buf: Uint8Array, s: number, e: number, generation: number): boolean {
    const { n, order } = this;
    const fieldStart = this.#fieldStart;
    const fieldEnd = this.#fieldEnd;
    const number = this.#number;
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
    const words = this.words;
    const previousStart = this.#previousStart;
    const previousEnd = this.#previousEnd;
    const comparable = generation === this.#previousGeneration;
    const previousCount = this.#previousCount;
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
      const id = this.table.find(buf, from, to, hashBytes(buf, from, to));
      if (id < 0) return false;
      words[i] = id;
      previousStart[i] = from;
      previousEnd[i] = to;
    }
    this.#previousCount = n;
    this.#previousGeneration = generation;
    this.values[0] = prob;
    this.values[1] = backoff;
    return true;
  }
}

/**
 * Finds the suffix w2…wn of each n-gram of a section, in the order the section lists them, from its own suffix in
 * the order below; the longest tail shared with the previous n-gram is reused. Checks lmplz's order too.
 */
export class SuffixLinker {
  // chain[j]: id (in order j) of the last j words of the current n-gram.
  readonly #chain = new Int32Array(MAX_ORDER + 1);
  readonly #previousWords = new Int32Array(MAX_ORDER);
  #reusable = 0;
  #previousSuffix = -1;
  #previousFirst = -1;

  constructor(
    readonly n: number,
    readonly levels: readonly (SuffixTrieLevel | undefined)[],
  ) {}

  /**
   * The suffix id of the n-gram `words[at..at + n)` (word ids), or −1 when its suffix is missing or it does not
   * come after the previous n-gram in suffix order.
   */
  link(words: Int32Array | Uint16Array, at: number): number {
    const n = this.n;
    const chain = this.#chain;
    const previousWords = this.#previousWords;
    let shared = 0;
    while (shared < this.#reusable && shared < n - 1 && words[at + n - 1 - shared] === previousWords[n - 1 - shared]) shared++;
    if (shared === 0) {
      chain[1] = words[at + n - 1]!;
      shared = 1;
    }
    for (let j = shared + 1; j < n; j++) {
      const id = this.levels[j - 1]!.find(chain[j - 1]!, words[at + n - j]!);
      if (id < 0) return -1; // a missing suffix
      chain[j] = id;
    }
    for (let i = 0; i < n; i++) previousWords[i] = words[at + i]!;
    this.#reusable = n - 1;
    const suffix = chain[n - 1]!;
    const first = words[at]!;
    if (suffix < this.#previousSuffix || (suffix === this.#previousSuffix && first <= this.#previousFirst)) return -1;
    this.#previousSuffix = suffix;
    this.#previousFirst = first;
    return suffix;
  }
}

type Column = Float32Array | Float64Array | Int32Array | Uint16Array | Uint32Array;

/** A zeroed array of `length`, in shared memory (a `SharedArrayBuffer`) when `shared`. */
function column<T extends Column>(make: { new (length: number): T; new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number }, length: number, shared: boolean): T {
  return shared ? new make(new SharedArrayBuffer(length * make.BYTES_PER_ELEMENT)) : new make(length);
}

/** `array` with room for `capacity` (its values first), in the same kind of memory as `shared` says. */
function grown<T extends Column>(array: T, capacity: number, shared: boolean): T {
  const out = column(array.constructor as unknown as Parameters<typeof column<T>>[0], capacity, shared);
  out.set(array);
  return out;
}

/** The first `count` values of `array`: itself when that is all of it, else a copy (in memory of the same kind). */
function trimmed<T extends Column>(array: T, count: number, shared: boolean): T {
  return array.length === count ? array : grown(array.subarray(0, count) as T, count, shared);
}

function isArpaSpaceByte(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * Lines of bytes from a {@link ByteSource}: after {@link next} returns true the line is `buffer[start..end)`
 * (without `\n`, trailing `\r`s removed, up to 2, as the general reader does). The buffer holds ~4 MiB; a line
 * straddling two reads is moved to its front (so memory is one line plus one read, however long the file).
 */
export class ByteLines {
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
  /** Bytes of the text before `buffer[0]`. */
  #consumed = 0;
  #decoder: TextDecoder | undefined;
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

  /**
   * Moves to the next line that is not blank, its bytes without the spaces, tabs and line ends around them
   * (`buffer[start..end)`); false at the end.
   */
  nextContent(): boolean {
    while (this.next()) {
      const buf = this.buffer;
      let s = this.start;
      let e = this.end;
      while (s < e && isArpaSpaceByte(buf[s]!)) s++;
      while (e > s && isArpaSpaceByte(buf[e - 1]!)) e--;
      if (s === e) continue;
      this.start = s;
      this.end = e;
      return true;
    }
    return false;
  }

  /** The current line as text (strict UTF-8), or undefined when it is not valid UTF-8. */
  text(): string | undefined {
    this.#decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      return this.#decoder.decode(this.buffer.subarray(this.start, this.end));
    } catch {
      return undefined;
    }
  }

  /** The next line that is not blank, trimmed; undefined at the end or when it is not valid UTF-8. */
  nextHeader(): string | undefined {
    for (;;) {
      if (!this.next()) return undefined;
      const line = this.text();
      if (line === undefined) return undefined;
      const trimmed = line.trim();
      if (trimmed !== '') return trimmed;
    }
  }

  /** Whether the current line is `\\end\\`, with nothing but blank lines after it (the end of an ARPA text). */
  atEnd(): boolean {
    const line = this.text();
    if (line === undefined || line.trim() !== '\\end\\') return false;
    while (this.next()) {
      const rest = this.text();
      if (rest === undefined || rest.trim() !== '') return false;
    }
    return !this.failed;
  }

  /** Where the current line starts in the text (bytes from the source's first). */
  get lineOffset(): number {
    return this.#consumed + this.#lineStart;
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
    this.#consumed += this.#pos;
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
