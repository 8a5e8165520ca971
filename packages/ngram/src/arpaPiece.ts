import { type Float32ByteCache, type Float32Scratch, cachedFloat32BytesAt, float32ByteCache, float32BytesAt, float32Scratch } from './float32Bytes.js';

/** Most bytes a number takes ({@link float32BytesAt}). */
const NUMBER_BYTES = 16;

/**
 * Every word's UTF-8 bytes followed by a space, as the ARPA formatters copy them: in 32-bit chunks (little-endian,
 * zero-padded). A word's first 12 bytes (with its space) are also in `heads`, three chunks per word, which the
 * formatters always write: three stores, and no loop whose length varies from word to word (its branches were
 * mispredicted); only the few longer words go on from `chunks`.
 */
export interface VocabularyBytes {
  /** Word w and its space are the first `starts[w + 1] − starts[w] + 1` bytes of `chunks[chunkStarts[w] .. chunkStarts[w + 1])`. */
  readonly chunks: Uint32Array;
  readonly chunkStarts: Int32Array;
  /** Word w is `starts[w + 1] − starts[w]` bytes long. */
  readonly starts: Int32Array;
  /** `chunks` of word w from `chunkStarts[w]` on, three per word (zero-padded): its first 12 bytes. */
  readonly heads: Uint32Array;
  /** Bytes of word w with its space. */
  readonly lengths: Int32Array;
  /** Bytes of the longest word. */
  readonly longest: number;
}

/** Bytes of a word (with its space) in {@link VocabularyBytes.heads}: the formatters write that many for every word. */
const HEAD_BYTES = 12;

/** The words' bytes (each word encoded once), in `allocate`d memory (shared memory for worker threads). */
export function vocabularyBytes(words: readonly string[], allocate: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): VocabularyBytes {
  const encoder = new TextEncoder();
  const encoded = words.map((word) => encoder.encode(`${word} `));
  const starts = new Int32Array(allocate(4 * (encoded.length + 1)));
  const chunkStarts = new Int32Array(allocate(4 * (encoded.length + 1)));
  for (let v = 0; v < encoded.length; v++) {
    starts[v + 1] = starts[v]! + encoded[v]!.length - 1;
    chunkStarts[v + 1] = chunkStarts[v]! + ((encoded[v]!.length + 3) >>> 2);
  }
  const chunks = new Uint32Array(allocate(4 * chunkStarts[encoded.length]!));
  const heads = new Uint32Array(allocate(4 * 3 * encoded.length));
  const lengths = new Int32Array(allocate(4 * encoded.length));
  for (let v = 0; v < encoded.length; v++) {
    const word = encoded[v]!;
    lengths[v] = word.length;
    for (let i = 0; i < word.length; i++) {
      chunks[chunkStarts[v]! + (i >>> 2)]! |= word[i]! << (8 * (i & 3));
      if (i < HEAD_BYTES) heads[3 * v + (i >>> 2)]! |= word[i]! << (8 * (i & 3));
    }
  }
  return { chunks, chunkStarts, starts, heads, lengths, longest: encoded.reduce((m, b) => Math.max(m, b.length - 1), 0) };
}

/**
 * Lines `from` to `to` (positions in the suffix order) of one order (0-based `n`) of an ARPA file — the same
 * bytes as `arpaByteChunks` writes for them. What a piece reads: the order's suffix order (`perm`, `prefixRanks`,
 * `wordStarts`, see `suffixOrder`), its numbers by id, and the word rows of the order below (`below`, `n` words per
 * position in that order's suffix order; unused for n ≤ 1). When `rows` is not empty, the piece's own rows (`n + 1`
 * words per position) are written there, for the order above.
 */
export interface ArpaPiece {
  readonly n: number;
  readonly from: number;
  readonly to: number;
  /** `perm[i]`: the id at position i; undefined when that is i. */
  readonly perm: Uint32Array | undefined;
  readonly prefixRanks: Uint32Array | Int32Array;
  readonly wordStarts: Uint32Array;
  /** The order's log10 probabilities by id. */
  readonly log10Probs: Float32Array;
  /** Its log10 backoffs by id; empty for the highest order (no backoff column). */
  readonly log10Backoffs: Float32Array;
  readonly below: Int32Array;
  readonly rows: Int32Array;
}

/** Scratch of one formatting thread: the number formatter's and a cache of backoff texts. */
export interface ArpaPieceScratch {
  readonly numbers: Float32Scratch;
  readonly backoffTexts: Float32ByteCache;
  /** The text is written here (grown as needed), then copied out at its exact length: no garbage per piece. */
  out: Uint8Array;
  /** A block's numbers and words, gathered before its lines are written (the words of up to 10-grams). */
  readonly probs: Float32Array;
  readonly backoffs: Float32Array;
  readonly words: Int32Array;
}

/** A scratch for {@link arpaPieceBytes}; one per formatting thread. */
export function arpaPieceScratch(): ArpaPieceScratch {
  return {
    numbers: float32Scratch(),
    backoffTexts: float32ByteCache(),
    out: new Uint8Array(1 << 16),
    probs: new Float32Array(BLOCK),
    backoffs: new Float32Array(BLOCK),
    words: new Int32Array(BLOCK * MAX_WIDTH),
  };
}

/** The first position at or after which `wordStarts[w + 1] > i` (the word of position i), by binary search. */
function wordAt(wordStarts: Uint32Array, i: number): number {
  let lo = 0;
  let hi = wordStarts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (wordStarts[mid + 1]! <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lines gathered at a time: their numbers and words are read from the model's arrays in one tight loop each. */
const BLOCK = 1024;
/** Most words in a line (10-grams, the highest order a model may have). */
const MAX_WIDTH = 10;

/**
 * The text of `piece` as bytes (a fresh buffer, exactly its length). In blocks of lines: first the block's numbers
 * (by id, at random) and words (from the order below's rows, forward but sparse) are gathered in tight loops,
 * where the processor overlaps the cache misses of many lines; then the lines are written from those small arrays
 * front to back. Plain loops over local variables: this is the hot loop of writing an ARPA file.
 */
export function arpaPieceBytes(piece: ArpaPiece, vocab: VocabularyBytes, scratch: ArpaPieceScratch): Uint8Array {
  const end = appendArpaPiece(piece, vocab, scratch, scratch.out, 0);
  return scratch.out.slice(0, end);
}

/**
 * Most bytes {@link appendArpaPiece} writes for `lines` lines of order `n` (0-based) — room to leave after `at`
 * in the buffer it is given (a word's last 32-bit chunks may write up to 11 bytes past its space).
 */
export function arpaPieceMaxBytes(n: number, lines: number, vocab: VocabularyBytes): number {
  return lines * ((n + 1) * (Math.max(vocab.longest, HEAD_BYTES) + 4) + 2 * NUMBER_BYTES + 3);
}

/**
 * Writes the text of `piece` into `into` from `at` and returns the position after it (what
 * {@link arpaPieceBytes} copies out): writers that gather many pieces into one large block write them in place.
 * When `into` is `scratch.out` it is grown as needed (`scratch.out` then names the grown buffer, its first `at`
 * bytes kept); any other buffer must have {@link arpaPieceMaxBytes} bytes of room after `at`: with less, the result
 * is -1 and the bytes after `at` are not text (this module, loaded by formatting threads, throws nothing).
 */
export function appendArpaPiece(piece: ArpaPiece, vocab: VocabularyBytes, scratch: ArpaPieceScratch, into: Uint8Array, at: number): number {
  const { n, from, to, perm, prefixRanks, wordStarts, log10Probs, log10Backoffs, below, rows } = piece;
  const hasBackoffs = log10Backoffs.length > 0;
  const keepRows = rows.length > 0;
  const width = n + 1;
  // A word's chunks may write up to 11 bytes past its space (overwritten by what follows).
  const lineBytes = arpaPieceMaxBytes(n, 1, vocab);
  const { probs, backoffs } = scratch;
  // The block's words, n + 1 per line (written to `rows` directly when they are kept).
  const blockWords = keepRows ? rows : scratch.words;
  const growable = into === scratch.out;
  let buffer = into;
  let view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let word = wordAt(wordStarts, from);
  for (let start = from; start < to; start += BLOCK) {
    const end = Math.min(to, start + BLOCK);
    // Gather.
    if (perm === undefined) {
      probs.set(log10Probs.subarray(start, end));
      if (hasBackoffs) backoffs.set(log10Backoffs.subarray(start, end));
    } else if (hasBackoffs) {
      for (let i = start, j = 0; i < end; i++, j++) {
        const id = perm[i]!;
        probs[j] = log10Probs[id]!;
        backoffs[j] = log10Backoffs[id]!;
      }
    } else {
      for (let i = start, j = 0; i < end; i++, j++) probs[j] = log10Probs[perm[i]!]!;
    }
    const base = keepRows ? start * width : 0;
    for (let i = start, w = base; i < end; i++, w += width) {
      while (wordStarts[word + 1]! <= i) word++;
      const prefix = prefixRanks[i]!;
      if (n === 1) blockWords[w] = prefix;
      else for (let k = 0; k < n; k++) blockWords[w + k] = below[prefix * n + k]!;
      blockWords[w + n] = word;
    }
    // Write.
    if (at + (end - start) * lineBytes > buffer.length) {
      // No room left in the caller's buffer: the caller reports it.
      if (!growable) return -1;
      const grown = new Uint8Array(Math.max(buffer.length * 2, at + (end - start) * lineBytes));
      grown.set(buffer.subarray(0, at));
      buffer = grown;
      scratch.out = grown;
      view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    at = writeArpaLines(end - start, width, probs, hasBackoffs ? backoffs : undefined, blockWords, base, vocab, scratch, buffer, view, at);
  }
  return at;
}

/**
 * Writes `lines` ARPA lines into `buffer` from `at` and returns the position after them: line j is `probs[j]`, a
 * tab, the `width` words `words[wordsAt + j·width …]` (ids into `vocab`) separated by spaces, then a tab and
 * `backoffs[j]` when `backoffs` is given, then a newline. The caller leaves {@link arpaPieceMaxBytes} of room per
 * line (`view` is a DataView of `buffer`). The line loop every byte writer of ARPA text shares.
 */
export function writeArpaLines(
  lines: number,
  width: number,
  probs: Float32Array,
  backoffs: Float32Array | undefined,
  words: Int32Array,
  wordsAt: number,
  vocab: VocabularyBytes,
  scratch: ArpaPieceScratch,
  buffer: Uint8Array,
  view: DataView,
  at: number,
): number {
  const { chunks, chunkStarts, heads, lengths } = vocab;
  const { numbers, backoffTexts } = scratch;
  for (let j = 0, w = wordsAt; j < lines; j++, w += width) {
    at = float32BytesAt(probs, j, buffer, at, numbers);
    buffer[at++] = 9;
    for (let k = 0; k < width; k++) {
      const v = words[w + k]!;
      const length = lengths[v]!;
      const h = 3 * v;
      view.setUint32(at, heads[h]!, true);
      view.setUint32(at + 4, heads[h + 1]!, true);
      view.setUint32(at + 8, heads[h + 2]!, true);
      if (length > HEAD_BYTES) {
        for (let c = chunkStarts[v]! + 3, e = chunkStarts[v + 1]!, o = at + HEAD_BYTES; c < e; c++, o += 4) view.setUint32(o, chunks[c]!, true);
      }
      at += length;
    }
    at--; // the space after the last word: a tab or the line's end goes there
    if (backoffs !== undefined) {
      buffer[at++] = 9;
      at = cachedFloat32BytesAt(backoffs, j, buffer, at, backoffTexts);
    }
    buffer[at++] = 10;
  }
  return at;
}
