import type { ScoredLine } from '@nlpkit/ngram';

/** Bytes gathered before a write. */
const BLOCK = 1 << 16;

/**
 * `nlpkit ngram query`'s output, line by line as KenLM's `query` prints it — `word=id ngram-length log10p` per token
 * (an unknown word has id 0), `</s>` last, then `Total: log10p OOV: n` — built as bytes from the scorer's lines
 * ({@link ScoredLine}: the words are copied from the input's bytes, no string per word) and written in blocks of
 * about 64 KiB. The text is what formatting each number with `String` gives, and bytes that are not UTF-8 come out
 * as U+FFFD, as when the line is read as a string first.
 */
export class QueryOutput {
  #buffer = new Uint8Array(BLOCK * 2);
  #used = 0;
  readonly #write: (text: string) => void;
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Adds one scored line (a `Utf8TextScorer`'s `onLine`). */
  line(line: ScoredLine): void {
    const { bytes, count, starts, ends, ids, log10Probs, lengths } = line;
    let words = 0;
    for (let i = 0; i < count; i++) words += ends[i]! - starts[i]!;
    // Each number is at most 24 characters, each id 10, each length 2.
    this.#reserve(words + (count + 1) * 48 + 64);
    const out = this.#buffer;
    let at = this.#used;
    for (let i = 0; i < count; i++) {
      for (let b = starts[i]!; b < ends[i]!; b++) out[at++] = bytes[b]!;
      at = ascii(out, at, `=${Math.max(0, ids[i]!)} ${lengths[i]} ${log10Probs[i]}\t`);
    }
    at = ascii(out, at, `</s>=2 ${lengths[count]} ${log10Probs[count]}\tTotal: ${line.log10Prob} OOV: ${line.oov}\n`);
    this.#used = at;
    if (at >= BLOCK) this.flush();
  }

  /** Writes what is gathered. */
  flush(): void {
    if (this.#used === 0) return;
    this.#write(this.#decoder.decode(this.#buffer.subarray(0, this.#used)));
    this.#used = 0;
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#used + bytes));
    grown.set(this.#buffer.subarray(0, this.#used));
    this.#buffer = grown;
  }
}

/** Writes the ASCII `text` at `out[at..]`; returns where it ends. */
function ascii(out: Uint8Array, at: number, text: string): number {
  for (let k = 0; k < text.length; k++) out[at++] = text.charCodeAt(k);
  return at;
}
