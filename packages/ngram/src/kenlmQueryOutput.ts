import { KenlmQueryText } from './kenlmQueryText.js';
import type { ScoredLine } from './utf8TextScorer.js';

/** Bytes gathered before a block is handed over, by default. */
const BLOCK = 1 << 16;

/**
 * KenLM `query`'s text of scored lines ({@link KenlmQueryText}), gathered as bytes and handed over in blocks of whole
 * lines: `onBlock` gets a view of the formatter's buffer, valid during the call only (decode it, write it, or copy
 * it). Feed it a `Utf8TextScorer`'s `onLine`; {@link end} hands over the rest and then the summary.
 */
export class KenlmQueryOutput {
  /** The formatter, and the corpus figures of its summary. */
  readonly text: KenlmQueryText;
  readonly #onBlock: (bytes: Uint8Array) => void;
  readonly #block: number;
  #buffer: Uint8Array;
  #used = 0;

  /** @param options.block bytes gathered before a block is handed over (default 64 KiB; `Infinity`: only at {@link flush}). */
  constructor(onBlock: (bytes: Uint8Array) => void, options: { readonly block?: number } = {}) {
    this.text = new KenlmQueryText();
    this.#onBlock = onBlock;
    this.#block = options.block ?? BLOCK;
    this.#buffer = new Uint8Array(Math.min(this.#block, BLOCK) * 2);
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
    if (this.#used >= this.#block) this.flush();
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
