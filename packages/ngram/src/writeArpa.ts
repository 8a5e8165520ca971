import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ARPA_END, arpaHeader, arpaSectionHeader, createArpaLineFormat } from './arpaLines.js';
import { suffixOrder } from './suffixOrder.js';

/**
 * The ARPA text of `model` in pieces (one per ~64 KiB), so a caller can stream a large model to a file without
 * holding the whole text. The layout is lmplz's, byte for byte: n-grams in KenLM's suffix order (see
 * {@link suffixOrder}), numbers as the shortest decimals that read back to the stored float32 values, every
 * backoff of the orders below the highest written (`0` included), and `<s>` with the log10 probability the model
 * holds (0 for estimated models, as lmplz writes it; an SRILM file's -99 is kept as read).
 */
export function* arpaChunks(model: BackoffLanguageModel): Generator<string, void, undefined> {
  const { order, wordIndex, indexes, log10Probs, log10Backoffs } = model.data;
  yield arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length));
  const perms = suffixOrder(model.data);
  const words = wordIndex.words();
  // previous[id]: the text of n-gram id of the order below (indexed by id, as the n-grams' parents are).
  let previous: readonly string[] = words;
  const line = createArpaLineFormat();
  let buffer = '';
  for (let n = 0; n < order; n++) {
    buffer += arpaSectionHeader(n + 1);
    const lp = log10Probs[n]!;
    const bo = log10Backoffs[n]!;
    const index = indexes[n];
    const perm = perms[n]!;
    const keepText = n + 1 < order;
    const current: string[] = keepText && n > 0 ? new Array<string>(lp.length) : [];
    for (let i = 0; i < lp.length; i++) {
      const id = perm[i]!;
      const text = index === undefined ? words[id]! : `${previous[index.parents[id]!]!} ${words[index.words[id]!]!}`;
      if (keepText && n > 0) current[id] = text;
      buffer += line(lp[id]!, text, keepText ? bo[id]! : undefined);
      if (buffer.length > 65536) {
        yield buffer;
        buffer = '';
      }
    }
    if (n > 0) previous = current;
  }
  yield buffer + ARPA_END;
}

/** The whole ARPA text of `model` (see {@link arpaChunks} for the format details). */
export function writeArpa(model: BackoffLanguageModel): string {
  let text = '';
  for (const chunk of arpaChunks(model)) text += chunk;
  return text;
}
