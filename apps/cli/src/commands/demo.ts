import { type Command, InvalidArgumentError } from 'commander';
import { guarded } from '../cliErrors.js';
import type { CliIo } from '../cliIo.js';
import { createProgress } from '../progress.js';
import { formatDemo } from './demo/formatDemo.js';
import { runDemo } from './demo/runDemo.js';

interface DemoFlags {
  quick?: boolean;
  out: string;
  prompt: string;
  seed: number;
  top: number;
  sentences: number;
  vocabularySize: number;
  lstmSeconds?: number;
  json?: boolean;
  quiet?: boolean;
}

/** The LSTM's default training budgets in seconds: the whole demo stays under 5 minutes (30 s quick) on 2 CPU cores. */
export const LSTM_SECONDS = { full: 100, quick: 6 } as const;

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
    return n;
  };
}

/**
 * `nlpkit demo`, the main job: language models of the Brown corpus, trained, compared, queried and saved (see
 * `demo/runDemo.ts`; `demo/neuralModels.ts` is where the LSTM rows plug in).
 */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'language models of the Brown corpus: Kneser-Ney of orders 2-5, an LSTM and both interpolated; ' +
        'perplexities, next words, sampled sentences, saved models (under 5 minutes; --quick: ~30 s)',
    )
    .option('--quick', 'a fifth of the corpus and a short training budget (about 30 seconds)')
    .option('--out <dir>', 'folder to save the models and results.json in', 'runs/demo')
    .option('--prompt <words>', 'words whose next-word distribution is shown (lowercase, space-separated)', 'he said that')
    .option('--top <k>', 'how many next words to show', integer(1, 100), 10)
    .option('--sentences <n>', 'how many sentences to sample', integer(0, 100), 3)
    .option('--seed <n>', 'seed for sampling and training', integer(0, 2 ** 32 - 1), 1)
    .option('--vocabulary-size <n>', 'words kept (specials included); the rest read as <unk>', integer(5, 1_000_000), 10_000)
    .option('--lstm-seconds <s>', `training budget of the LSTM (default ${LSTM_SECONDS.full}, with --quick ${LSTM_SECONDS.quick}; 0: no LSTM rows)`, integer(0, 86_400))
    .option('--json', 'print the results as JSON instead of tables')
    .option('--quiet', 'no progress bars')
    .action((flags: DemoFlags) =>
      guarded(io, 'demo', async () => {
        const progress = createProgress(io, { quiet: flags.quiet === true });
        try {
          const result = await runDemo({
            quick: flags.quick === true,
            out: flags.out,
            prompt: flags.prompt.toLowerCase().split(/\s+/).filter((word) => word !== ''),
            seed: flags.seed,
            top: flags.top,
            sentences: flags.sentences,
            vocabularySize: flags.vocabularySize,
            lstmSeconds: flags.lstmSeconds ?? (flags.quick === true ? LSTM_SECONDS.quick : LSTM_SECONDS.full),
            progress,
          });
          io.stdout(flags.json === true ? `${JSON.stringify(result)}\n` : formatDemo(result));
        } finally {
          progress.done();
        }
      }),
    );
}
