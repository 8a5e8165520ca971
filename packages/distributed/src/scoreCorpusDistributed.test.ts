import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng, evaluatePerplexity } from '@nlpkit/core';
import { estimateKneserNey, kenlmWords } from '@nlpkit/ngram';
import { readModelFile, writeArpaFile, writeBinaryModelFile } from '@nlpkit/ngram/node';
import { readLines } from '@nlpkit/text/node';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, startCluster } from '../test/cluster.js';
import { scoreCorpusDistributed } from './scoreCorpusDistributed.js';
import { redisAvailability } from './testing/redisServer.js';

/** A corpus with Zipf-like words, an empty line, a CRLF line and a byte-order mark — KenLM's reading quirks. */
function corpus(lines: number, seed: number, vocabulary = 400): string {
  const rng = createRng(seed);
  const words = Array.from({ length: vocabulary }, (_, i) => `w${i}`);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const sentence: string[] = [];
    for (let k = 0, n = 1 + rng.int(14); k < n; k++) sentence.push(words[Math.floor(words.length * rng.next() ** 3)]!);
    out.push(sentence.join(i % 7 === 0 ? '  ' : ' '));
  }
  out[5] = '';
  out[9] = `${out[9]}\r`;
  return `\ufeff${out.join('\n')}\n`;
}

/** What the single-process path gives: per-line `log10Prob\ttokens\toov` and `evaluatePerplexity`'s report. */
async function singleProcess(modelPath: string, input: string): Promise<{ lines: string; totals: object }> {
  const model = readModelFile(modelPath);
  const lines: string[] = [];
  for await (const line of readLines(input)) {
    const s = model.scoreSentence(kenlmWords(line, 'query'));
    lines.push(`${s.log10Prob}\t${s.tokens}\t${s.oov}\n`);
  }
  async function* sentences(): AsyncGenerator<string[]> {
    for await (const line of readLines(input)) yield kenlmWords(line, 'query');
  }
  return { lines: lines.join(''), totals: await evaluatePerplexity(model, sentences()) };
}

const totalsOf = (r: { perplexity: number; perplexityExcludingOov: number; tokens: number; oov: number; log10Prob: number; sentences: number }): object => ({
  perplexity: r.perplexity,
  perplexityExcludingOov: r.perplexityExcludingOov,
  tokens: r.tokens,
  oov: r.oov,
  log10Prob: r.log10Prob,
  sentences: r.sentences,
});

const redis = redisAvailability();

describe('scoreCorpusDistributed with 2 worker processes', redis.options, () => {
  let cluster: TestCluster;
  let input: string;
  let arpa: string;
  beforeAll(async () => {
    cluster = await startCluster(2);
    input = join(cluster.storage, 'test.txt');
    writeFileSync(input, corpus(2000, 3));
    // Trained on other text: the test text has OOVs (words w300 and up).
    const train = corpus(3000, 4, 300).replace(/^\ufeff/, '').split('\n').slice(0, -1).map((l) => kenlmWords(l.replace(/\r$/, '')));
    arpa = join(cluster.storage, 'model.arpa');
    await writeArpaFile(estimateKneserNey(train, { order: 3 }).model, arpa);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('per-line scores equal the single-process ones line for line, totals equal evaluatePerplexity exactly (ARPA, gzipped ARPA, binary)', async () => {
    const gz = join(cluster.storage, 'model.arpa.gz');
    const bin = join(cluster.storage, 'model.bin');
    const model = readModelFile(arpa);
    writeFileSync(gz, gzipSync(readFileSync(arpa)));
    await writeBinaryModelFile(model, bin);
    for (const [file, chunks] of [[arpa, 3], [gz, 1], [bin, 5]] as const) {
      const expected = await singleProcess(file, input);
      const progress: number[] = [];
      const result = await scoreCorpusDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, model: file, chunks, onProgress: (p) => progress.push(p.done) });
      expect(result.chunks).toBe(chunks);
      expect(result.scored).toBe(chunks);
      expect(progress.at(-1)).toBe(chunks);
      expect(readFileSync(result.path, 'utf8')).toBe(expected.lines);
      expect(totalsOf(result)).toEqual(expected.totals);
      expect(result.oov).toBeGreaterThan(0);
      expect(result.sentences).toBe(2000);
    }
  }, 60_000);

  it('resumes: a rerun with the same run id scores only the chunks not published before', async () => {
    const run = `resume-${Date.now()}`;
    const options = { redis: cluster.redis.url, storage: cluster.storage, input, model: arpa, chunks: 4, run, keepIntermediate: true, output: `${run}.tsv` };
    const activeScores = (): number => cluster.workers.reduce((n, w) => n + (w.output().match(/^active score \d/gm)?.length ?? 0), 0);
    const before = activeScores();
    const first = await scoreCorpusDistributed(options);
    expect(first.scored).toBe(4);
    expect(activeScores() - before).toBe(4);
    const expected = readFileSync(first.path, 'utf8');
    // As if interrupted: two chunks, the totals and the output never published.
    for (const name of ['score/chunk-1.tsv', 'score/chunk-3.tsv', 'score-totals.json']) rmSync(join(cluster.storage, 'runs', run, name));
    rmSync(first.path);
    const second = await scoreCorpusDistributed(options);
    expect(second.scored).toBe(2);
    expect(activeScores() - before).toBe(6);
    expect(readFileSync(second.path, 'utf8')).toBe(expected);
    expect(totalsOf(second)).toEqual(totalsOf(first));
    // Finished: nothing runs again.
    const third = await scoreCorpusDistributed(options);
    expect(third.scored).toBe(0);
    expect(activeScores() - before).toBe(6);
    expect(totalsOf(third)).toEqual(totalsOf(first));
    // The same id with other settings is refused.
    await expect(scoreCorpusDistributed({ ...options, chunks: 3 })).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'options.run' });
  }, 60_000);

  it('a missing model file is a clear error before anything is queued', async () => {
    await expect(scoreCorpusDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, model: join(cluster.storage, 'nope.arpa') })).rejects.toMatchObject({
      code: 'ERR_FILE_NOT_FOUND',
    });
  });
});

const ptb = referenceData('ptb/ptb.train.txt', 'ptb/ptb.valid.txt');

describe('scoreCorpusDistributed on PTB valid (order-3 model of PTB train), 2 worker processes', { ...ptb.options, ...(redis.options.skip ? redis.options : {}) }, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(2);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('per-line scores and totals equal the single-process ones', async () => {
    const train: string[][] = [];
    for await (const line of readLines(ptb.path('ptb/ptb.train.txt'))) train.push(kenlmWords(line));
    const model = join(cluster.storage, 'ptb3.bin');
    await writeBinaryModelFile(estimateKneserNey(train, { order: 3 }).model, model);
    const input = ptb.path('ptb/ptb.valid.txt');
    const expected = await singleProcess(model, input);
    const result = await scoreCorpusDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, model, chunks: 6 });
    expect(readFileSync(result.path, 'utf8')).toBe(expected.lines);
    expect(totalsOf(result)).toEqual(expected.totals);
    expect(result.sentences).toBe(3370);
    expect(result.perplexity).toBeGreaterThan(100);
    expect(result.perplexity).toBeLessThan(250);
  }, 90_000);
});
