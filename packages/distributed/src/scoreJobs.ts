import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@nlpkit/core';
import { kenlmWords } from '@nlpkit/ngram';
import { batchedWriter } from './corpusFiles.js';
import { PKG } from './errors.js';
import { cachedModel } from './modelCache.js';
import { breathe, inScratch, runFile, runKey, writeRunJson } from './runPlan.js';
import { type ScorePlan, type ScoreTotals, chunkName } from './scorePlan.js';
import { shardLines } from './shards.js';
import type { SharedStorage } from './sharedStorage.js';

/**
 * Map job: scores every line of chunk `index` as one sentence (words split as KenLM query splits them; one `</s>`
 * per line) with the plan's model (read once per worker), publishing `score/chunk-i.tsv` atomically — one line
 * per input line, `log10Prob<TAB>tokens<TAB>oov<TAB>oovLog10Prob` (numbers as JavaScript prints them: exact). A
 * chunk already published (a retried or resumed run) is not scored again.
 */
export async function scoreChunkJob(storage: SharedStorage, plan: ScorePlan, index: number, signal?: AbortSignal): Promise<{ lines: number; skipped: boolean }> {
  const chunk = plan.chunks[index];
  if (chunk === undefined) throw new InvalidArgumentError({ package: PKG, argument: 'job.data.index', expected: `a chunk index below ${plan.chunks.length}`, found: index });
  const key = runKey(plan.id, chunkName(index));
  if (await storage.exists(key)) return { lines: 0, skipped: true };
  const model = cachedModel(plan.model);
  return inScratch(storage, plan.id, `score-${index}`, async (folder) => {
    const file = join(folder, 'chunk.tsv');
    const out = await open(file, 'w');
    let lines = 0;
    try {
      const writer = batchedWriter(out);
      for await (const line of shardLines(chunk)) {
        const score = model.scoreSentence(kenlmWords(line, 'query'));
        if (!(score.log10Prob <= 0)) {
          throw new InvalidArgumentError({
            package: PKG,
            argument: 'model',
            expected: 'a model whose log10 probabilities are ≤ 0',
            foundText: `a total log10 probability = ${score.log10Prob} at line ${lines + 1} of chunk ${index + 1}`,
          });
        }
        await writer.add(`${score.log10Prob}\t${score.tokens}\t${score.oov}\t${score.oovLog10Prob}\n`);
        if (++lines % 4096 === 0) {
          signal?.throwIfAborted();
          await breathe();
        }
      }
      await writer.flush();
    } finally {
      await out.close();
    }
    await storage.publish(key, file);
    return { lines, skipped: false };
  });
}

/**
 * Fan-in job: reads the chunks' scores in input order, publishes the per-line results
 * (`log10Prob<TAB>tokens<TAB>oov`) as the plan's output and sums the corpus totals sentence by sentence, in
 * order — the very additions `evaluatePerplexity` makes, so the numbers are identical — into `score-totals.json`.
 */
export async function scoreTotalJob(storage: SharedStorage, plan: ScorePlan, _index: number, signal?: AbortSignal): Promise<ScoreTotals> {
  const t = { log10Prob: 0, oovLog10Prob: 0, tokens: 0, oov: 0, sentences: 0 };
  await inScratch(storage, plan.id, 'score-total', async (folder) => {
    const file = join(folder, 'scores.tsv');
    const out = await open(file, 'w');
    try {
      const writer = batchedWriter(out);
      for (let i = 0; i < plan.chunks.length; i++) {
        const path = await runFile(storage, plan.id, chunkName(i), 'score-total');
        const size = (await stat(path)).size;
        if (size === 0) continue;
        for await (const line of shardLines({ path, start: 0, end: size })) {
          const [log10Prob, tokens, oov, oovLog10Prob] = line.split('\t');
          t.log10Prob += Number(log10Prob);
          t.oovLog10Prob += Number(oovLog10Prob);
          t.tokens += Number(tokens);
          t.oov += Number(oov);
          if (++t.sentences % 4096 === 0) {
            signal?.throwIfAborted();
            await breathe();
          }
          await writer.add(`${log10Prob}\t${tokens}\t${oov}\n`);
        }
      }
      await writer.flush();
    } finally {
      await out.close();
    }
    await storage.publish(plan.output, file);
  });
  const kept = t.tokens - t.oov;
  const totals: ScoreTotals = {
    perplexity: 10 ** (-t.log10Prob / t.tokens),
    perplexityExcludingOov: kept > 0 ? 10 ** (-(t.log10Prob - t.oovLog10Prob) / kept) : Number.NaN,
    tokens: t.tokens,
    oov: t.oov,
    log10Prob: t.log10Prob,
    sentences: t.sentences,
  };
  // JSON has no NaN: perplexityExcludingOov is written as null then.
  await writeRunJson(storage, plan.id, 'score-totals.json', totals);
  return totals;
}
