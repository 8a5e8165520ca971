import { KenlmQueryText, type ScoredLine } from '@nlpkit/ngram';

/** Bytes gathered before a write. */
const BLOCK = 1 << 16;

/**
 * `nlpkit ngram query`'s output: KenLM `query`'s text ({@link KenlmQueryText}: `word=id ngram-length log10p` per
 * token, `</s>` last, `Total: log10p OOV: n` per line, the summary at the end), built as bytes from the scorer's lines
 * (the words copied from the input's bytes, no string per word) and written in blocks of about 64 KiB. Bytes that are
 * not UTF-8 come out as U+FFFD, as when the line is read as a string first.
 */
export class QueryOutput {
  #buffer = new Uint8Array(BLOCK * 2);
  #used = 0;
  readonly #text = new KenlmQueryText();
  readonly #write: (text: string) => void;
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Adds one scored line (a `Utf8TextScorer`'s `onLine`). */
  line(line: ScoredLine): void {
    this.#reserve(KenlmQueryText.maxBytes(line));
    this.#used = this.#text.line(line, this.#buffer, this.#used);
    if (this.#used >= BLOCK) this.flush();
  }

  /** Writes what is gathered. */
  flush(): void {
    if (this.#used === 0) return;
    this.#write(this.#decoder.decode(this.#buffer.subarray(0, this.#used)));
    this.#used = 0;
  }

  /** Writes what is gathered, then KenLM's summary of every line. */
  end(): void {
    this.flush();
    this.#write(this.#text.summary());
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#used + bytes));
    grown.set(this.#buffer.subarray(0, this.#used));
    this.#buffer = grown;
  }
}
