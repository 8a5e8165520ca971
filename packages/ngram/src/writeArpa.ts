import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { arpaPieceBytes, arpaPieceScratch, vocabularyBytes } from './arpaPiece.js';
import { suffixOrder } from './suffixOrder.js';
import { largeInt32Array } from './largeArrays.js';

/** Options of {@link arpaByteChunks}. */
export interface ArpaBytesOptions {
  /**
   * Called between orders when large arrays have been dropped: a chance to give their memory back
   * (`collectDroppedArrays` of `@nlpkit/ngram/node`, which `writeArpaFile` passes; lower peak memory).
   */
  readonly collect?: () => void;
}

/** Bytes of text between two calls of `collect`. */
const COLLECT_EVERY = 1 << 25;

/** Lines per piece of text (a piece is tens of KB). */
const PIECE_LINES = 2048;

/**
 * The ARPA file of `model` as UTF-8 bytes in pieces (one per 2,048 lines and one per header), for writers: the
 * same bytes as {@link arpaChunks}, built without a JavaScript string per line or per number (each word encoded
 * once, numbers written as digits straight into the buffer, see {@link arpaPieceBytes}), which is most of what
 * writing an ARPA file costs. `parallelArpaChunks` (Node) writes the same pieces on worker threads.
 */
export function* arpaByteChunks(model: BackoffLanguageModel, options: ArpaBytesOptions = {}): Generator<Uint8Array, void, undefined> {
  const { order, wordIndex, log10Probs, log10Backoffs } = model.data;
  const encoder = new TextEncoder();
  const vocab = vocabularyBytes(wordIndex.words());
  const scratch = arpaPieceScratch();
  yield encoder.encode(arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length)));
  let below: Int32Array = new Int32Array(0);
  let n = 0;
  let written = 0;
  for (const level of suffixOrder(model.data)) {
    // The order before's sort arrays and the rows of the one below it are dropped by now.
    if (n > 0 && log10Probs[n - 1]!.length >= 1 << 20) options.collect?.();
    yield encoder.encode(arpaSectionHeader(n + 1));
    const size = log10Probs[n]!.length;
    const top = n + 1 === order;
    // Rows are kept for the order above from bigrams up (unigram rows would be the word ids themselves).
    const rows = largeInt32Array(n >= 1 && !top ? size * (n + 1) : 0);
    const piece = {
      n,
      perm: level.perm,
      prefixRanks: level.prefixRanks,
      wordStarts: level.wordStarts,
      log10Probs: log10Probs[n]!,
      log10Backoffs: top ? new Float32Array(0) : log10Backoffs[n]!,
      below,
      rows,
    };
    for (let from = 0; from < size; from += PIECE_LINES) {
      const bytes = arpaPieceBytes({ ...piece, from, to: Math.min(size, from + PIECE_LINES) }, vocab, scratch);
      // The pieces already written are garbage that V8 would collect late: give their memory back now and then.
      written += bytes.length;
      if (written >= COLLECT_EVERY) {
        written = 0;
        options.collect?.();
      }
      yield bytes;
    }
    below = rows;
    n++;
  }
  yield encoder.encode(ARPA_END);
}

/**
 * The ARPA text of `model` in pieces (one per ~64 KiB), so a caller can stream a large model to a file without
 * holding the whole text. The layout is lmplz's, byte for byte: n-grams in KenLM's suffix order (see
 * {@link suffixOrder}), numbers as the shortest decimals that read back to the stored float32 values, every
 * backoff of the orders below the highest written (`0` included), and `<s>` with the log10 probability the model
 * holds (0 for estimated models, as lmplz writes it; an SRILM file's -99 is kept as read). Writers to files use
 * {@link arpaByteChunks}, the same text as bytes.
 */
export function* arpaChunks(model: BackoffLanguageModel): Generator<string, void, undefined> {
  const decoder = new TextDecoder();
  for (const bytes of arpaByteChunks(model)) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The whole ARPA text of `model` (see {@link arpaChunks} for the format details). */
export function writeArpa(model: BackoffLanguageModel): string {
  let text = '';
  for (const chunk of arpaChunks(model)) text += chunk;
  return text;
}
