import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluatePerplexity } from '@nlpkit/core';
import { estimateKneserNey, kenlmWords } from '@nlpkit/ngram';
import { readModelFile, writeBinaryModelFile } from '@nlpkit/ngram/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, type TestWorker, startCluster, syntheticLines } from '../test/cluster.js';
import { scoreCorpusDistributed } from './scoreCorpusDistributed.js';
import { redisAvailability } from './testing/redisServer.js';

/** Lines long enough in all that scoring a chunk takes a while (a kill lands inside it). */
const corpus = syntheticLines;

const redis = redisAvailability();

describe('scoreCorpusDistributed: a worker SIGKILLed in the middle of a score job', redis.options, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(2, 3000);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the run still completes, with the same per-line scores and totals', async () => {
    const model = join(cluster.storage, 'model.bin');
    await writeBinaryModelFile(estimateKneserNey(corpus(20_000, 1).map((l) => kenlmWords(l)), { order: 3 }).model, model);
    const lines = corpus(150_000, 2);
    const input = join(cluster.storage, 'test.txt');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const run = scoreCorpusDistributed({ redis: cluster.redis.url, storage: cluster.storage, input, model, chunks: 2 });
    const victim = await Promise.any(cluster.workers.map((w) => w.waitFor(/^active score \d/m, 60_000).then(() => w)));
    victim.child.kill('SIGKILL');
    await victim.exited;
    const result = await run;
    // The single-process scores, computed meanwhile.
    const m = readModelFile(model);
    const expected = lines.map((l) => {
      const s = m.scoreSentence(kenlmWords(l, 'query'));
      return `${s.log10Prob}\t${s.tokens}\t${s.oov}\n`;
    });
    expect(readFileSync(result.path, 'utf8')).toBe(expected.join(''));
    const totals = evaluatePerplexity(m, lines.map((l) => kenlmWords(l, 'query')));
    expect({ perplexity: result.perplexity, perplexityExcludingOov: result.perplexityExcludingOov, tokens: result.tokens, oov: result.oov, log10Prob: result.log10Prob, sentences: result.sentences }).toEqual(totals);
    // The victim died inside its job: it never reported it done; the survivor ran it again.
    const taken = /^active (score \d+)/m.exec(victim.output())![1]!;
    expect(victim.output()).not.toContain(`completed ${taken} `);
    const survivor = cluster.workers.find((w) => w !== victim) as TestWorker;
    expect(survivor.output()).toContain(`completed ${taken} `);
  }, 60_000);
});
