import { check } from './errors.js';
import { KenlmQueryText } from './kenlmQueryText.js';
import type { ScoredLine } from './utf8TextScorer.js';

/** Bytes gathered before a block is handed over. */
const BLOCK = 1 << 16;

/**
 * KenLM `query`'s text of scored lines ({@link KenlmQueryText}), gathered as bytes and handed over in blocks of whole
 * lines of about 64 KiB: `onBlock` gets a view of the formatter's buffer, valid during the call only (decode it,
 * write it, or copy it). Feed it a `Utf8TextScorer`'s `onLine`; {@link end} hands over the rest, then the summary.
 */
export class KenlmQueryOutput {
  /** The formatter, and the corpus figures of its summary. */
  readonly text: KenlmQueryText;
  readonly #onBlock: (bytes: Uint8Array) => void;
  #buffer = new Uint8Array(BLOCK * 2);
  #used = 0;

  constructor(onBlock: (bytes: Uint8Array) => void) {
    if (typeof onBlock !== 'function') throw check.invalid(onBlock, 'onBlock', 'a function');
    this.text = new KenlmQueryText();
    this.#onBlock = onBlock;
  }

  /** Adds one scored line. */
  line(line: ScoredLine): void {
    const room = KenlmQueryText.maxBytes(line);
    if (this.#used + room > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#used + room));
      grown.set(this.#buffer.subarray(0, this.#used));
      this.#buffer = grown;
    }
    this.#used = this.text.line(line, this.#buffer, this.#used);
    if (this.#used >= BLOCK) this.flush();
  }

  /** Hands over what is gathered (nothing when nothing is). */
  flush(): void {
    if (this.#used === 0) return;
    const used = this.#used;
    this.#used = 0;
    this.#onBlock(this.#buffer.subarray(0, used));
  }

  /** Hands over what is gathered, then the summary of every line. */
  end(): void {
    this.flush();
    this.#onBlock(new TextEncoder().encode(this.text.summary()));
  }
}
