import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NgramWarning } from '@nlpkit/ngram';
import { BOS_INDEX, FinalNgramQuirk, RecordReader, kneserNeyUnigrams, orderDiscount } from '@nlpkit/ngram/node';
import type { AdjustStatistics } from './adjustJob.js';
import { readIdMap } from './countJobs.js';
import { type ModelStatistics, type RunPlan, inScratch, readRunJson, runFile, runKey, writeRunJson } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/** Reads every `[word, count]` record of a unigram file into `into` (`add`: summed, else set; `ids`: word id map). */
function readUnigrams(path: string, into: Uint32Array, add: boolean, ids?: Uint32Array): void {
  const reader = new RecordReader(path, 2, new Uint32Array(1 << 14));
  try {
    while (reader.next()) {
      const w = ids === undefined ? reader.buffer[reader.at]! : ids[reader.buffer[reader.at]!]!;
      into[w] = (add ? into[w]! : 0) + reader.buffer[reader.at + 1]!;
    }
  } finally {
    reader.close();
  }
}

/**
 * Fan-in job: sums every partition's statistics into the discounts — counts-of-counts per order, lmplz's
 * final-n-gram quirk (the greatest candidate over all partitions, its chain's raw and adjusted counts), the
 * unigrams' adjusted counts and interpolated probabilities (vocabulary-sized: `prob1.bin`, float32) — and cuts the
 * vocabulary into the ranges of last words the ARPA parts cover, balanced by unigram counts (`model.json`).
 */
export async function discountsJob(storage: SharedStorage, plan: RunPlan): Promise<ModelStatistics> {
  const job = 'discounts';
  const V = (await readRunJson<string[]>(storage, plan.id, 'vocabulary.json', job)).length;
  const { order: N, partitions: P } = plan;
  const raw1 = new Uint32Array(V);
  let sentences = 0;
  let tokens = 0;
  for (let i = 0; i < plan.shards.length; i++) {
    readUnigrams(await runFile(storage, plan.id, `counts/shard-${i}/unigrams.bin`, job), raw1, true, await readIdMap(storage, plan, i));
    const done = await readRunJson<{ sentences: number; tokens: number }>(storage, plan.id, `counts/shard-${i}/done.json`, job);
    sentences += done.sentences;
    tokens += done.tokens;
  }
  const adj1 = new Uint32Array(V);
  if (N === 1) adj1.set(raw1);
  const coc = Array.from({ length: N }, () => [0, 0, 0, 0, 0]);
  const counts = new Array<number>(N).fill(0);
  counts[0] = V;
  const quirk = new FinalNgramQuirk(N, V);
  const topRaw = new Map<string, number>();
  const topAdjusted = new Map<string, number>();
  for (let p = 0; N > 1 && p < P; p++) {
    readUnigrams(await runFile(storage, plan.id, `adjusted/part-${p}/unigrams.bin`, job), adj1, false);
    const stats = await readRunJson<AdjustStatistics>(storage, plan.id, `adjusted/part-${p}/stats.json`, job);
    for (let n = 2; n <= N; n++) {
      counts[n - 1]! += stats.distinct[n - 1]!;
      for (let a = 1; a < 5; a++) coc[n - 1]![a]! += stats.countsOfCounts[n - 1]![a]!;
    }
    if (stats.best !== null) quirk.offer(stats.best);
    for (const [words, raw] of stats.topRaw) topRaw.set(words.join(' '), raw);
    for (const [words, a] of stats.topAdjusted) topAdjusted.set(words.join(' '), a);
  }
  adj1[BOS_INDEX] = 0; // <s> is never predicted (lmplz zeroes it)
  for (let id = 0; id < V; id++) {
    const a = adj1[id]!;
    if (a > 0 && a < 5) coc[0]![a]! += 1;
  }
  const chain = quirk.chain();
  const warnings: NgramWarning[] = [];
  const discounts = [];
  const countsOfCounts = [];
  for (let n = 1; n <= N; n++) {
    const special = chain[n - 1];
    let pair: [number, number] | undefined;
    if (special !== undefined) {
      if (n === 1) pair = [adj1[special[0]!]!, raw1[special[0]!]!];
      else {
        const a = topAdjusted.get(special.join(' '));
        const raw = topRaw.get(special.join(' '));
        if (a !== undefined && raw !== undefined) pair = [a, raw];
      }
    }
    const result = orderDiscount(coc[n - 1]!, pair, n, {
      discounts: plan.discounts,
      discountFallback: plan.discountFallback,
      warn: (w) => warnings.push(w),
    });
    discounts.push(result.discount);
    countsOfCounts.push(result.countsOfCounts);
  }
  const prob1 = kneserNeyUnigrams(adj1, discounts[0]!);
  await inScratch(storage, plan.id, 'discounts', async (folder) => {
    await writeFile(join(folder, 'prob1.bin'), new Uint8Array(prob1.buffer));
    await storage.publish(runKey(plan.id, 'prob1.bin'), join(folder, 'prob1.bin'));
  });
  const model: ModelStatistics = { counts, discounts, countsOfCounts, warnings, sentences, tokens, ranges: lastWordRanges(raw1, P) };
  await writeRunJson(storage, plan.id, 'model.json', model);
  return model;
}

/**
 * Up to `parts` ranges of word indexes covering the vocabulary in order, each starting where the running sum of
 * unigram counts passes the next share (the n-grams ending in a word are about as many as its occurrences).
 */
export function lastWordRanges(counts: Uint32Array, parts: number): number[] {
  let total = 0;
  for (const c of counts) total += c;
  const starts = [0];
  let sum = 0;
  for (let id = 0; id < counts.length && starts.length < parts; id++) {
    sum += counts[id]!;
    if (sum >= (total * starts.length) / parts && id + 1 < counts.length) starts.push(id + 1);
  }
  return starts;
}
