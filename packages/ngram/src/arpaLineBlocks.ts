import { type ArpaPieceScratch, type VocabularyBytes, arpaPieceMaxBytes, arpaPieceScratch, writeArpaLines } from './arpaPiece.js';
import { log10fInto } from './log10f.js';

/** Most lines gathered before they are formatted together. */
const BLOCK = 1024;
/** Bytes of text gathered before {@link ArpaLineBlocks.take} hands them out. */
const CHUNK_BYTES = 1 << 20;

/**
 * ARPA lines turned into bytes in blocks, for writers that compute each line's numbers one at a time (the
 * out-of-core estimator's last pass): the caller puts line `count`'s numbers and words into `probs`, `backoffs`
 * and `words` (`width` ids per line, first word first) and calls {@link add}; every `capacity` lines (1,024,
 * fewer when the vocabulary has very long words) the block is formatted by the byte writer the in-memory ARPA writer
 * uses (`writeArpaLines`), and {@link take} hands out the text in chunks of about 1 MiB: no string per number or per
 * line.
 */
export class ArpaLineBlocks {
  /** Lines per block. */
  readonly capacity: number;
  readonly probs: Float32Array;
  readonly backoffs: Float32Array;
  readonly words: Int32Array;
  /** Lines put in the current block. */
  count = 0;
  /** Words per line of the current section. */
  width = 1;
  #backoffs = false;
  readonly #linear: boolean;
  readonly #vocab: VocabularyBytes;
  readonly #scratch: ArpaPieceScratch = arpaPieceScratch();
  #out: Uint8Array;
  #view: DataView;
  #at = 0;

  /**
   * `maxWidth`: the most words a line will have (the model's order). `linear`: the caller puts in linear numbers
   * (a probability, and an interpolation weight for the backoff, 1 for a backoff of 0); their log10 (glibc's
   * `log10f`, probabilities clamped at 0, as lmplz writes them) is taken a block at a time here, in one call.
   */
  constructor(vocab: VocabularyBytes, maxWidth: number, linear = false) {
    this.#vocab = vocab;
    this.#linear = linear;
    const lineBytes = arpaPieceMaxBytes(maxWidth - 1, 1, vocab);
    this.capacity = Math.max(1, Math.min(BLOCK, Math.floor(CHUNK_BYTES / lineBytes)));
    this.probs = new Float32Array(this.capacity);
    this.backoffs = new Float32Array(this.capacity);
    this.words = new Int32Array(this.capacity * maxWidth);
    this.#out = new Uint8Array(CHUNK_BYTES + this.capacity * lineBytes);
    this.#view = new DataView(this.#out.buffer);
  }

  /** Starts a section of `width`-word lines, with a backoff column or not (the block so far is formatted first). */
  section(width: number, backoffs: boolean): void {
    this.#format();
    this.width = width;
    this.#backoffs = backoffs;
  }

  /** Counts the line just put in; true when at least a chunk of text is ready for {@link take}. */
  add(): boolean {
    if (++this.count < this.capacity) return false;
    this.#format();
    return this.#at >= CHUNK_BYTES;
  }

  /** The text formatted so far, with the lines of the current block (a fresh array; undefined when empty). */
  take(): Uint8Array | undefined {
    this.#format();
    if (this.#at === 0) return undefined;
    const bytes = this.#out.slice(0, this.#at);
    this.#at = 0;
    return bytes;
  }

  #format(): void {
    if (this.count === 0) return;
    const room = arpaPieceMaxBytes(this.width - 1, this.count, this.#vocab);
    if (this.#at + room > this.#out.length) {
      // Only when a caller kept adding after `add` said a chunk was ready.
      const grown = new Uint8Array(2 * (this.#at + room));
      grown.set(this.#out.subarray(0, this.#at));
      this.#out = grown;
      this.#view = new DataView(grown.buffer);
    }
    const backoffs = this.#backoffs ? this.backoffs : undefined;
    if (this.#linear) {
      log10fInto(this.probs, 0, 1, this.probs, this.count, true);
      if (backoffs !== undefined) log10fInto(backoffs, 0, 1, backoffs, this.count, false);
    }
    this.#at = writeArpaLines(this.count, this.width, this.probs, backoffs, this.words, 0, this.#vocab, this.#scratch, this.#out, this.#view, this.#at);
    this.count = 0;
  }
}
