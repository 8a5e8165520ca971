import {
  absoluteDiscounting,
  collectNgramStatistics,
  estimateKneserNey,
  evaluatePerplexity,
  generateText,
  katzBackoff,
  kneserNeyInterpolated,
  mle,
  wittenBell,
  type BackoffLanguageModel,
} from '@nlpkit/ngram';
import { readArpaFile, readSentences, writeArpaFile } from '@nlpkit/ngram/node';
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import type { CliIo } from '../program.js';

const SMOOTHINGS = ['mkn', 'kn', 'wb', 'katz', 'abs', 'add-k', 'mle'] as const;

/** The smoothing family members that have an ARPA (backoff) form, by CLI name. */
const FAMILY = { kn: kneserNeyInterpolated, wb: wittenBell, katz: katzBackoff, abs: absoluteDiscounting, mle } as const;

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

/**
 * Runs `body`, turning a thrown library or file error into a one-line message on stderr and exit code 1 (a
 * CommanderError, which `run` maps to the exit code — never `process.exit` from inside a command).
 */
function guarded(io: CliIo, body: () => void): void {
  try {
    body();
  } catch (error) {
    if (error instanceof CommanderError || !(error instanceof Error)) throw error;
    io.stderr(`nlpkit ngram: ${error.message}\n`);
    throw new CommanderError(1, 'nlpkit.ngram', error.message);
  }
}

/** `nlpkit ngram train|eval|query|generate` on top of @nlpkit/ngram. */
export function registerNgramCommands(program: Command, io: CliIo): void {
  const ngram = program.command('ngram').description('n-gram language models (modified Kneser-Ney as KenLM, ARPA files)');

  ngram
    .command('train')
    .description('estimate a model from a text file (one sentence per line) and write it as ARPA')
    .requiredOption('--order <n>', 'n-gram order (1-10)', integer('--order', 1))
    .requiredOption('--input <file>', 'training text, one sentence per line, tokens separated by spaces')
    .requiredOption('--arpa <file>', 'where to write the ARPA model')
    .option('--smoothing <name>', `smoothing: ${SMOOTHINGS.join('|')}`, 'mkn')
    .option('--prune <thresholds...>', 'mkn: prune n-grams with count ≤ threshold, per order (KenLM --prune)')
    .option('--discount <d>', 'kn and abs: the single discount (defaults 0.1 and 0.75, as NLTK)')
    .action((options: { order: number; input: string; arpa: string; smoothing: string; prune?: string[]; discount?: string }) => {
      guarded(io, () => {
        if (!(SMOOTHINGS as readonly string[]).includes(options.smoothing)) {
          throw new Error(`--smoothing must be one of ${SMOOTHINGS.join(', ')}, got "${options.smoothing}"`);
        }
        if (options.smoothing === 'add-k') {
          throw new Error(
            'add-k gives every unseen word of a seen context the same flat probability, which an ARPA backoff model ' +
              'cannot express; use it from the library (lidstone) or pick another --smoothing',
          );
        }
        if (options.smoothing !== 'mkn') {
          const make = FAMILY[options.smoothing as keyof typeof FAMILY];
          const stats = collectNgramStatistics(readSentences(options.input), { order: options.order });
          const discount = options.discount === undefined ? {} : { discount: Number(options.discount) };
          const model = (options.smoothing === 'kn' || options.smoothing === 'abs' ? make(stats, discount) : make(stats)).toBackoffModel();
          writeArpaFile(model, options.arpa);
          io.stdout(`wrote ${options.arpa} (${options.smoothing}, order ${options.order}; ${model.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ')})\n`);
          return;
        }
        const prune = options.prune?.map((t) => integer('--prune', 0)(t));
        const result = estimateKneserNey(readSentences(options.input), {
          order: options.order,
          ...(prune ? { prune } : {}),
          onWarning: (w) => io.stderr(`${w.message}\n`),
        });
        writeArpaFile(result.model, options.arpa);
        const counts = result.model.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ');
        io.stdout(`wrote ${options.arpa} (order ${options.order}; ${counts})\n`);
        result.discounts.forEach((d, n) => io.stdout(`discounts ${n + 1}: D1=${d.d1.toPrecision(6)} D2=${d.d2.toPrecision(6)} D3+=${d.d3.toPrecision(6)}\n`));
      });
    });

  ngram
    .command('eval')
    .description('perplexity of a text file (one sentence per line; </s> counted as KenLM does)')
    .requiredOption('--model <file>', 'ARPA model')
    .requiredOption('--input <file>', 'text, one sentence per line')
    .option('--json', 'print one JSON object')
    .action((options: { model: string; input: string; json?: boolean }) => {
      guarded(io, () => {
        const model = readArpaFile(options.model, { onWarning: (w) => io.stderr(`${w.message}\n`) });
        const r = evaluatePerplexity(model, readSentences(options.input));
        const report = { perplexity: r.perplexity, perplexityExcludingOov: r.perplexityExcludingOov, tokens: r.tokens, oov: r.oov };
        if (options.json) io.stdout(`${JSON.stringify(report)}\n`);
        else {
          io.stdout(`Perplexity including OOVs:\t${r.perplexity}\nPerplexity excluding OOVs:\t${r.perplexityExcludingOov}\n`);
          io.stdout(`OOVs:\t${r.oov}\nTokens:\t${r.tokens}\n`);
        }
      });
    });

  ngram
    .command('query')
    .description('score sentences word by word as KenLM query prints them: word=id ngram-length log10p')
    .requiredOption('--model <file>', 'ARPA model')
    .argument('[sentence...]', 'a sentence to score (otherwise --input)')
    .option('--input <file>', 'text file, one sentence per line')
    .action((words: string[], options: { model: string; input?: string }) => {
      guarded(io, () => {
        const model = readArpaFile(options.model);
        const sentences: Iterable<string[]> = options.input ? readSentences(options.input) : [words];
        for (const sentence of sentences) printScores(model, sentence, io);
      });
    });

  ngram
    .command('generate')
    .description('sample sentences from a model (seeded, reproducible)')
    .requiredOption('--model <file>', 'ARPA model')
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--count <n>', 'number of sentences', integer('--count', 1), 1)
    .option('--max-words <n>', 'longest sentence', integer('--max-words', 1), 50)
    .option('--prefix <text>', 'words each sentence starts with')
    .action((options: { model: string; seed: number; count: number; maxWords: number; prefix?: string }) => {
      guarded(io, () => {
        const model = readArpaFile(options.model);
        const prefix = options.prefix?.split(/\s+/).filter((w) => w !== '') ?? [];
        for (let i = 0; i < options.count; i++) {
          io.stdout(`${generateText(model, { seed: options.seed + i, maxWords: options.maxWords, prefix }).join(' ')}\n`);
        }
      });
    });
}

function printScores(model: BackoffLanguageModel, sentence: readonly string[], io: CliIo): void {
  const scored = model.scoreSentence(sentence);
  const vocab = model.data.vocabulary;
  const parts = scored.words.map((w) => `${w.word}=${w.oov ? 0 : vocab.id(w.word)} ${w.ngramLength} ${w.logProb}`);
  io.stdout(`${parts.join('\t')}\tTotal: ${scored.logProb} OOV: ${scored.oov}\n`);
}
