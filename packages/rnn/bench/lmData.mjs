// What the LSTM-LM benches share (bench/lm.mjs on the CPU, bench/gpu.mjs on WebGPU): the PTB token ids and a median.
import { readFileSync } from 'node:fs';

/**
 * The token stream as LM papers count it (whitespace split plus <eos> per line), ids by frequency, the first
 * `tokens` of PTB train at `path`: 200k tokens = 10k columns of 20 rows, so every case of a child reads fresh
 * columns (no wrap at the benches' step counts).
 */
export function ptbIds(path, vocabSize = 10000, tokens = 200_000) {
  const counts = new Map();
  const words = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    for (const w of [...line.trim().split(/\s+/), '<eos>']) {
      words.push(w);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const vocab = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
  if (vocab.length !== vocabSize) throw new Error(`expected a ${vocabSize}-word vocabulary, got ${vocab.length}`);
  const index = new Map(vocab.map((w, i) => [w, i]));
  return words.slice(0, tokens).map((w) => index.get(w));
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
