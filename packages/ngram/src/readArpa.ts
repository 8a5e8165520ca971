import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ArpaFormatError, describe } from './errors.js';
import type { NgramWarning } from './kneserNeyDiscounts.js';
import { NgramIndex } from './ngramIndex.js';
import { BOS, EOS, UNK, Vocabulary } from './vocabulary.js';

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
 * @throws ArpaFormatError naming the problem and the 1-based line: bad header, a section whose entry count differs
 * from the header, a malformed number, a word missing from the unigrams, a duplicate n-gram, a missing `\end\`.
 */
export function readArpa(text: string, options: ReadArpaOptions = {}): BackoffLanguageModel {
  if (typeof text !== 'string') {
    throw new TypeError(`@nlpkit/ngram: readArpa expects the ARPA text as a string, got ${describe(text)}`);
  }
  return readArpaLines(text.split('\n'), options);
}

/** {@link readArpa} over lines (for streaming readers); each line without its newline. */
export function readArpaLines(lines: Iterable<string>, options: ReadArpaOptions = {}): BackoffLanguageModel {
  const iterator = lines[Symbol.iterator]();
  let lineNo = 0;
  const next = (): string | undefined => {
    const r = iterator.next();
    if (r.done) return undefined;
    lineNo++;
    return r.value.endsWith('\r') ? r.value.slice(0, -1) : r.value;
  };
  const warn = (w: NgramWarning): void => options.onWarning?.(w);

  // Header.
  let line = next();
  while (line !== undefined && line.trim() !== '\\data\\') line = next();
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
      throw new ArpaFormatError(`expected "ngram N=count" in the header, found ${describe(t)}`, lineNo);
    }
    const n = Number(m[1]);
    const c = Number(m[2]);
    if (n !== expected.length + 1 || n > MAX_ORDER) {
      throw new ArpaFormatError(`expected "ngram ${expected.length + 1}=…" in the header, found ${describe(t)}`, lineNo);
    }
    if (c > 2 ** 31 - 1) throw new ArpaFormatError(`n-gram count ${c} is too large`, lineNo);
    expected.push(c);
  }
  if (expected.length === 0) throw new ArpaFormatError('the \\data\\ header lists no "ngram N=count" lines', Math.max(1, lineNo));
  const order = expected.length;

  const vocab = new Vocabulary();
  const indexes: (NgramIndex | undefined)[] = [undefined];
  const logProbs: number[][] = [];
  const backoffs: number[][] = [];
  const unigramSeen: boolean[] = [];
  const placeholders: number[][] = [];
  for (let n = 1; n <= order; n++) {
    // Section header (blank lines allowed before it).
    while (line !== undefined && line.trim() === '') line = next();
    if (line === undefined || line.trim() !== `\\${n}-grams:`) {
      throw new ArpaFormatError(
        `expected the section header \\${n}-grams:, found ${line === undefined ? 'end of text' : describe(line.trim())}`,
        line === undefined ? Math.max(1, lineNo) : lineNo,
      );
    }
    const lp: number[] = [];
    const bo: number[] = [];
    logProbs.push(lp);
    backoffs.push(bo);
    placeholders.push([]);
    const index = n === 1 ? undefined : new NgramIndex(expected[n - 1]);
    if (n > 1) indexes.push(index);
    let seen = 0;
    const prefixWords: string[] = [];
    const prefixIds: number[] = [];
    const wordIds: number[] = [];
    for (line = next(); line !== undefined; line = next()) {
      const t = line.trim();
      if (t === '') continue;
      if (t.startsWith('\\')) break;
      seen++;
      if (seen > expected[n - 1]!) {
        throw new ArpaFormatError(`section \\${n}-grams: has more than the ${expected[n - 1]} entries the header announces`, lineNo);
      }
      const fields = splitFields(t);
      if (fields.length !== n + 1 && !(n < order && fields.length === n + 2)) {
        throw new ArpaFormatError(
          `a ${n}-gram entry needs a probability, ${n} word${n > 1 ? 's' : ''}${n < order ? ' and an optional backoff' : ''}; found ${fields.length} fields`,
          lineNo,
        );
      }
      const prob = parseNumber(fields[0]!, 'probability', lineNo);
      const backoff = fields.length === n + 2 ? parseNumber(fields[n + 1]!, 'backoff weight', lineNo) : 0;
      if (n === 1) {
        const word = fields[1]!;
        const id = vocab.add(word);
        if (unigramSeen[id]) throw new ArpaFormatError(`duplicate unigram ${describe(word)}`, lineNo);
        unigramSeen[id] = true;
        lp[id] = prob;
        bo[id] = backoff;
        continue;
      }
      // ARPA sections are usually sorted, so consecutive lines share a prefix: reuse its ids (prefixIds[i] is
      // the id of the (i+1)-gram made of the first i+1 words of the previous line).
      let same = 0;
      while (same < n - 1 && fields[same + 1] === prefixWords[same]) same++;
      for (let i = same; i < n; i++) {
        const w = fields[i + 1]!;
        const id = vocab.lookup(w);
        if (id < 0 || !unigramSeen[id]) {
          throw new ArpaFormatError(`word ${describe(w)} of this ${n}-gram is not among the unigrams`, lineNo);
        }
        prefixWords[i] = w;
        wordIds[i] = id;
        if (i === 0) prefixIds[0] = id;
        else if (i < n - 1) {
          prefixIds[i] = ensure(indexes, i + 1, prefixIds[i - 1]!, id, logProbs, backoffs, placeholders, warn, lineNo);
        }
      }
      prefixWords.length = n - 1;
      const parent = prefixIds[n - 2]!;
      const word = wordIds[n - 1]!;
      const before = index!.size;
      const id = index!.findOrInsert(parent, word);
      if (id < before) {
        if (!Number.isNaN(lp[id]!)) throw new ArpaFormatError(`duplicate ${n}-gram ${describe(fields.slice(1, n + 1).join(' '))}`, lineNo);
        // A placeholder inserted for a longer n-gram's prefix is now given for real.
        const list = placeholders[n - 1]!;
        list.splice(list.indexOf(id), 1);
      }
      lp[id] = prob;
      bo[id] = backoff;
    }
    if (seen !== expected[n - 1]) {
      throw new ArpaFormatError(
        `section \\${n}-grams: has ${seen} entries but the header announces ${expected[n - 1]}`,
        line === undefined ? Math.max(1, lineNo) : lineNo,
      );
    }
  }
  while (line !== undefined && line.trim() === '') line = next();
  if (line === undefined || line.trim() !== '\\end\\') {
    throw new ArpaFormatError(
      `expected \\end\\ after the last section, found ${line === undefined ? 'end of text' : describe(line.trim())}`,
      line === undefined ? Math.max(1, lineNo) : lineNo,
    );
  }

  // Specials a model lacks get KenLM's stand-ins.
  const unigramProbs = logProbs[0]!;
  for (const [id, word, value] of [[0, UNK, -100], [1, BOS, -99], [2, EOS, -99]] as const) {
    if (!unigramSeen[id]) {
      unigramProbs[id] = value;
      backoffs[0]![id] = 0;
      warn({ code: 'missing-unk', message: `@nlpkit/ngram: the ARPA model has no ${word}; using log10 p = ${value} for it` });
    }
  }
  const model = new BackoffLanguageModel({
    order,
    vocabulary: vocab,
    indexes: indexes.map((index) => {
      index?.trim();
      return index;
    }),
    logProbs: logProbs.map((lp) => Float32Array.from(lp)),
    backoffs: backoffs.map((bo) => Float32Array.from(bo)),
  });
  fillPlaceholders(model, placeholders);
  return model;
}

/** Whitespace-separated fields of a trimmed line (a hand loop: regex split dominated read time). */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let start = 0;
  const length = line.length;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? line.charCodeAt(i) : 32;
    if (c === 32 || c === 9) {
      if (i > start) fields.push(line.slice(start, i));
      start = i + 1;
    }
  }
  return fields;
}

function parseNumber(field: string, what: string, line: number): number {
  if (NUMBER.test(field)) return Number(field);
  // SRILM writes -inf / -99 for impossible events; store it as KenLM's -99 floor would not round trip.
  if (/^-inf(inity)?$/i.test(field)) return -Infinity;
  throw new ArpaFormatError(`${what} ${describe(field)} is not a number`, line);
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
  logProbs: number[][],
  backoffs: number[][],
  placeholders: number[][],
  warn: (w: NgramWarning) => void,
  lineNo: number,
): number {
  const index = indexes[n - 1]!;
  const found = index.find(parent, word);
  if (found >= 0) return found;
  const id = index.findOrInsert(parent, word);
  logProbs[n - 1]![id] = Number.NaN;
  backoffs[n - 1]![id] = 0;
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
  const { indexes, logProbs, backoffs } = model.data;
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
      logProbs[n]![id] = backoffs[n - 1]![parent]! + model.scoreId(state, index.words[id]!);
    }
  }
}
