import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { type KenlmQueryRecord, KenlmQueryText } from './kenlmQueryText.js';
import { pushFileRange } from './pushFileRange.js';
import { type ScoredLine, type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';

/**
 * Scores chunks of the open text file `fd` — chunk c is bytes `cuts[c]` to `cuts[c + 1]`, cut at line starts — each
 * claimed in turn from the counter `next[0]` that every scoring thread shares (`Atomics.add`), until none is left;
 * gives each chunk's per-line totals to `onChunk`. The threads of `scoreTextFileParallel` all run this loop, so a
 * thread that starts late or runs slower takes fewer chunks and they finish together, whatever the machine.
 * `onLines` is told the lines this thread has scored so far.
 */
export function scoreClaimedChunks(
  model: BackoffLanguageModel,
  fd: number,
  cuts: readonly number[],
  next: Int32Array,
  onChunk: (chunk: number, totals: SentenceTotals) => void,
  onLines?: (lines: number) => void,
): void {
  let lines = 0;
  const progress = onLines === undefined ? undefined : (more: number): void => onLines(lines + more);
  const buffer = new Uint8Array(READ_BYTES);
  for (;;) {
    const chunk = Atomics.add(next, 0, 1);
    if (chunk + 1 >= cuts.length) return;
    const totals = scoreChunk(model, fd, cuts, chunk, progress, buffer);
    lines += totals.count;
    onChunk(chunk, totals);
  }
}

/** Bytes read at a time. */
const READ_BYTES = 1 << 18;

/**
 * The per-line totals of chunk `chunk` of the text (see {@link scoreClaimedChunks}), read through `buffer` (one of
 * its own when not given).
 */
export function scoreChunk(
  model: BackoffLanguageModel,
  fd: number,
  cuts: readonly number[],
  chunk: number,
  onLines?: (lines: number) => void,
  buffer = new Uint8Array(READ_BYTES),
): SentenceTotals {
  // Only the file's first chunk starts the text (a byte-order mark there is not a word).
  const scorer = new Utf8TextScorer(model, { startsText: chunk === 0, record: true });
  pushFileRange(scorer, fd, cuts[chunk]!, cuts[chunk + 1]!, onLines, buffer);
  scorer.flush();
  return scorer.sentenceTotals();
}

/** One chunk's text as KenLM's `query` prints it, and the figures of its summary (see {@link queryChunk}). */
export interface QueryChunkText {
  readonly bytes: Uint8Array;
  readonly record: KenlmQueryRecord;
}

/**
 * Chunks that may be claimed ahead of the first one not yet written (see {@link queryClaimedChunks}): the threads'
 * texts wait in memory until the chunks before them are written, so this bounds that memory.
 */
export const QUERY_CHUNKS_AHEAD = 4;

/**
 * {@link scoreClaimedChunks} for KenLM's `query` text: gives each chunk's text and figures to `onChunk`. A thread
 * claims chunk c only while c − `written[0]` (the chunks written so far, shared) is below
 * {@link QUERY_CHUNKS_AHEAD}, waiting otherwise, and records in `claimedBy[c]` its `thread` number before it
 * scores it (so that the writer knows whose chunks a thread that died held). Before each chunk it takes the buffers
 * `spares` gives back (the writer's, once written) to print into.
 */
export function queryClaimedChunks(
  model: BackoffLanguageModel,
  fd: number,
  cuts: readonly number[],
  next: Int32Array,
  written: Int32Array,
  claimedBy: Int32Array,
  thread: number,
  onChunk: (chunk: number, text: QueryChunkText) => void,
  spares?: () => Uint8Array | undefined,
): void {
  const scratch = queryScratch();
  for (;;) {
    for (let spare = spares?.(); spare !== undefined; spare = spares?.()) scratch.spares.push(spare);
    for (;;) {
      const done = Atomics.load(written, 0);
      if (Atomics.load(next, 0) - done < QUERY_CHUNKS_AHEAD) break;
      Atomics.wait(written, 0, done, 1000);
    }
    const chunk = Atomics.add(next, 0, 1);
    if (chunk + 1 >= cuts.length) return;
    Atomics.store(claimedBy, chunk, thread);
    onChunk(chunk, queryChunk(model, fd, cuts, chunk, scratch));
  }
}

/**
 * Chunk `chunk` of the text (see {@link scoreClaimedChunks}) scored word by word: its lines as KenLM's `query` prints
 * them ({@link KenlmQueryText}) and the figures its summary adds up, to be added in the text's order
 * (`KenlmQueryText.addRecorded`). The text is printed into a buffer of `scratch.spares` (the largest, grown as
 * needed; a new one when there is none), which the result then owns (its `bytes` view the start of it): the writer
 * can give it back to the thread, for a later chunk, once it has written it.
 */
export function queryChunk(model: BackoffLanguageModel, fd: number, cuts: readonly number[], chunk: number, scratch: QueryScratch = queryScratch()): QueryChunkText {
  const from = cuts[chunk]!;
  const to = cuts[chunk + 1]!;
  // The text is ~4.5 times the bytes scored (PTB); grown when a chunk needs more.
  let out = takeSpare(scratch.spares, (to - from) * 5);
  let at = 0;
  const text = scratch.text;
  const onLine = (line: ScoredLine): void => {
    const room = KenlmQueryText.maxBytes(line);
    if (at + room > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, at + room));
      grown.set(out.subarray(0, at));
      out = grown;
    }
    at = text.line(line, out, at);
  };
  // Only the file's first chunk starts the text (a byte-order mark there is not a word).
  const scorer = new Utf8TextScorer(model, { startsText: chunk === 0, onLine });
  try {
    pushFileRange(scorer, fd, from, to, undefined, scratch.read);
    scorer.flush();
  } catch (error) {
    // The figures of the lines printed so far are dropped with them.
    text.takeRecorded();
    scratch.spares.push(out);
    throw error;
  }
  return { bytes: out.subarray(0, at), record: text.takeRecorded() };
}

/**
 * The largest buffer of `spares` (taken out; printing grows it if the chunk needs more), or a new one of `bytes`. A
 * buffer kept for a size would go unused by the next chunk, a few bytes longer.
 */
function takeSpare(spares: Uint8Array[], bytes: number): Uint8Array {
  if (spares.length === 0) return new Uint8Array(Math.max(bytes, 1 << 16));
  let best = 0;
  for (let i = 1; i < spares.length; i++) if (spares[i]!.length > spares[best]!.length) best = i;
  const [spare] = spares.splice(best, 1);
  return spare!;
}

/**
 * What {@link queryChunk} reuses from chunk to chunk on one thread: the buffer the text is read into, buffers given
 * back to print into, and the formatter (its scratch and recorded figures).
 */
export interface QueryScratch {
  readonly read: Uint8Array<ArrayBuffer>;
  readonly spares: Uint8Array[];
  readonly text: KenlmQueryText;
}

/** A {@link QueryScratch}. */
export function queryScratch(): QueryScratch {
  return { read: new Uint8Array(READ_BYTES), spares: [], text: new KenlmQueryText({ record: true }) };
}
