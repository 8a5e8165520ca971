import { TAG_SCHEMES, TAG_SCHEME_ALIASES, type TagSchemeName } from '@nlpkit/core';
import { InvalidArgumentError, type Command } from 'commander';
import {
  BLEU_SMOOTHING,
  BLEU_TOKENIZERS,
  ENTITY_MODES,
  corpusBleu,
  corpusChrf,
  corpusTer,
  entityF1,
  formatBleu,
  formatChrf,
  formatEntityReport,
  formatTer,
  type BleuSmoothing,
  type BleuTokenizerName,
  type EntityMode,
} from '@nlpkit/metrics';
import { CliError, guarded } from '../cliErrors.js';
import { readAllLines } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';

/** Scheme names `--scheme` takes: the canonical ones, then their aliases (BIO, BIOES). */
const SCHEME_NAMES = [...TAG_SCHEMES, ...Object.keys(TAG_SCHEME_ALIASES)] as TagSchemeName[];

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as T;
  };
}

function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
    return n;
  };
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(value)}.`);
  return n;
}

/** Rounds like sacreBLEU's `--width` JSON output when asked; full precision otherwise. */
function rounded(score: number, width: number | undefined): number {
  return width === undefined ? score : Number(score.toFixed(width));
}

/** Reads the hypothesis file and every reference file, checking that they have as many lines. */
async function readCorpus(io: CliIo, hypPath: string, refPaths: readonly string[]): Promise<{ hyps: string[]; refs: string[][] }> {
  const hyps = await readAllLines(hypPath, io);
  const refs = await Promise.all(refPaths.map(async (path) => {
    const lines = await readAllLines(path, io);
    if (lines.length !== hyps.length) {
      throw new CliError(`${path} has ${lines.length} lines but ${hypPath} has ${hyps.length}; each reference file needs one line per hypothesis`);
    }
    return lines;
  }));
  return { hyps, refs };
}

interface BleuFlags {
  hyp: string;
  ref: string[];
  tokenize: BleuTokenizerName;
  smooth: BleuSmoothing;
  smoothValue?: number;
  lowercase?: boolean;
  maxOrder: number;
  json?: boolean;
  width?: number;
}

interface ChrfFlags {
  hyp: string;
  ref: string[];
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase?: boolean;
  whitespace?: boolean;
  json?: boolean;
  width?: number;
}

interface TerFlags {
  hyp: string;
  ref: string[];
  normalized?: boolean;
  /** Commander turns `--no-punct` into `punct: false`. */
  punct?: boolean;
  caseSensitive?: boolean;
  asianSupport?: boolean;
  json?: boolean;
  width?: number;
}

interface EntityFlags {
  gold: string;
  pred: string;
  mode: EntityMode;
  scheme?: TagSchemeName;
  json?: boolean;
  digits: number;
}

/** `nlpkit bleu|chrf|ter|entity-f1`: BLEU, chrF and TER as sacreBLEU computes them, entity F1 as seqeval does. */
export function registerMetricsCommands(program: Command, io: CliIo): void {
  program
    .command('bleu')
    .description('corpus BLEU of a hypothesis file against one or more reference files (sacreBLEU-identical)')
    .requiredOption('--hyp <file>', 'hypotheses, one segment per line')
    .requiredOption('--ref <file>', 'references, one segment per line (repeat for several references)', collect)
    .option('--tokenize <name>', `tokenizer: ${BLEU_TOKENIZERS.join(', ')}`, choice(BLEU_TOKENIZERS), '13a')
    .option('--smooth <method>', `smoothing: ${BLEU_SMOOTHING.join(', ')}`, choice(BLEU_SMOOTHING), 'exp')
    .option('--smooth-value <x>', 'value for floor (default 0.1) and add-k (default 1) smoothing', number)
    .option('--lowercase', 'lowercase hypotheses and references')
    .option('--max-order <n>', 'highest n-gram order', integer(1), 4)
    .option('--width <n>', 'round the score to this many decimals in --json output', integer(0))
    .option('--json', 'print {"score", "signature"} as JSON')
    .action((flags: BleuFlags) =>
      guarded(io, 'bleu', async () => {
        const { hyps, refs } = await readCorpus(io, flags.hyp, flags.ref);
        const result = corpusBleu(hyps, refs, {
          tokenize: flags.tokenize,
          smoothMethod: flags.smooth,
          smoothValue: flags.smoothValue,
          lowercase: flags.lowercase ?? false,
          maxNgramOrder: flags.maxOrder,
        });
        io.stdout(
          flags.json
            ? `${JSON.stringify({ score: rounded(result.score, flags.width), signature: result.signature })}\n`
            : `${formatBleu(result, result.signature, flags.width ?? 2)}\n`,
        );
      }),
    );

  program
    .command('chrf')
    .description('corpus chrF / chrF++ of a hypothesis file against one or more reference files (sacreBLEU-identical)')
    .requiredOption('--hyp <file>', 'hypotheses, one segment per line')
    .requiredOption('--ref <file>', 'references, one segment per line (repeat for several references)', collect)
    .option('--char-order <n>', 'character n-gram order', integer(1), 6)
    .option('--word-order <n>', 'word n-gram order (2 for chrF++)', integer(0), 0)
    .option('--beta <x>', 'weight of recall against precision', number, 2)
    .option('--lowercase', 'lowercase hypotheses and references')
    .option('--whitespace', 'keep whitespace in character n-grams')
    .option('--width <n>', 'round the score to this many decimals in --json output', integer(0))
    .option('--json', 'print {"score", "signature"} as JSON')
    .action((flags: ChrfFlags) =>
      guarded(io, 'chrf', async () => {
        const { hyps, refs } = await readCorpus(io, flags.hyp, flags.ref);
        const result = corpusChrf(hyps, refs, {
          charOrder: flags.charOrder,
          wordOrder: flags.wordOrder,
          beta: flags.beta,
          lowercase: flags.lowercase ?? false,
          whitespace: flags.whitespace ?? false,
        });
        io.stdout(
          flags.json
            ? `${JSON.stringify({ score: rounded(result.score, flags.width), signature: result.signature })}\n`
            : `${formatChrf(result, true, flags.width ?? 2)}\n`,
        );
      }),
    );

  program
    .command('ter')
    .description('corpus TER of a hypothesis file against one or more reference files (sacreBLEU-identical)')
    .requiredOption('--hyp <file>', 'hypotheses, one segment per line')
    .requiredOption('--ref <file>', 'references, one segment per line (repeat for several references)', collect)
    .option('--normalized', 'Tercom normalization (unescape entities, split punctuation)')
    .option('--no-punct', 'remove punctuation')
    .option('--case-sensitive', 'keep case (TER lowercases by default)')
    .option('--asian-support', 'split CJK characters (with --normalized) and remove CJK punctuation (with --no-punct)')
    .option('--width <n>', 'round the score to this many decimals in --json output', integer(0))
    .option('--json', 'print {"score", "signature"} as JSON')
    .action((flags: TerFlags) =>
      guarded(io, 'ter', async () => {
        const { hyps, refs } = await readCorpus(io, flags.hyp, flags.ref);
        const result = corpusTer(hyps, refs, {
          normalized: flags.normalized ?? false,
          noPunct: flags.punct === false,
          caseSensitive: flags.caseSensitive ?? false,
          asianSupport: flags.asianSupport ?? false,
        });
        io.stdout(
          flags.json
            ? `${JSON.stringify({ score: rounded(result.score, flags.width), signature: result.signature })}\n`
            : `${formatTer(result, true, flags.width ?? 2)}\n`,
        );
      }),
    );

  program
    .command('entity-f1')
    .description('entity-level precision/recall/F1 of predicted tags against gold tags (seqeval-identical)')
    .requiredOption('--gold <file>', 'gold tags: one sentence per line, tags separated by spaces')
    .requiredOption('--pred <file>', 'predicted tags, same layout as --gold')
    .option('--mode <mode>', `matching: ${ENTITY_MODES.join(', ')}`, choice(ENTITY_MODES), 'default')
    .option('--scheme <scheme>', `tagging scheme for strict mode: ${SCHEME_NAMES.join(', ')} (detected when left out)`, choice(SCHEME_NAMES))
    .option('--digits <n>', 'decimals in the text report', integer(0), 2)
    .option('--json', 'print micro precision/recall/f1 and per-type results as JSON')
    .action((flags: EntityFlags) =>
      guarded(io, 'entity-f1', async () => {
        const toTags = (line: string): string[] => line.split(/\s+/).filter((tag) => tag !== '');
        const gold = (await readAllLines(flags.gold, io)).map(toTags);
        const pred = (await readAllLines(flags.pred, io)).map(toTags);
        if (gold.length !== pred.length) {
          throw new CliError(`${flags.pred} has ${pred.length} lines but ${flags.gold} has ${gold.length}; each line is one sentence`);
        }
        const result = entityF1(gold, pred, { mode: flags.mode, ...(flags.scheme === undefined ? {} : { scheme: flags.scheme }) });
        if (!flags.json) {
          io.stdout(formatEntityReport(result, flags.digits));
          return;
        }
        io.stdout(
          `${JSON.stringify({
            precision: result.precision,
            recall: result.recall,
            f1: result.f1,
            support: result.support,
            accuracy: result.accuracy,
            mode: result.mode,
            ...(result.scheme === undefined ? {} : { scheme: result.scheme }),
            types: result.types,
            macro: result.macro,
            weighted: result.weighted,
          })}\n`,
        );
      }),
    );
}
