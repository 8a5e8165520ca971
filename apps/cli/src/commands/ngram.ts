import { evaluatePerplexity, generate } from '@nlpkit/core';
import {
  absoluteDiscounting,
  collectNgramStatistics,
  estimateKneserNey,
  katzBackoff,
  kneserNeyInterpolated,
  mle,
  wittenBell,
  type BackoffLanguageModel,
  type CountLanguageModel,
  type NgramStatistics,
  type WordScore,
} from '@nlpkit/ngram';
import { checkOutputPath } from '@nlpkit/core/node';
import { readArpaFile, writeArpaFile } from '@nlpkit/ngram/node';
import { type Command, InvalidArgumentError } from 'commander';
import { CLI_PACKAGE, CliError, guarded, sentencesFrom } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';

const SMOOTHINGS = ['mkn', 'kn', 'wb', 'katz', 'abs', 'add-k', 'mle'] as const;

type Discount = { discount?: number };

/** The smoothing family members that have an ARPA (backoff) form, by CLI name (`discount` for kn and abs). */
const FAMILY: Record<'kn' | 'wb' | 'katz' | 'abs' | 'mle', (stats: NgramStatistics, discount: Discount) => CountLanguageModel> = {
  kn: (stats, discount) => kneserNeyInterpolated(stats, discount),
  wb: (stats) => wittenBell(stats),
  katz: (stats) => katzBackoff(stats),
  abs: (stats, discount) => absoluteDiscounting(stats, discount),
  mle: (stats) => mle(stats),
};

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

/** `nlpkit ngram train|eval|query|generate` on top of @nlpkit/ngram. */
export function registerNgramCommands(program: Command, io: CliIo): void {
  const ngram = program.command('ngram').description('n-gram language models (modified Kneser-Ney as KenLM, ARPA files)');

  ngram
    .command('train')
    .description('estimate a model from a text file (one sentence per line) and write it as ARPA')
    .requiredOption('--order <n>', 'n-gram order (1-10)', integer('--order', 1))
    .requiredOption('--input <file>', 'training text, one sentence per line, tokens separated by spaces (- for stdin)')
    .requiredOption('--arpa <file>', 'where to write the ARPA model')
    .option('--smoothing <name>', `smoothing: ${SMOOTHINGS.join('|')}`, 'mkn')
    .option('--prune <thresholds...>', 'mkn: prune n-grams with count ≤ threshold, per order (KenLM --prune)')
    .option('--discount <d>', 'kn and abs: the single discount (defaults 0.1 and 0.75, as NLTK)')
    .action((options: { order: number; input: string; arpa: string; smoothing: string; prune?: string[]; discount?: string }) =>
      guarded(io, 'ngram', async () => {
        if (!(SMOOTHINGS as readonly string[]).includes(options.smoothing)) {
          throw new CliError(`--smoothing must be one of ${SMOOTHINGS.join(', ')}, got "${options.smoothing}"`, { usage: true });
        }
        if (options.smoothing === 'add-k') {
          throw new CliError(
            'add-k gives every unseen word of a seen context the same flat probability, which an ARPA backoff model ' +
              'cannot express; use it from the library (lidstone) or pick another --smoothing',
            { usage: true },
          );
        }
        const prune = options.prune?.map((t) => integer('--prune', 0)(t));
        // Before any long work: a missing folder or a folder given as --arpa fails now, not after training.
        await checkOutputPath(options.arpa, CLI_PACKAGE);
        if (options.smoothing !== 'mkn') {
          const make = FAMILY[options.smoothing as keyof typeof FAMILY];
          const stats = await collectNgramStatistics(sentencesFrom(options.input, io), { order: options.order });
          const discount = options.discount === undefined ? {} : { discount: Number(options.discount) };
          const model = make(stats, discount).toBackoffModel();
          await writeArpaFile(model, options.arpa);
          io.stdout(`wrote ${options.arpa} (${options.smoothing}, order ${options.order}; ${model.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ')})\n`);
          return;
        }
        const result = await estimateKneserNey(sentencesFrom(options.input, io), {
          order: options.order,
          ...(prune ? { prune } : {}),
          onWarning: (w) => io.stderr(`${w.message}\n`),
        });
        await writeArpaFile(result.model, options.arpa);
        const counts = result.model.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ');
        io.stdout(`wrote ${options.arpa} (order ${options.order}; ${counts})\n`);
        result.discounts.forEach((d, n) => io.stdout(`discounts ${n + 1}: D1=${d.d1.toPrecision(6)} D2=${d.d2.toPrecision(6)} D3+=${d.d3.toPrecision(6)}\n`));
      }),
    );

  ngram
    .command('eval')
    .description('perplexity of a text file (one sentence per line; </s> counted as KenLM does)')
    .requiredOption('--model <file>', 'ARPA model')
    .requiredOption('--input <file>', 'text, one sentence per line (- for stdin)')
    .option('--json', 'print one JSON object')
    .action((options: { model: string; input: string; json?: boolean }) =>
      guarded(io, 'ngram', async () => {
        const model = readArpaFile(options.model, { onWarning: (w) => io.stderr(`${w.message}\n`) });
        const r = await evaluatePerplexity(model, sentencesFrom(options.input, io));
        const report = { perplexity: r.perplexity, perplexityExcludingOov: r.perplexityExcludingOov, tokens: r.tokens, oov: r.oov };
        if (options.json) io.stdout(`${JSON.stringify(report)}\n`);
        else {
          io.stdout(`Perplexity including OOVs:\t${r.perplexity}\nPerplexity excluding OOVs:\t${r.perplexityExcludingOov}\n`);
          io.stdout(`OOVs:\t${r.oov}\nTokens:\t${r.tokens}\n`);
        }
      }),
    );

  ngram
    .command('query')
    .description('score sentences word by word as KenLM query prints them: word=id ngram-length log10p')
    .requiredOption('--model <file>', 'ARPA model')
    .argument('[sentence...]', 'a sentence to score (otherwise --input)')
    .option('--input <file>', 'text file, one sentence per line (- for stdin)')
    .action((words: string[], options: { model: string; input?: string }) =>
      guarded(io, 'ngram', async () => {
        const model = readArpaFile(options.model);
        if (options.input === undefined) printScores(model, words, io);
        else for await (const sentence of sentencesFrom(options.input, io)) printScores(model, sentence, io);
      }),
    );

  ngram
    .command('generate')
    .description('sample sentences from a model (seeded, reproducible)')
    .requiredOption('--model <file>', 'ARPA model')
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--count <n>', 'number of sentences', integer('--count', 1), 1)
    .option('--max-words <n>', 'longest sentence', integer('--max-words', 1), 50)
    .option('--prefix <text>', 'words each sentence starts with')
    .option('--temperature <t>', 'divide log-probabilities by t before sampling (< 1 sharper, > 1 flatter)', positive('--temperature'), 1)
    .option('--top-k <k>', 'sample among the k most probable words only', integer('--top-k', 1))
    .option('--top-p <p>', 'nucleus sampling: the smallest set of words whose probability reaches p', positive('--top-p'))
    .action((options: { model: string; seed: number; count: number; maxWords: number; prefix?: string; temperature: number; topK?: number; topP?: number }) =>
      guarded(io, 'ngram', () => {
        const model = readArpaFile(options.model);
        const prefix = options.prefix?.split(/\s+/).filter((w) => w !== '') ?? [];
        const sampling = { temperature: options.temperature, ...(options.topK ? { topK: options.topK } : {}), ...(options.topP ? { topP: options.topP } : {}) };
        for (let i = 0; i < options.count; i++) {
          io.stdout(`${generate(model, { rng: options.seed + i, maxTokens: options.maxWords, prefix, ...sampling }).join(' ')}\n`);
        }
      }),
    );
}

function positive(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !(x > 0)) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return x;
  };
}

/**
 * One line as KenLM's `query` prints it: `word=id ngram-length log10p` per token, `</s>` last, then the total. Ids
 * are the model's ARPA word index, where an unknown word is 0 as in KenLM (not the shared vocabulary's ids).
 */
function printScores(model: BackoffLanguageModel, sentence: readonly string[], io: CliIo): void {
  const scored = model.scoreSentence(sentence, { perToken: true });
  const index = model.data.wordIndex;
  const parts = (scored.perToken ?? []).map((w: WordScore) => `${w.token}=${index.id(w.token)} ${w.ngramLength} ${w.log10Prob}`);
  io.stdout(`${parts.join('\t')}\tTotal: ${scored.log10Prob} OOV: ${scored.oov}\n`);
}
