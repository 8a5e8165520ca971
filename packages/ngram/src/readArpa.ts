import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { HASH_PRIME, HASH_SEED, LineCursor, WordTable, fastNumber, finishHash, isArpaSpace } from './arpaScanner.js';
import { PAD, describeValue } from '@nlpkit/core';
import { checkedArpaChunks, sniffText } from './detectFormat.js';
import { bytesSource, readSuffixOrderedArpa } from './suffixOrderedArpa.js';
import { ArpaFormatError, check } from './errors.js';
import type { NgramWarning } from './kneserNeyDiscounts.js';
import { NgramIndex } from './ngramIndex.js';
import { BOS, EOS, UNK, NgramWordIndex } from './ngramWordIndex.js';

/** Options of {@link readArpa}. */
export interface ReadArpaOptions {
  /** Receives notes about repaired input (missing `<unk>`, n-grams whose prefix is missing). */
  onWarning?: (warning: NgramWarning) => void;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Highest order accepted; a larger header is treated as corrupt rather than allocating without bound. */
const MAX_ORDER = 10;

/**
 * Reads an ARPA backoff model (as written by KenLM, SRILM, IRSTLM or {@link writeArpa}). Separators may be tabs or
 * spaces; text before `\data\` is ignored. As KenLM does, a missing `<unk>` gets log10 p = -100, and an n-gram
 * whose prefix is missing gets that prefix inserted with its backed-off probability, so scores equal the writer's.
 * Input is untrusted: reading is linear in its length, and every value must be in its domain.
 * @throws ArpaFormatError (an nlpkit FormatError) naming the problem and the 1-based line: bad header, a section
 * whose entry count differs from the header, a malformed number, a number beyond the float32 range, a positive
 * log10 probability, a word missing from the unigrams, a duplicate n-gram, a missing
 * `\end\` or text after it, a line longer than 1 MiB (newline-free or `\r`-only input).
 * @throws WrongFormatError (code `ERR_WRONG_FORMAT`) for gzip data, a binary model or other binary data.
 */
export function readArpa(text: string, options: ReadArpaOptions = {}): BackoffLanguageModel {
  check.string(text, 'text');
  // lmplz's layout (and ours) is read from bytes in one pass; anything else by the general reader below.
  if (sniffText(text.slice(0, 4096)) === undefined) {
    const bytes = new TextEncoder().encode(text);
    const fast = readSuffixOrderedArpa(bytesSource(bytes), bytes.length);
    if (fast !== undefined) return fast;
  }
  return readArpaCursor(new LineCursor(checkedArpaChunks([text]), false, 2), options);
}

/** {@link readArpa} over lines (for streaming readers); each line without its newline. */
export function readArpaLines(lines: Iterable<string>, options: ReadArpaOptions = {}): BackoffLanguageModel {
  return readArpaCursor(new LineCursor(checkedArpaChunks(linesAsChunks(lines)), false, 2), options);
}

function* linesAsChunks(lines: Iterable<string>): Generator<string, void, undefined> {
  for (const line of lines) yield `${line}\n`;
}

/** Growable float32 columns of one order (probabilities and log10Backoffs by n-gram id). */
class Columns {
  log10Probs: Float32Array;
  log10Backoffs: Float32Array;

  constructor(capacity: number) {
    this.log10Probs = new Float32Array(Math.max(16, capacity));
    this.log10Backoffs = new Float32Array(Math.max(16, capacity));
  }

  set(id: number, logProb: number, backoff: number): void {
    if (id >= this.log10Probs.length) {
      const capacity = Math.max(id + 1, this.log10Probs.length * 2);
      const lp = new Float32Array(capacity);
      lp.set(this.log10Probs);
      const bo = new Float32Array(capacity);
      bo.set(this.log10Backoffs);
      this.log10Probs = lp;
      this.log10Backoffs = bo;
    }
    this.log10Probs[id] = logProb;
    this.log10Backoffs[id] = backoff;
  }
}

/** Room for the words of an entry line: a probability, up to 10 words and a backoff. */
const MAX_FIELDS = MAX_ORDER + 2;

/**
 * The reader over a {@link LineCursor}. Header and section lines are rare and go through strings; entry lines are
 * scanned in place: fields are character ranges, numbers are parsed by {@link fastNumber}, words are found in a
 * {@link WordTable} keyed by their characters, and values go straight into float32 columns.
 */
export function readArpaCursor(cursor: LineCursor, options: ReadArpaOptions = {}): BackoffLanguageModel {
  let lineNo = 0;
  const next = (): string | undefined => {
    if (!cursor.next()) return undefined;
    lineNo = cursor.lineNo;
    return cursor.line();
  };
  const warn = (w: NgramWarning): void => options.onWarning?.(w);

  // Header.
  let line = next();
  while (line !== undefined && line.trim() !== '\\data\\') {
    if (line.includes('\\data\\') && line.includes('\r')) {
      throw new ArpaFormatError('the lines of this text end in \\r only (old Mac line ends): convert them to \\n or \\r\\n', lineNo);
    }
    line = next();
  }
  if (line === undefined) throw new ArpaFormatError('expected the \\data\\ header, found end of text', Math.max(1, lineNo));
  const expected: number[] = [];
  for (line = next(); line !== undefined; line = next()) {
    const t = line.trim();
    if (t === '') {
      if (expected.length > 0) break;
      continue;
    }
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(t);
    if (!m) {
      if (expected.length > 0 && t.startsWith('\\')) break;
      throw new ArpaFormatError(`expected "ngram N=count" in the header, found ${describeValue(t)}`, lineNo);
    }
    const n = Number(m[1]);
    const c = Number(m[2]);
    if (n !== expected.length + 1 || n > MAX_ORDER) {
      throw new ArpaFormatError(`expected "ngram ${expected.length + 1}=…" in the header, found ${describeValue(t)}`, lineNo);
    }
    if (c > 2 ** 31 - 1) throw new ArpaFormatError(`n-gram count ${c} is too large`, lineNo);
    expected.push(c);
  }
  if (expected.length === 0) throw new ArpaFormatError('the \\data\\ header lists no "ngram N=count" lines', Math.max(1, lineNo));
  const order = expected.length;

  const vocab = new NgramWordIndex();
  const table = new WordTable(vocab.words());
  const indexes: (NgramIndex | undefined)[] = [undefined];
  const columns: Columns[] = [];
  const unigramSeen: boolean[] = [];
  const placeholders: number[][] = [];
  // Field ranges of the current entry line, and the ids of the previous line's words.
  const fieldStart = new Int32Array(MAX_FIELDS);
  const fieldEnd = new Int32Array(MAX_FIELDS);
  const fieldHash = new Int32Array(MAX_FIELDS);
  const wordIds = new Int32Array(MAX_ORDER);
  const prefixIds = new Int32Array(MAX_ORDER);
  const fieldText = (text: string, count: number, from: number): string[] =>
    Array.from({ length: count }, (_, i) => text.slice(fieldStart[from + i]!, fieldEnd[from + i]!));
  for (let n = 1; n <= order; n++) {
    // Section header (blank lines allowed before it).
    while (line !== undefined && line.trim() === '') line = next();
    if (line === undefined || line.trim() !== `\\${n}-grams:`) {
      throw new ArpaFormatError(
        `expected the section header \\${n}-grams:, found ${line === undefined ? 'end of text' : describeValue(line.trim())}`,
        line === undefined ? Math.max(1, lineNo) : lineNo,
      );
    }
    const count = expected[n - 1]!;
    // Capacity from the header, bounded so that a corrupt count cannot allocate without limit (columns grow).
    const col = new Columns(Math.min(count + 3, 1 << 22));
    columns.push(col);
    placeholders.push([]);
    // Keys (prefix id, word id) of this section's n-grams in file order. While they strictly increase — files in
    // trie order, as writeArpa writes them — none can repeat, so they are only appended and hashed
    // once at the end of the section; from the first key out of order on, every entry goes through the hash index
    // (which then also catches duplicates).
    let keyParents = new Int32Array(n === 1 ? 0 : Math.min(count, 1 << 22));
    let keyWords = new Int32Array(keyParents.length);
    let keys = 0;
    let lastParent = -1;
    let lastWord = -1;
    let index: NgramIndex | undefined;
    let seen = 0;
    // Number of leading words of the previous line whose ids are in `wordIds`/`prefixIds` (none at a section start).
    let previous = 0;
    line = undefined;
    while (cursor.next()) {
      lineNo = cursor.lineNo;
      const text = cursor.text;
      let s = cursor.start;
      let e = cursor.end;
      // Only KenLM's ARPA spaces (tab, CR, space: its kARPASpaces) end a field: a word may be or end in U+00A0,
      // U+3000... (words split as KenLM splits them), which String.prototype.trim would cut off.
      while (s < e && isArpaSpace(text.charCodeAt(s))) s++;
      while (e > s && isArpaSpace(text.charCodeAt(e - 1))) e--;
      if (s === e) continue;
      if (text.charCodeAt(s) === 92) {
        line = cursor.line();
        break;
      }
      seen++;
      if (seen > count) {
        throw new ArpaFormatError(`section \\${n}-grams: has more than the ${count} entries the header announces`, lineNo);
      }
      // Fields separated by spaces or tabs; each field's hash is computed in the same pass (words are then found
      // without reading their characters again).
      let fields = 0;
      for (let i = s; i < e; ) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 9) {
          i++;
          continue;
        }
        let h = Math.imul(HASH_SEED ^ c, HASH_PRIME);
        let j = i + 1;
        for (; j < e; j++) {
          const d = text.charCodeAt(j);
          if (d === 32 || d === 9) break;
          h = Math.imul(h ^ d, HASH_PRIME);
        }
        if (fields < MAX_FIELDS) {
          fieldStart[fields] = i;
          fieldEnd[fields] = j;
          fieldHash[fields] = h;
        }
        fields++;
        i = j;
      }
      if (fields !== n + 1 && !(n < order && fields === n + 2)) {
        throw new ArpaFormatError(
          `a ${n}-gram entry needs a probability, ${n} word${n > 1 ? 's' : ''}${n < order ? ' and an optional backoff' : ''}; found ${fields} fields`,
          lineNo,
        );
      }
      let prob = fastNumber(text, fieldStart[0]!, fieldEnd[0]!);
      if (prob !== prob) prob = parseNumber(text.slice(fieldStart[0]!, fieldEnd[0]!), 'probability', lineNo);
      if (prob > 0) {
        const field = text.slice(fieldStart[0]!, fieldEnd[0]!);
        throw new ArpaFormatError(`probability ${describeValue(field)} is positive: log10 probabilities must be ≤ 0`, lineNo);
      }
      let backoff = 0;
      if (fields === n + 2) {
        backoff = fastNumber(text, fieldStart[n + 1]!, fieldEnd[n + 1]!);
        if (backoff !== backoff) backoff = parseNumber(text.slice(fieldStart[n + 1]!, fieldEnd[n + 1]!), 'backoff weight', lineNo);
      }
      if (n === 1) {
        const word = text.slice(fieldStart[1]!, fieldEnd[1]!);
        if (word === PAD) throw new ArpaFormatError('the unigram <pad> is reserved for padding in nlpkit vocabularies', lineNo);
        const id = vocab.add(word);
        if (unigramSeen[id]) throw new ArpaFormatError(`duplicate unigram ${describeValue(word)}`, lineNo);
        unigramSeen[id] = true;
        table.insert(word, id);
        col.set(id, prob, backoff);
        continue;
      }
      // ARPA sections are usually sorted, so consecutive lines share a prefix: reuse its ids (prefixIds[i] is
      // the id of the (i+1)-gram made of the first i+1 words of the previous line).
      let same = true;
      for (let i = 0; i < n; i++) {
        const id = table.findHashed(text, fieldStart[i + 1]!, fieldEnd[i + 1]!, finishHash(fieldHash[i + 1]!));
        if (id < 0) {
          const w = text.slice(fieldStart[i + 1]!, fieldEnd[i + 1]!);
          throw new ArpaFormatError(`word ${describeValue(w)} of this ${n}-gram is not among the unigrams`, lineNo);
        }
        if (same && i < previous && i < n - 1 && wordIds[i] === id) continue;
        same = false;
        wordIds[i] = id;
        if (i === 0) prefixIds[0] = id;
        else if (i < n - 1) {
          // Files written in trie order (ours) list the prefixes of consecutive lines in the order they were
          // inserted one section earlier, so the next prefix is usually a few ids after the previous one: check
          // those (sequential memory) before a hash probe (random memory, the reader's main cost).
          const parent = prefixIds[i - 1]!;
          const level = indexes[i]!;
          const levelWords = level.words;
          const levelParents = level.parents;
          let found = -1;
          for (let c = prefixIds[i]! + 1, stop = Math.min(c + 8, level.size); c < stop; c++) {
            if (levelWords[c] === id && levelParents[c] === parent) {
              found = c;
              break;
            }
          }
          prefixIds[i] = found >= 0 ? found : ensure(indexes, i + 1, parent, id, columns, placeholders, warn, lineNo);
        }
      }
      previous = n - 1;
      const parent = prefixIds[n - 2]!;
      const word = wordIds[n - 1]!;
      let id: number;
      if (index === undefined && (parent > lastParent || (parent === lastParent && word > lastWord))) {
        if (keys === keyParents.length) {
          const capacity = Math.max(16, keys * 2);
          const grownParents = new Int32Array(capacity);
          grownParents.set(keyParents);
          const grownWords = new Int32Array(capacity);
          grownWords.set(keyWords);
          keyParents = grownParents;
          keyWords = grownWords;
        }
        keyParents[keys] = parent;
        keyWords[keys] = word;
        id = keys++;
        lastParent = parent;
        lastWord = word;
      } else {
        index ??= NgramIndex.fromArrays(keyParents, keyWords, keys);
        const before = index.size;
        id = index.findOrInsert(parent, word);
        if (id < before) {
          if (!Number.isNaN(col.log10Probs[id]!)) {
            throw new ArpaFormatError(`duplicate ${n}-gram ${describeValue(fieldText(text, n, 1).join(' '))}`, lineNo);
          }
          // A placeholder inserted for a longer n-gram's prefix is now given for real.
          const list = placeholders[n - 1]!;
          list.splice(list.indexOf(id), 1);
        }
      }
      col.set(id, prob, backoff);
    }
    if (n > 1) indexes.push(index ?? NgramIndex.fromArrays(keyParents, keyWords, keys));
    if (seen !== count) {
      throw new ArpaFormatError(
        `section \\${n}-grams: has ${seen} entries but the header announces ${count}`,
        line === undefined ? Math.max(1, lineNo) : lineNo,
      );
    }
  }
  while (line !== undefined && line.trim() === '') line = next();
  if (line === undefined || line.trim() !== '\\end\\') {
    throw new ArpaFormatError(
      `expected \\end\\ after the last section, found ${line === undefined ? 'end of text' : describeValue(line.trim())}`,
      line === undefined ? Math.max(1, lineNo) : lineNo,
    );
  }
  // Text after \end\ means a damaged or concatenated file: refuse it rather than drop it unseen.
  const endLine = lineNo;
  for (line = next(); line !== undefined; line = next()) {
    if (line.trim() !== '') {
      throw new ArpaFormatError(`text after \\end\\ (line ${endLine}): ${describeValue(line.trim().slice(0, 64))}`, lineNo);
    }
  }

  // Specials a model lacks get KenLM's stand-ins.
  const unigrams = columns[0]!;
  for (const [id, word, value] of [[0, UNK, -100], [1, BOS, -99], [2, EOS, -99]] as const) {
    if (!unigramSeen[id]) {
      unigrams.set(id, value, 0);
      warn({ code: 'missing-unk', message: `@nlpkit/ngram: the ARPA model has no ${word}; using log10 p = ${value} for it` });
    }
  }
  const sizes = columns.map((_, n) => (n === 0 ? vocab.size : indexes[n]!.size));
  const model = new BackoffLanguageModel({
    order,
    wordIndex: vocab,
    indexes: indexes.map((index) => {
      index?.trim();
      return index;
    }),
    log10Probs: columns.map((c, n) => c.log10Probs.slice(0, sizes[n])),
    log10Backoffs: columns.map((c, n) => c.log10Backoffs.slice(0, sizes[n])),
  });
  fillPlaceholders(model, placeholders);
  return model;
}

/**
 * A probability or backoff field that {@link fastNumber} did not answer. Every value must fit a float32 (models
 * store float32): `1e999` or `-1e39` is an error, never an Infinity. A literal `-inf` (SRILM's impossible events,
 * the backoff of an MLE model's unseen contexts) is kept as -Infinity (KenLM's -99 floor would not round trip).
 */
function parseNumber(field: string, what: 'probability' | 'backoff weight', line: number): number {
  if (NUMBER.test(field)) {
    const value = Number(field);
    if (!Number.isFinite(Math.fround(value))) {
      throw new ArpaFormatError(`${what} ${describeValue(field)} is out of range (beyond ±3.4e38, the float32 range)`, line);
    }
    return value;
  }
  if (/^-inf(inity)?$/i.test(field)) return -Infinity;
  throw new ArpaFormatError(`${what} ${describeValue(field)} is not a number`, line);
}

/**
 * Id of the (n)-gram (parent, word) at order `n` (1-based), inserting a placeholder when an ARPA file omits a
 * prefix of a longer n-gram; the placeholder's probability is filled in once all sections are read.
 */
function ensure(
  indexes: (NgramIndex | undefined)[],
  n: number,
  parent: number,
  word: number,
  columns: Columns[],
  placeholders: number[][],
  warn: (w: NgramWarning) => void,
  lineNo: number,
): number {
  const index = indexes[n - 1]!;
  const found = index.find(parent, word);
  if (found >= 0) return found;
  const id = index.findOrInsert(parent, word);
  columns[n - 1]!.set(id, Number.NaN, 0);
  placeholders[n - 1]!.push(id);
  warn({
    code: 'missing-prefix',
    order: n,
    message: `@nlpkit/ngram: ARPA line ${lineNo}: the prefix of this ${n + 1}-gram is missing; inserted it with its backed-off probability`,
  });
  return id;
}

/** Gives each inserted prefix the probability the model would give it by backing off (lower orders first). */
function fillPlaceholders(model: BackoffLanguageModel, placeholders: readonly number[][]): void {
  const { indexes, log10Probs, log10Backoffs } = model.data;
  for (let n = 1; n < placeholders.length; n++) {
    for (const id of placeholders[n]!) {
      // The n-gram is (context c = parent of order n, word w): p = bo(c) + p(w | c without its first word).
      const index = indexes[n]!;
      const parent = index.parents[id]!;
      const words: number[] = [];
      let cur = parent;
      for (let level = n - 1; level > 0; level--) {
        words.push(indexes[level]!.words[cur]!);
        cur = indexes[level]!.parents[cur]!;
      }
      words.push(cur);
      words.reverse();
      const state = model.nullContext();
      for (const w of words.slice(1)) model.scoreId(state, w);
      log10Probs[n]![id] = log10Backoffs[n - 1]![parent]! + model.scoreId(state, index.words[id]!);
    }
  }
}
