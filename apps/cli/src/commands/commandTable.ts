import type { Command } from 'commander';
import type { CliIo } from '../cliIo.js';

/** Adds one module's commands to the program (each module under `commands/` exports one). */
export type RegisterCommands = (program: Command, io: CliIo) => void;

/** A top-level command as `nlpkit --help` lists it: its name, its term in the list and its description. */
export interface CommandSummary {
  readonly name: string;
  /** What commander prints in the list of commands: the name, `[options]` when it has options, its arguments. */
  readonly term: string;
  readonly description: string;
}

/** A module under `commands/`: the top-level commands it registers, and how to load it. */
export interface CommandModule {
  readonly commands: readonly CommandSummary[];
  readonly load: () => Promise<RegisterCommands>;
}

/**
 * Every top-level command, in the order `nlpkit --help` lists them, with the module that registers it. The CLI
 * imports a module only when its command is the one run: a command module pulls in its packages (tfjs and the
 * tensor backends for `lm`, `tag`, `classify`, `translate`; BullMQ for `cluster`), and loading them all made every
 * start, `ngram eval` and `--version` included, cost about 0.2 s of CPU and 20 MB. The names, terms and
 * descriptions here are a copy of what each module registers; `commandTable.test.ts` keeps them equal.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: [
      {
        name: 'demo',
        term: 'demo [options]',
        description:
          'language models of the Brown corpus: Kneser-Ney of orders 2-5, an LSTM and both interpolated; ' +
          'perplexities, next words, sampled sentences, saved models (under 5 minutes; --quick: ~30 s)',
      },
    ],
    load: async () => (await import('./demo.js')).registerDemoCommand,
  },
  {
    commands: [{ name: 'env', term: 'env [options]', description: 'show the tensor backend chosen and what was tried (set NLPKIT_BACKEND=<name> to force one)' }],
    load: async () => (await import('./env.js')).registerEnvCommand,
  },
  {
    commands: [
      { name: 'tokenize', term: 'tokenize [options] [file]', description: 'split text into sentences and tokens: one sentence per line, tokens separated by spaces' },
    ],
    load: async () => (await import('./tokenize.js')).registerTokenizeCommand,
  },
  {
    commands: [{ name: 'ngram', term: 'ngram', description: 'n-gram language models (modified Kneser-Ney as KenLM, ARPA and binary files)' }],
    load: async () => (await import('./ngram.js')).registerNgramCommands,
  },
  {
    commands: [{ name: 'cluster', term: 'cluster', description: 'distributed jobs on BullMQ + Redis: run workers on any number of machines' }],
    load: async () => (await import('./cluster.js')).registerClusterCommands,
  },
  {
    commands: [{ name: 'lm', term: 'lm', description: 'recurrent (LSTM, GRU, RNN) language models: train from a recipe, evaluate, generate' }],
    load: async () => (await import('./lm.js')).registerLmCommands,
  },
  {
    commands: [
      { name: 'classify', term: 'classify', description: 'text classifiers (DAN, text CNN, BiLSTM): train from a recipe, evaluate on TSV, predict labels' },
    ],
    load: async () => (await import('./classify.js')).registerClassifyCommands,
  },
  {
    commands: [
      { name: 'tag', term: 'tag', description: 'sequence taggers (BiLSTM-CRF, BiLSTM, fixed window): train from a recipe, evaluate, predict (CoNLL)' },
    ],
    load: async () => (await import('./tag.js')).registerTagCommands,
  },
  {
    commands: [
      {
        name: 'translate',
        term: 'translate',
        description: 'translate with an attentional encoder-decoder (beam search, shallow fusion); train one from a recipe; BLEU',
      },
    ],
    load: async () => (await import('./translate.js')).registerTranslateCommands,
  },
  {
    commands: [
      { name: 'bleu', term: 'bleu [options]', description: 'corpus BLEU of a hypothesis file against one or more reference files (sacreBLEU-identical)' },
      { name: 'chrf', term: 'chrf [options]', description: 'corpus chrF / chrF++ of a hypothesis file against one or more reference files (sacreBLEU-identical)' },
      { name: 'ter', term: 'ter [options]', description: 'corpus TER of a hypothesis file against one or more reference files (sacreBLEU-identical)' },
      { name: 'entity-f1', term: 'entity-f1 [options]', description: 'entity-level precision/recall/F1 of predicted tags against gold tags (seqeval-identical)' },
    ],
    load: async () => (await import('./metrics.js')).registerMetricsCommands,
  },
];

/**
 * The command `args` (the arguments after node and the script) run: the first one that is not an option. The
 * program's own options (`--verbose`, `--version`, `--help`) take no value, so no option's value can be mistaken
 * for it. Undefined when there is none.
 */
export function commandNameOf(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-'));
}
