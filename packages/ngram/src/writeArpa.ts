import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { formatFloat32 } from './formatFloat32.js';
import { trieOrder } from './trieOrder.js';

/**
 * The ARPA text of `model` in pieces (one per ~64 KiB), so a caller can stream a large model to a file without
 * holding the whole text. N-grams are grouped by prefix (sorted by word ids), so output is deterministic. Numbers are the shortest decimals that read back to the stored float32 values; a
 * backoff weight of 0 (log10 of 1) is omitted, as SRILM does.
 */
export function* arpaChunks(model: BackoffLanguageModel): Generator<string, void, undefined> {
  const { order, wordIndex, indexes, log10Probs, log10Backoffs } = model.data;
  let header = '\\data\\\n';
  for (let n = 0; n < order; n++) header += `ngram ${n + 1}=${log10Probs[n]!.length}\n`;
  yield header;
  // N-grams go out in trie order (grouped by prefix), so files are deterministic and a reader sees shared
  // prefixes on consecutive lines. `previous[i]` is the text of the i-th n-gram of the order below.
  const { perms, prefixPositions } = trieOrder(model.data);
  const words = wordIndex.words();
  let previous: string[] = words.slice();
  let buffer = '';
  for (let n = 0; n < order; n++) {
    buffer += `\n\\${n + 1}-grams:\n`;
    const lp = log10Probs[n]!;
    const bo = log10Backoffs[n]!;
    const index = indexes[n];
    const perm = perms[n]!;
    const prefixes = prefixPositions[n]!;
    const keepText = n + 1 < order;
    const current: string[] = keepText ? new Array<string>(lp.length) : [];
    for (let i = 0; i < lp.length; i++) {
      const id = perm[i]!;
      const text = index === undefined ? words[id]! : `${previous[prefixes[i]!]!} ${words[index.words[id]!]!}`;
      if (keepText) current[i] = text;
      buffer += formatFloat32(lp[id]!) + '\t' + text;
      const b = bo[id]!;
      buffer += keepText && b !== 0 ? `\t${formatFloat32(b)}\n` : '\n';
      if (buffer.length > 65536) {
        yield buffer;
        buffer = '';
      }
    }
    previous = current;
  }
  yield `${buffer}\n\\end\\\n`;
}

/** The whole ARPA text of `model` (see {@link arpaChunks} for the format details). */
export function writeArpa(model: BackoffLanguageModel): string {
  let text = '';
  for (const chunk of arpaChunks(model)) text += chunk;
  return text;
}
