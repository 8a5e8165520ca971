import type { BackoffModelData } from './backoffLanguageModel.js';

/**
 * Trie order of a model's n-grams: within each order, sorted by (position of the prefix in the order below, last
 * word id). `perms[n][i]` is the id of the i-th n-gram of order n+1 in that order, `prefixPositions[n][i]` the
 * position of its prefix (unigrams keep vocabulary order). Used for the binary trie and for ARPA output, whose
 * readers then see n-grams sharing a prefix on consecutive lines.
 */
export function trieOrder(data: BackoffModelData): { perms: Uint32Array[]; prefixPositions: Int32Array[] } {
  const sizes = data.log10Probs.map((lp) => lp.length);
  const perms: Uint32Array[] = [Uint32Array.from({ length: sizes[0]! }, (_, i) => i)];
  const prefixPositions: Int32Array[] = [new Int32Array(sizes[0]!).fill(-1)];
  let positionOf = Int32Array.from({ length: sizes[0]! }, (_, i) => i);
  for (let n = 1; n < data.order; n++) {
    const index = data.indexes[n]!;
    const size = sizes[n]!;
    const keyParent = new Int32Array(size);
    const keyWord = new Int32Array(size);
    for (let id = 0; id < size; id++) {
      keyParent[id] = positionOf[index.parents[id]!]!;
      keyWord[id] = index.words[id]!;
    }
    const perm = Uint32Array.from({ length: size }, (_, i) => i);
    perm.sort((a, b) => keyParent[a]! - keyParent[b]! || keyWord[a]! - keyWord[b]!);
    const next = new Int32Array(size);
    const prefixes = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      next[perm[i]!] = i;
      prefixes[i] = keyParent[perm[i]!]!;
    }
    perms.push(perm);
    prefixPositions.push(prefixes);
    positionOf = next;
  }
  return { perms, prefixPositions };
}
