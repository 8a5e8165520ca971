// What the LSTM-LM benches share (bench/lm.mjs on the CPU, bench/gpu.mjs on WebGPU): the PTB token ids, a
// median, the run of one measuring child process, and atomic writes of their results.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

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

/**
 * Runs one measuring child process (`command args`) and returns its last stdout line parsed as JSON with the wall
 * seconds it took, or `{ wallSeconds, error, stderrTail }`: the error's own line (a thrown Error's first, else any
 * line saying error, not its stack) for the table, the stderr tail for the JSON.
 */
export function runJsonChild(command, args, { cwd, env = process.env, timeoutMs }) {
  const t0 = performance.now();
  const res = spawnSync(command, args, { encoding: 'utf8', cwd, env, maxBuffer: 1 << 26, timeout: timeoutMs });
  const wallSeconds = (performance.now() - t0) / 1000;
  const last = res.stdout?.trim().split('\n').pop() ?? '';
  if (res.status !== 0 || !last.startsWith('{')) {
    const stderr = (res.stderr ?? '').trim();
    // Dawn prints warnings that say "error:", so a thrown Error's line comes first.
    const lines = stderr.split('\n').filter((l) => !/^\s+at /.test(l));
    const message = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.find((l) => /Error|error:/.test(l));
    const why = message?.trim() ?? res.error?.message ?? `exit ${res.status}${res.signal ? ` (${res.signal})` : ''}`;
    return { wallSeconds, error: why, stderrTail: stderr.slice(-4000) };
  }
  return { wallSeconds, ...JSON.parse(last) };
}

/** Writes `text` to `path` through a temporary file beside it and a rename: a reader never sees half a result. */
export function writeFileAtomic(path, text) {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
