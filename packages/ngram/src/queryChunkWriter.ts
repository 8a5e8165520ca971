import type { QueryChunkText } from './claimedTextChunks.js';
import { KenlmQueryText } from './kenlmQueryText.js';

/** The calling thread's number in `claimedBy` (the workers are 1, 2, …). */
export const THIS_THREAD = 0;

/**
 * The chunks' texts, written in order as they are done: {@link next} is the first not written yet (also shared with
 * the threads as `written[0]`, which they wait on); the summary's figures are added in the same order.
 */
export class QueryChunkWriter {
  readonly #texts: (QueryChunkText | undefined)[];
  /** Chunks no thread will print: claimed by a thread that is gone, or that failed on this one. */
  readonly #orphans = new Set<number>();
  /** Threads (by number) that are done or gone. */
  readonly #gone = new Set<number>();
  readonly #written: Int32Array;
  readonly #write: (bytes: Uint8Array) => void;
  readonly #release: (chunk: number, bytes: Uint8Array) => void;
  readonly #summary = new KenlmQueryText();
  #wake: (() => void) | undefined;
  next = 0;
  /** What `write` threw, when it did. */
  failure: { readonly error: unknown } | undefined;

  /** `release` is given each chunk's text once written (the writer keeps no reference to it). */
  constructor(chunks: number, written: Int32Array, write: (bytes: Uint8Array) => void, release: (chunk: number, bytes: Uint8Array) => void) {
    this.#texts = Array.from({ length: chunks }, () => undefined);
    this.#written = written;
    this.#write = write;
    this.#release = release;
  }

  /**
   * Chunk `chunk`'s text is ready: writes it, and those after it that are, if its turn has come. Never throws (it
   * runs in the workers' message handlers too): an error of `write` is kept in {@link failure}, and nothing more is
   * written.
   */
  done(chunk: number, text: QueryChunkText): void {
    if (chunk < this.next || this.failure !== undefined) return;
    this.#texts[chunk] = text;
    this.#orphans.delete(chunk);
    while (this.next < this.#texts.length) {
      const ready = this.#texts[this.next];
      if (ready === undefined) break;
      this.#texts[this.next] = undefined;
      try {
        writeLines(ready.bytes, this.#write);
      } catch (error) {
        this.failure = { error };
        break;
      }
      this.#summary.addRecorded(ready.record);
      this.#release(this.next, ready.bytes);
      this.next++;
    }
    Atomics.store(this.#written, 0, this.next);
    Atomics.notify(this.#written, 0);
    this.#wakeUp();
  }

  /** Throws what `write` threw, if it did. */
  rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** This thread could not print `chunk`: it is printed again at its turn (where its error is reported). */
  failed(chunk: number): void {
    this.#orphans.add(chunk);
  }

  /** Thread `thread` is done or gone: a chunk it claimed and did not print is printed here at its turn. */
  gone(claimedBy: Int32Array, thread: number): void {
    this.#gone.add(thread);
    for (let c = this.next; c < claimedBy.length; c++) if (Atomics.load(claimedBy, c) === thread && this.#texts[c] === undefined) this.#orphans.add(c);
    this.#wakeUp();
  }

  /**
   * Whether no thread will print chunk `chunk`: it failed on this thread, or its thread is gone, or every worker is
   * gone and it was claimed (`next[0]` is past it) by one of them (one that died before it could say which).
   */
  isMissing(chunk: number, next: Int32Array, claimedBy: Int32Array, workers: number): boolean {
    if (this.#texts[chunk] !== undefined) return false;
    if (this.#orphans.has(chunk)) return true;
    return this.#gone.size === workers && chunk < Atomics.load(next, 0) && Atomics.load(claimedBy, chunk) !== THIS_THREAD;
  }

  /** Settles at the next chunk done or thread gone. */
  progress(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Writes the summary (when there were lines) and returns the number of lines. */
  end(): number {
    const lines = this.#summary.lines;
    if (lines > 0) this.#write(new TextEncoder().encode(this.#summary.summary()));
    return lines;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Gives `bytes` (whole lines) to `write` in blocks of whole lines of about {@link BLOCK} bytes, as one thread writes
 * them: a consumer that copies what it is given (the CLI's standard output) then makes small copies, which the
 * allocator reuses, not ones of a chunk's whole text, which it maps and unmaps.
 */
function writeLines(bytes: Uint8Array, write: (bytes: Uint8Array) => void): void {
  for (let at = 0; at < bytes.length; ) {
    let end = bytes.length;
    if (end - at > BLOCK) {
      // The last line end in the block; a line longer than a block goes whole.
      const nl = bytes.lastIndexOf(10, at + BLOCK - 1);
      const lineEnd = nl >= at ? nl : bytes.indexOf(10, at + BLOCK);
      end = lineEnd < 0 ? bytes.length : lineEnd + 1;
    }
    write(bytes.subarray(at, end));
    at = end;
  }
}

/** Bytes in a block of {@link writeLines} (at most, unless one line is longer). */
const BLOCK = 1 << 16;
