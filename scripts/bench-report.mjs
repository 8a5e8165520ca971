// Rebuilds BENCHMARKS.md from the per-package tables the benchmarks wrote under bench/results/.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isRnnBenchResult, renderRnnMarkdown } from '../packages/rnn/bench/report.mjs';

const dir = new URL('../bench/results/', import.meta.url);
const titles = {
  ngram: '@nlpkit/ngram — n-gram LM estimation and query (vs KenLM)',
  text: '@nlpkit/text — tokenizer throughput on the Brown corpus',
  metrics: '@nlpkit/metrics — metric throughput (vs sacreBLEU / seqeval)',
  rnn: '@nlpkit/rnn — LSTM language-model training and inference (vs tf.layers and PyTorch)',
  'rnn-quiet': '@nlpkit/rnn — the key rows again, on a quiet machine',
  'rnn-threads': '@nlpkit/rnn — the fastest CPU path (fused multiply-adds on 2 threads) against PyTorch',
  'rnn-cpu': '@nlpkit/rnn — CPU seconds per step after the fused wasm kernels (measured under load)',
  'rnn-eval': '@nlpkit/rnn — LSTM LM evaluation at batch 1 (recorded from runs, not by pnpm bench)',
  'rnn-gpu': '@nlpkit/rnn — LSTM language model on WebGPU through Dawn in Node (vs tf.layers)',
  tagger: '@nlpkit/rnn — sequence-tagger training throughput',
  'seq2seq-decode': '@nlpkit/seq2seq — decoding throughput (greedy, beam 5)',
  'seq2seq-train': '@nlpkit/seq2seq — training throughput and memory (Multi30k recipe)',
  'cli-startup': 'nlpkit CLI — running a trained model on one input, start-up included',

  models: 'Trained models and out-of-core estimation (recorded from runs, not by pnpm bench)',
  distributed: '@nlpkit/distributed — BullMQ + Redis at scale (recorded from runs, not by pnpm bench)',
  packages: 'Package sizes',
};
const order = Object.keys(titles);
const name = (f) => f.replace(/\.md$/, '');
const rank = (f) => (order.includes(name(f)) ? order.indexOf(name(f)) : order.length);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
/** The rnn section is rendered from its JSON (bench/results/rnn.json, packages/rnn/bench/lm.mjs), the others' tables are read as written. */
function sectionBody(f) {
  const json = new URL(`${name(f)}.json`, dir);
  if (name(f) === 'rnn' && existsSync(json)) {
    const result = JSON.parse(readFileSync(json, 'utf8'));
    if (isRnnBenchResult(result)) return renderRnnMarkdown(result);
  }
  return readFileSync(new URL(f, dir), 'utf8');
}
const sections = files.map((f) => {
  // Each file may start with its own heading (often naming the machine): keep it, one level below the package's.
  const body = sectionBody(f).trim().replace(/^#{1,6} /, '### ');
  return `## ${titles[name(f)] ?? name(f)}\n\n${body}`;
});
writeFileSync(
  new URL('../BENCHMARKS.md', import.meta.url),
  `# Benchmarks\n\nThe latest numbers from \`pnpm bench\`, with the machine they came from (raw results:\n\`bench/results/*.json\`). Machines here are shared 2-core VMs: compare numbers within one table, which were\nmeasured in the same run.\n\n${sections.join('\n\n')}\n`,
);
console.log(`BENCHMARKS.md: ${files.length} sections (${files.join(', ')})`);
