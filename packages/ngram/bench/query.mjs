// Query throughput (tokens/s, with and without model load) and binary size (bytes per n-gram) on PTB order 5.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesPerNgram, estimateKneserNey, toBinaryModel } from '../dist/index.js';
import { writeArpaFileSync } from '../dist/node.js';
import { child, loadPtb, machine, median, requirePtb, savePart } from './common.mjs';

requirePtb();
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-bench-'));
try {
  const { model } = estimateKneserNey(loadPtb('train'), { order: 5 });
  const ngrams = model.counts.reduce((s, c) => s + c, 0);
  const files = {};
  for (const quantize of ['none', 'q8']) {
    const bytes = toBinaryModel(model, { quantize });
    files[quantize] = { path: join(dir, `ptb5-${quantize}.bin`), bytes: bytes.byteLength, bytesPerNgram: bytesPerNgram(bytes, model) };
    writeFileSync(files[quantize].path, bytes);
  }
  const arpaPath = join(dir, 'ptb5.arpa');
  writeArpaFileSync(model, arpaPath);
  const runs = (path, kind, n) => Array.from({ length: n }, () => child('./queryChild.mjs', [path, kind]));
  const summarize = (rs) => ({
    perplexity: rs[0].perplexity,
    tokens: rs[0].tokens,
    loadSeconds: median(rs.map((r) => r.loadMs)) / 1000,
    tokensPerSecondIncludingLoad: median(rs.map((r) => r.tokensPerSecondIncludingLoad)),
    tokensPerSecondFromArrays: median(rs.map((r) => r.tokensPerSecondFromArrays)),
    tokensPerSecondWarm: median(rs.map((r) => r.tokensPerSecondWarm)),
    peakRssMiB: median(rs.map((r) => r.maxRssMiB)),
  });
  const result = {
    machine: machine(),
    ngrams,
    binary: {
      float32: { ...summarize(runs(files.none.path, 'binary', 3)), bytes: files.none.bytes, bytesPerNgram: files.none.bytesPerNgram },
      q8: { ...summarize(runs(files.q8.path, 'binary', 3)), bytes: files.q8.bytes, bytesPerNgram: files.q8.bytesPerNgram },
    },
    arpa: summarize(runs(arpaPath, 'arpa', 1)),
    kenlm: { queryTokensPerSecondIncludingLoad: 1.7e6, probingBytesPerNgram: 21.6, trieBytesPerNgram: 9.9, note: 'as quoted in issue 3' },
  };
  savePart('query', result);
  const row = (r) => ({
    'load s': r.loadSeconds,
    'tokens/s incl. load (text bytes)': Math.round(r.tokensPerSecondIncludingLoad),
    'tokens/s (token arrays)': Math.round(r.tokensPerSecondFromArrays),
    'tokens/s warm': Math.round(r.tokensPerSecondWarm),
    'bytes/n-gram': r.bytesPerNgram ?? '',
    perplexity: r.perplexity,
  });
  console.table({
    'binary float32': row(result.binary.float32),
    'binary q8': row(result.binary.q8),
    'ARPA (lmplz layout: byte reader)': row(result.arpa),
    'KenLM (issue)': { 'tokens/s incl. load (text bytes)': 1.7e6, 'bytes/n-gram': 'probing 21.6 / trie 9.9' },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
