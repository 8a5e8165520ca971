// Child of query.mjs: loads a model file (binary or ARPA) and scores PTB test, as KenLM's `query` does.
import { readFileSync } from 'node:fs';
import { evaluatePerplexity } from '@nlpkit/core';
import { Utf8TextScorer, loadBinaryModel } from '../dist/index.js';
import { readArpaFile } from '../dist/node.js';
import { loadPtb } from './common.mjs';

const [path, kind] = process.argv.slice(2);
const test = loadPtb('test');
// The same sentences as the bytes of a text file, as `nlpkit ngram eval` reads them (Utf8TextScorer).
const bytes = Buffer.from(`${test.map((s) => s.join(' ')).join('\n')}\n`);
const start = performance.now();
const model = kind === 'arpa' ? readArpaFile(path) : loadBinaryModel(readFileSync(path));
const loaded = performance.now();
const scorer = new Utf8TextScorer(model);
scorer.push(bytes);
const fromBytes = scorer.end();
const bytesScored = performance.now();
const first = evaluatePerplexity(model, test);
const scored = performance.now();
if (fromBytes.log10Prob !== first.log10Prob) throw new Error(`bytes and token arrays disagree: ${fromBytes.log10Prob} vs ${first.log10Prob}`);
// Steady state: the same text again, model warm.
const repeats = 5;
for (let i = 0; i < repeats; i++) evaluatePerplexity(model, test);
const warm = performance.now();
console.log(
  JSON.stringify({
    kind,
    tokens: first.tokens,
    perplexity: first.perplexity,
    loadMs: loaded - start,
    firstPassMs: scored - loaded,
    tokensPerSecondIncludingLoad: first.tokens / ((bytesScored - start) / 1000),
    tokensPerSecondFromArrays: first.tokens / ((scored - bytesScored) / 1000),
    tokensPerSecondWarm: (first.tokens * repeats) / ((warm - scored) / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
