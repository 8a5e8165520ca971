import { describeValue } from '@nlpkit/core';
import { LineCursor } from './arpaScanner.js';
import { STUPID_BACKOFF_MAGIC } from './detectFormat.js';
import { ArpaFormatError, StupidBackoffFormatError, check, positive } from './errors.js';
import { NgramIndex } from './ngramIndex.js';
import { BOS, EOS, NgramWordIndex, UNK } from './ngramWordIndex.js';
import type { SentencePadding } from './ngramStatistics.js';
import { type StupidBackoffModel, stupidBackoffFromCounts } from './stupidBackoff.js';
import { STUPID_BACKOFF_VERSION } from './stupidBackoffFormat.js';

/** Options of {@link readStupidBackoff}. */
export interface ReadStupidBackoffOptions {
  /** The backoff multiplier to score with (default: the file's `alpha`). */
  readonly alpha?: number;
}

/**
 * Reads a stupid-backoff file (written by `stupidBackoffByteChunks`, `writeStupidBackoffFile` or a cluster) into a
 * {@link StupidBackoffModel} that scores exactly as the model written: the same counts, the same arithmetic.
 * @throws StupidBackoffFormatError (code `ERR_STUPID_BACKOFF_FORMAT`) naming the line, what was expected there and
 * what was found: another format (ARPA text included), a bad header, a malformed or unsorted entry, a word missing
 * from the 1-grams, an n-gram whose prefix is not listed, a section shorter or longer than the header says, a
 * missing `\end` (a truncated file) or text after it.
 */
export function readStupidBackoff(text: string, options: ReadStupidBackoffOptions = {}): StupidBackoffModel {
  check.string(text, 'text');
  return readStupidBackoffChunks([text], options);
}

/** {@link readStupidBackoff} over text in pieces of any size (for streaming readers). */
export function readStupidBackoffChunks(chunks: Iterable<string>, options: ReadStupidBackoffOptions = {}): StupidBackoffModel {
  check.options(options, 'options', ['alpha']);
  if (options.alpha !== undefined) positive(options.alpha, 'options.alpha');
  const cursor = new LineCursor(chunks, false, 0);
  let lineNo = 0;
  const next = (): string | undefined => {
    let more: boolean;
    try {
      more = cursor.next();
    } catch (error) {
      if (error instanceof ArpaFormatError) throw new StupidBackoffFormatError(lineNo + 1, 'a line of at most 1 MiB', 'a longer one (binary data?)');
      throw error;
    }
    lineNo = cursor.lineNo;
    return more ? cursor.line() : undefined;
  };
  /** Throws the error for this line; `found` is the line (quoted, cut at 80 characters), or a description when `described`. */
  const fail = (expected: string, found: string | undefined, described = false): never => {
    const text = found === undefined ? 'the end of the text' : described ? found : describeValue(found.length > 80 ? `${found.slice(0, 80)}…` : found);
    throw new StupidBackoffFormatError(Math.max(1, found === undefined ? lineNo + 1 : lineNo), expected, text);
  };

  // Header.
  const magic = `${STUPID_BACKOFF_MAGIC}${STUPID_BACKOFF_VERSION}`;
  let line = next();
  if (line !== magic) {
    if (line?.startsWith(STUPID_BACKOFF_MAGIC)) fail(`"${magic}" (this reader knows version ${STUPID_BACKOFF_VERSION})`, line);
    if (line?.trim() === '\\data\\') fail(`"${magic}" (a stupid-backoff file)`, 'ARPA text (\\data\\): read it with readArpa', true);
    fail(`"${magic}" (a stupid-backoff file)`, line);
  }
  const field = (name: string, pattern: RegExp, expected: string): string => {
    const l = next();
    const m = l === undefined ? null : pattern.exec(l);
    if (!m || !l!.startsWith(`${name} `)) return fail(`"${name} ${expected}"`, l);
    return m[1]!;
  };
  const order = Number(field('order', /^order ([1-9]|10)$/, 'N (1 to 10)'));
  const padding = field('padding', /^padding (kenlm|nltk)$/, 'kenlm or nltk') as SentencePadding;
  const alphaText = field('alpha', /^alpha (\S+)$/, 'A (a positive number)');
  const fileAlpha = Number(alphaText);
  if (!(fileAlpha > 0) || !Number.isFinite(fileAlpha)) fail('"alpha A" with A a positive number', `alpha ${alphaText}`);
  const sizes: number[] = [];
  for (let n = 1; n <= order; n++) sizes.push(Number(field('ngrams', new RegExp(`^ngrams ${n} (\\d{1,10})$`), `${n} COUNT`)));
  if (sizes[0]! < 3) fail('at least 3 1-grams (<unk>, <s>, </s>)', `ngrams 1 ${sizes[0]}`);
  line = next();
  if (line !== '') fail('a blank line after the header', line);

  // Sections.
  const wordIndex = new NgramWordIndex();
  const indexes: (NgramIndex | undefined)[] = [undefined];
  const counts: Float64Array[] = [];
  const ids = new Int32Array(order);
  for (let n = 1; n <= order; n++) {
    line = next();
    if (line !== `\\${n}-grams`) fail(`"\\${n}-grams" (the section of order ${n})`, line);
    const size = sizes[n - 1]!;
    const c = new Float64Array(size);
    const index = n === 1 ? undefined : new NgramIndex(size);
    let previous = -1;
    let previousWord = -1;
    for (let i = 0; i < size; i++) {
      line = next();
      if (line === undefined || line.startsWith('\\')) fail(`${size} ${n}-grams in the section of order ${n} (the header says so)`, line === undefined ? undefined : `${i}, then ${describeValue(line)}`, true);
      const tab = line!.indexOf('\t');
      const countText = tab < 0 ? '' : line!.slice(0, tab);
      const words = tab < 0 ? [] : line!.slice(tab + 1).split(' ');
      if (!/^\d{1,15}$/.test(countText) || words.length !== n || words.includes('')) {
        fail(`an entry "COUNT<TAB>${n === 1 ? 'WORD' : `${n} words separated by spaces`}"`, line);
      }
      const count = Number(countText);
      c[i] = count;
      if (n === 1) {
        const word = words[0]!;
        const reserved = [UNK, BOS, EOS][i];
        if (reserved !== undefined ? word !== reserved : wordIndex.has(word) || word === '<pad>') {
          fail(reserved !== undefined ? `${reserved} as 1-gram ${i + 1}` : 'a word not listed before (nor <pad>)', line);
        }
        if (reserved === undefined) wordIndex.add(word);
        continue;
      }
      if (count < 1) fail(`a count ≥ 1 for a ${n}-gram`, line);
      for (let k = 0; k < n; k++) {
        ids[k] = wordIndex.lookup(words[k]!);
        if (ids[k]! < 0) fail('n-grams of words listed in the 1-grams section', line);
      }
      let parent = ids[0]!;
      for (let k = 1; k < n - 1 && parent >= 0; k++) parent = indexes[k]!.find(parent, ids[k]!);
      if (parent < 0) fail(`a ${n}-gram whose first ${n - 1} words are listed among the ${n - 1}-grams`, line);
      const word = ids[n - 1]!;
      if (parent < previous || (parent === previous && word <= previousWord)) fail(`${n}-grams sorted by their words' indexes, each once`, line);
      index!.findOrInsert(parent, word);
      previous = parent;
      previousWord = word;
    }
    counts.push(c);
    if (index) indexes.push(index);
  }
  line = next();
  if (line !== '\\end') fail('"\\end" after the last section', line);
  line = next();
  if (line !== undefined) fail('nothing after "\\end"', line);

  // Per-context totals, as the in-memory estimator sums them.
  const totals: Float64Array[] = [Float64Array.of(counts[0]!.reduce((s, x) => s + x, 0))];
  for (let n = 1; n < order; n++) {
    const total = new Float64Array(sizes[n - 1]!);
    const parents = indexes[n]!.parents;
    const c = counts[n]!;
    for (let id = 0; id < c.length; id++) total[parents[id]!]! += c[id]!;
    totals.push(total);
  }
  return stupidBackoffFromCounts({ order, padding, wordIndex, indexes, counts, totals }, options.alpha ?? fileAlpha);
}
