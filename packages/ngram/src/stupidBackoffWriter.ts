import { check } from './errors.js';
import type { StupidBackoffModel } from './stupidBackoff.js';
import { STUPID_BACKOFF_END, StupidBackoffLineWriter, stupidBackoffHeader, stupidBackoffSectionHeader } from './stupidBackoffFormat.js';

/** Characters a word of a stupid-backoff file cannot hold: they separate its fields and lines. */
const SEPARATOR = /[\t\n\r ]/;

/**
 * The stupid-backoff file of `model` (the format is documented in `stupidBackoffFormat.ts` and the README) as UTF-8
 * bytes in pieces of about 64 KiB, for streaming writers: the raw counts of every n-gram, n-grams of each order
 * sorted by their words' indexes, alpha as the default. The bytes depend only on the counts and alpha.
 * @throws InvalidArgumentError for a word holding a space, tab or line break (the file could not be read back).
 */
export function* stupidBackoffByteChunks(model: StupidBackoffModel): Generator<Uint8Array, void, undefined> {
  const { order, padding, wordIndex, indexes, counts } = model.counts;
  const words = wordIndex.words();
  for (const [i, word] of words.entries()) {
    if (SEPARATOR.test(word)) throw check.invalid(word, `vocabulary word ${i}`, 'a word without spaces, tabs or line breaks (they separate the fields of a stupid-backoff file)');
  }
  const sizes = counts.map((c, n) => (n === 0 ? words.length : indexes[n]!.size));
  const out = new StupidBackoffLineWriter(words);
  out.text(stupidBackoffHeader({ order, padding, alpha: model.alpha, counts: sizes }));
  out.text(stupidBackoffSectionHeader(1));
  const one = new Int32Array(1);
  for (let w = 0; w < words.length; w++) {
    one[0] = w;
    out.line(counts[0]![w]!, one, 0, 1);
    if (out.full) yield out.take();
  }
  // Each order sorted by (rank of its prefix among the order below, last word): lexicographic by word ids.
  let rankOf = Int32Array.from({ length: words.length }, (_, w) => w);
  let idOfRank = rankOf;
  const ids = new Int32Array(order);
  for (let n = 2; n <= order; n++) {
    out.text(stupidBackoffSectionHeader(n));
    const index = indexes[n - 1]!;
    const size = index.size;
    const V = words.length;
    // prefixRank·V + word is exact below 2^53 (V·size is far below it).
    const keys = new Float64Array(size);
    for (let id = 0; id < size; id++) keys[id] = rankOf[index.parents[id]!]! * V + index.words[id]!;
    keys.sort();
    const nextRankOf = new Int32Array(size);
    const nextIdOfRank = new Int32Array(size);
    const c = counts[n - 1]!;
    for (let r = 0; r < size; r++) {
      const key = keys[r]!;
      const prefixRank = Math.floor(key / V);
      const word = key - prefixRank * V;
      const id = index.find(idOfRank[prefixRank]!, word);
      nextRankOf[id] = r;
      nextIdOfRank[r] = id;
      // The words: the last, then up the prefix chain.
      ids[n - 1] = word;
      let parent = index.parents[id]!;
      for (let k = n - 2; k >= 1; k--) {
        ids[k] = indexes[k]!.words[parent]!;
        parent = indexes[k]!.parents[parent]!;
      }
      ids[0] = parent;
      out.line(c[id]!, ids, 0, n);
      if (out.full) yield out.take();
    }
    rankOf = nextRankOf;
    idOfRank = nextIdOfRank;
  }
  out.text(STUPID_BACKOFF_END);
  yield out.take();
}

/** The whole stupid-backoff file of `model` as a string (see {@link stupidBackoffByteChunks}). */
export function writeStupidBackoff(model: StupidBackoffModel): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const bytes of stupidBackoffByteChunks(model)) text += decoder.decode(bytes, { stream: true });
  return text + decoder.decode();
}
