import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { pushFileRange } from './pushFileRange.js';
import { type SentenceTotals, Utf8TextScorer } from './utf8TextScorer.js';

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
