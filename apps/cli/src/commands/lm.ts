import { type LanguageModel, collect, evaluatePerplexity, generate, interpolateModels, tuneInterpolationWeights } from '@nlpkit/core';
import { checkOutputPath, writeFileAtomic } from '@nlpkit/core/node';
import { createReadStream } from 'node:fs';
import { readSentencePerLine } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';
import type { Command } from 'commander';
import { CLI_PACKAGE, CliError, guarded } from '../cliErrors.js';
import { linesFrom, sentencesFrom } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';
import { integerOption, positiveOption } from '../optionParsers.js';
import { modelPath, progressEvents, runTrainCommand, type TrainFlags } from '../trainingRun.js';
import { memoizedSentenceScores } from './memoizedSentenceScores.js';
import { type ClusterFlags, checkClusterFlags, clusterOptions, runOnCluster } from './runOnCluster.js';

/** Loads the tensor backend and an artifact (tfjs is loaded only by the commands that need it). */
export async function loadModel(path: string) {
  const [{ initBackend }, rnnNode] = await Promise.all([import('@nlpkit/tensor'), import('@nlpkit/rnn/node')]);
  await initBackend({ gradients: false }); // scoring and sampling only: no gradients to load
  return rnnNode.readRecurrentLmFile(await modelPath(path));
}

/**
 * Per-line scores of `lm score` (in process and on a cluster's workers alike): for each line, the sentence
 * `lm eval --sentences` reads from it — words split on whitespace, scored from `<s>` with one `</s>`
 * (`evaluatePerplexity` on it alone) — as `log10Prob<TAB>tokens<TAB>oov`; a blank line, which `lm eval` skips, gives
 * an empty line, so that output line n belongs to input line n.
 */
export function lmScoreLines(model: LanguageModel, lines: readonly string[]): string[] {
  return lines.map((line) => {
    const [tokens] = [...readSentencePerLine([line])];
    if (tokens === undefined) return '';
    const r = evaluatePerplexity(model, [tokens]);
    return `${r.log10Prob}\t${r.tokens}\t${r.oov}`;
  });
}

/**
 * The report of per-line scores ({@link lmScoreLines}): sums in input order, as `evaluatePerplexity` sums sentence by
 * sentence, so `lm score` prints what `lm eval --sentences` prints, bit for bit.
 */
export async function lmScoreReport(lines: AsyncIterable<string> | Iterable<string>): Promise<{ perplexity: number; tokens: number; oov: number }> {
  let log10Prob = 0;
  let tokens = 0;
  let oov = 0;
  for await (const line of lines) {
    if (line === '') continue;
    const [p, t, o] = line.split('\t');
    log10Prob += Number(p);
    tokens += Number(t);
    oov += Number(o);
  }
  return { perplexity: 10 ** (-log10Prob / tokens), tokens, oov };
}

const fixed = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** `nlpkit lm train|eval|interpolate|generate`: recurrent (LSTM/GRU/RNN) language models from `@nlpkit/rnn`. */
export function registerLmCommands(program: Command, io: CliIo): void {
  const lm = program.command('lm').description('recurrent (LSTM, GRU, RNN) language models: train from a recipe, evaluate, generate');

  lm.command('train')
    .description('train from a recipe in a run folder; run it again on the same folder to resume where it stopped')
    .option('--recipe <file>', 'recipe JSON (e.g. recipes/ptb-small.json); optional when resuming an existing --out folder')
    .requiredOption('--out <folder>', 'run folder: recipe, vocabulary, checkpoint, curve.jsonl, model.safetensors, result.json')
    .option('--quiet', 'no progress on stderr')
    .action((flags: TrainFlags) =>
      guarded(io, 'lm', () =>
        runTrainCommand(
          io,
          'lm',
          flags,
          async ({ recipe, session }) => {
            const { trainRecurrentLmRun } = await import('@nlpkit/rnn/node');
            return trainRecurrentLmRun({
              out: flags.out,
              ...recipe,
              signal: session.signal,
              onEvent: progressEvents(session, {
                step: (e) => `loss ${fixed(e.loss, 3)} ppl ${fixed(e.perplexity, 1)} | ${Math.round(e.tokensPerSecond)} tok/s | lr ${e.lr}`,
                epoch: (e) => `valid perplexity ${e.validPerplexity === undefined ? 'n/a' : fixed(e.validPerplexity)}`,
              }),
            });
          },
          (r) => [
            r.validPerplexity !== undefined ? `valid perplexity ${fixed(r.validPerplexity)}` : undefined,
            r.testPerplexity !== undefined ? `test perplexity ${fixed(r.testPerplexity)}` : undefined,
            `${r.tokens} tokens in ${Math.round(r.seconds)} s`,
          ],
        ),
      ),
    );

  lm.command('eval')
    .description('perplexity of a text file (one sentence per line; one </s> per line counted, as ngram eval)')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .requiredOption('--input <file>', 'text, one sentence per line (- for stdin)')
    .option('--sentences', 'score each sentence on its own from <s> (the LanguageModel contract, as ngram eval and interpolation); default: one running stream as LM papers report')
    .option('--batch-size <n>', 'stream mode: rows read in parallel (1 = one state over the whole file)', integerOption('--batch-size', 1), 10)
    .option('--bptt <n>', 'stream mode: time steps per forward pass', integerOption('--bptt', 1), 35)
    .option('--json', 'print {"perplexity", "tokens", "oov"}')
    .action((options: { model: string; input: string; sentences?: boolean; batchSize: number; bptt: number; json?: boolean }) =>
      guarded(io, 'lm', async () => {
        const artifact = await loadModel(options.model);
        try {
          const sentences = await collect(sentencesFrom(options.input, io));
          if (sentences.length === 0) throw new CliError(`--input ${JSON.stringify(options.input)} holds no sentence`);
          let report: { perplexity: number; tokens: number; oov: number };
          if (options.sentences === true) {
            const r = evaluatePerplexity(artifact.model, sentences);
            report = { perplexity: r.perplexity, tokens: r.tokens, oov: r.oov };
          } else {
            const { evaluateRecurrentLmStream, lmStream } = await import('@nlpkit/rnn');
            const stream = lmStream(sentences, artifact.vocabulary);
            const r = await evaluateRecurrentLmStream(artifact.config, artifact.params, stream, { batchSize: options.batchSize, bptt: options.bptt });
            report = { perplexity: r.perplexity, tokens: r.tokens, oov: stream.oov };
          }
          if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
          else io.stdout(`Perplexity:\t${report.perplexity}\nTokens:\t${report.tokens}\nOOVs:\t${report.oov}\n`);
        } finally {
          artifact.dispose();
        }
      }),
    );

  clusterOptions(
    lm.command('score')
      .description('score each line of a text file as a sentence (as lm eval --sentences): the same report, and per-line scores (log10Prob<TAB>tokens<TAB>oov) in --output; --cluster runs it on a cluster\'s workers')
      .requiredOption('--model <path>', 'run folder or model.safetensors')
      .requiredOption('--input <file>', 'text, one sentence per line (- for stdin; a blank line is no sentence and gets an empty score line)')
      .option('--output <file>', 'write the per-line scores there (one line per input line)')
      .option('--json', 'print {"perplexity", "tokens", "oov"}')
      .option('--quiet', 'no progress on stderr'),
    'score',
  ).action((options: ClusterFlags & { model: string; input: string; output?: string; json?: boolean; quiet?: boolean }) =>
    guarded(io, 'lm', async () => {
      const onCluster = checkClusterFlags(options, options.input);
      if (options.output !== undefined) await checkOutputPath(options.output, CLI_PACKAGE);
      let scores: string[] | undefined;
      let path: string | undefined;
      if (onCluster) {
        path = (await runOnCluster({ task: 'lm-score', model: options.model, input: options.input, options: {}, quiet: options.quiet === true }, { ...options, cluster: options.cluster!, storage: options.storage! }, io)).path;
      } else {
        const artifact = await loadModel(options.model);
        try {
          scores = lmScoreLines(artifact.model, await collect(linesFrom(options.input, io)));
        } finally {
          artifact.dispose();
        }
      }
      const report = await lmScoreReport(scores ?? readLines(path!));
      if (report.tokens === 0) throw new CliError(`--input ${JSON.stringify(options.input)} holds no sentence`);
      if (options.output !== undefined) {
        const text = scores === undefined ? createReadStream(path!) : scores.length === 0 ? '' : `${scores.join('\n')}\n`;
        await writeFileAtomic(options.output, text, { package: CLI_PACKAGE });
      }
      if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
      else io.stdout(`Perplexity:\t${report.perplexity}\nTokens:\t${report.tokens}\nOOVs:\t${report.oov}\n`);
    }),
  );

  lm.command('interpolate')
    .description('mix the model with an n-gram model (ARPA): weights tuned by EM on --tune, perplexity of --input (sentences scored from <s>, one </s> each)')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .requiredOption('--arpa <file>', 'n-gram model (e.g. from nlpkit ngram train --order 5)')
    .requiredOption('--tune <file>', 'held-out text the weights are tuned on (e.g. the validation set)')
    .requiredOption('--input <file>', 'text to evaluate (one sentence per line)')
    .option('--json', 'print {"weights", "perplexity", "tokens", "oov", "modelPerplexity", "ngramPerplexity"}')
    .action((options: { model: string; arpa: string; tune: string; input: string; json?: boolean }) =>
      guarded(io, 'lm', async () => {
        const { readArpaFile } = await import('@nlpkit/ngram/node');
        const ngram = readArpaFile(options.arpa, { onWarning: (w) => io.stderr(`${w.message}\n`) });
        const artifact = await loadModel(options.model);
        try {
          const [tune, input] = await Promise.all([collect(sentencesFrom(options.tune, io)), collect(sentencesFrom(options.input, io))]);
          // Each input sentence is scored once per model, for the mixture and for the model alone.
          const model = memoizedSentenceScores(artifact.model);
          const fit = tuneInterpolationWeights([model, ngram], tune);
          const mixed = evaluatePerplexity(interpolateModels([model, ngram], fit.weights), input);
          const report = {
            weights: fit.weights,
            perplexity: mixed.perplexity,
            tokens: mixed.tokens,
            oov: mixed.oov,
            modelPerplexity: evaluatePerplexity(model, input).perplexity,
            ngramPerplexity: evaluatePerplexity(ngram, input).perplexity,
          };
          if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
          else {
            io.stdout(`Weights (model, n-gram):\t${fit.weights.map((w) => w.toFixed(4)).join(', ')}\n`);
            io.stdout(`Perplexity interpolated:\t${report.perplexity}\nPerplexity model:\t${report.modelPerplexity}\nPerplexity n-gram:\t${report.ngramPerplexity}\n`);
            io.stdout(`Tokens:\t${report.tokens}\nOOVs:\t${report.oov}\n`);
          }
        } finally {
          artifact.dispose();
        }
      }),
    );

  lm.command('generate')
    .description('sample sentences from a model (seeded, reproducible)')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .option('--prompt <text>', 'words each sentence starts with')
    .option('--seed <n>', 'random seed', integerOption('--seed', 0), 0)
    .option('--count <n>', 'number of sentences', integerOption('--count', 1), 1)
    .option('--max-words <n>', 'longest sentence', integerOption('--max-words', 1), 50)
    .option('--temperature <t>', 'divide log-probabilities by t before sampling (< 1 sharper, > 1 flatter)', positiveOption('--temperature'), 1)
    .option('--top-k <k>', 'sample among the k most probable words only', integerOption('--top-k', 1))
    .option('--top-p <p>', 'nucleus sampling: the smallest set of words whose probability reaches p', positiveOption('--top-p', 1))
    .action((options: { model: string; prompt?: string; seed: number; count: number; maxWords: number; temperature: number; topK?: number; topP?: number }) =>
      guarded(io, 'lm', async () => {
        const artifact = await loadModel(options.model);
        try {
          const prefix = options.prompt?.split(/\s+/).filter((w) => w !== '') ?? [];
          const sampling = { temperature: options.temperature, ...(options.topK ? { topK: options.topK } : {}), ...(options.topP ? { topP: options.topP } : {}) };
          for (let i = 0; i < options.count; i++) {
            io.stdout(`${generate(artifact.model, { rng: options.seed + i, maxTokens: options.maxWords, prefix, ...sampling }).join(' ')}\n`);
          }
        } finally {
          artifact.dispose();
        }
      }),
    );
}
