// Shared helpers of the benchmarks: machine facts, PTB loading, child-process measurement, result files.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const ptbDir = fileURLToPath(new URL('../../../../shared/data/ptb/', import.meta.url));
export const resultsDir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
// Sections of one `pnpm bench` run, kept outside the repository until report.mjs assembles them.
export const partsDir = `${os.tmpdir()}/nlpkit-ngram-bench-parts/`;

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** PTB split as sentences with <unk> renamed UNK (how KenLM was run for the reference numbers). */
export function loadPtb(split) {
  const text = readFileSync(`${ptbDir}ptb.${split}.txt`, 'utf8');
  const out = [];
  for (const line of text.split('\n')) {
    const words = line.split(' ').filter((w) => w !== '');
    if (words.length > 0) out.push(words.map((w) => (w === '<unk>' ? 'UNK' : w)));
  }
  return out;
}

/**
 * Sentences of a one-sentence-per-line file, whitespace-separated, read synchronously in 1 MiB chunks (how
 * lmplz streams its input; the library's own reader, `readLines` of `@nlpkit/text/node`, is async).
 */
export function* readSentencesSync(path) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    const decoder = new TextDecoder();
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      const text = rest + decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      const lines = text.split('\n');
      rest = read === 0 ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        const words = line.split(/\s+/).filter((w) => w !== '');
        if (words.length > 0) yield words;
      }
      if (read === 0) break;
    }
  } finally {
    closeSync(fd);
  }
}

export function requirePtb() {
  if (!existsSync(`${ptbDir}ptb.train.txt`)) {
    console.error(`PTB not found under ${ptbDir}; the benchmarks need ../shared/data/ptb`);
    process.exit(1);
  }
}

/**
 * Runs `script` with `args` in a fresh Node process and returns the JSON it prints on its last line. The child
 * reports its own peak RSS (process.resourceUsage().maxRSS), so the parent's memory never counts.
 */
export function child(script, args = [], nodeArgs = []) {
  const out = execFileSync(process.execPath, [...nodeArgs, fileURLToPath(new URL(script, import.meta.url)), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Saves one benchmark's section; report.mjs assembles bench/results/ngram.{json,md}. */
export function savePart(name, data) {
  mkdirSync(partsDir, { recursive: true });
  writeFileSync(`${partsDir}${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
}
