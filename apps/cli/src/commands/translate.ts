import { resolve } from 'node:path';
import { collect } from '@nlpkit/core';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, guarded } from '../cliErrors.js';
import { linesFrom, readAllLines } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';
import { integerOption, positiveOption } from '../optionParsers.js';
import { modelPath, progressEvents, runTrainCommand, type TrainFlags } from '../trainingRun.js';
import { type ClusterFlags, checkClusterFlags, clusterOptions, printFile, runOnCluster } from './runOnCluster.js';

const LENGTH_PENALTIES = ['none', 'gnmt', 'average'] as const;
type LengthPenaltyName = (typeof LENGTH_PENALTIES)[number];

function lengthPenaltyOption(value: string): LengthPenaltyName {
  if (!(LENGTH_PENALTIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`--length-penalty must be one of ${LENGTH_PENALTIES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as LengthPenaltyName;
}

/** What decoding options the translate commands share. */
interface DecodeFlags {
  model: string;
  beam: number;
  nBest?: number;
  lengthPenalty: LengthPenaltyName;
  alpha: number;
  blockNgramRepeat?: number;
  maxLengthA: number;
  maxLengthB: number;
  batchSize: number;
  tokenized?: boolean;
  lm?: string;
  lmWeight: number;
}

function decodingOptions(command: Command): Command {
  return command
    .requiredOption('--model <path>', 'run folder or model.safetensors (from nlpkit translate train)')
    .option('--beam <k>', 'beam size (1 = greedy search)', integerOption('--beam', 1), 5)
    .option('--n-best <n>', 'print the n best translations of each sentence, tab-separated with their scores', integerOption('--n-best', 1))
    .option('--length-penalty <kind>', `beam length normalization: ${LENGTH_PENALTIES.join(', ')}`, lengthPenaltyOption, 'average')
    .option('--alpha <x>', 'GNMT length-penalty strength', positiveOption('--alpha'), 0.6)
    .option('--block-ngram-repeat <n>', 'never repeat an n-gram of this size in a translation', integerOption('--block-ngram-repeat', 1))
    .option('--max-length-a <a>', 'longest translation: a·|source| + b tokens', positiveOption('--max-length-a'), 2)
    .option('--max-length-b <b>', 'longest translation: a·|source| + b tokens', integerOption('--max-length-b', 0), 10)
    .option('--batch-size <n>', 'sentences decoded together', integerOption('--batch-size', 1), 32)
    .option('--tokenized', 'input is tokenized as the model was trained, and output stays tokenized (no Moses steps)')
    .option('--lm <file>', 'shallow fusion with a target-side language model: ARPA, gzipped ARPA or nlpkit binary n-gram model')
    .option('--lm-weight <x>', 'weight of the language model in shallow fusion', positiveOption('--lm-weight'), 0.1);
}

async function loadTranslator(path: string, flags?: DecodeFlags) {
  if (flags?.nBest !== undefined && flags.nBest > flags.beam) {
    throw new CliError(`--n-best must be at most --beam (${flags.beam}), got ${flags.nBest}`, { usage: true });
  }
  const [{ initBackend }, seq2seqNode] = await Promise.all([import('@nlpkit/tensor'), import('@nlpkit/seq2seq/node')]);
  const backend = await initBackend({ gradients: false }); // decoding only: no gradients to load
  return { backend, artifact: await seq2seqNode.readSeq2seqFile(await modelPath(path)) };
}

/** Loads `--lm` for shallow fusion (any model file `nlpkit ngram` writes). */
async function fusionOf(flags: DecodeFlags, io: CliIo) {
  if (flags.lm === undefined) return undefined;
  const { readModelFile } = await import('@nlpkit/ngram/node');
  return { model: readModelFile(flags.lm, { onWarning: (w) => io.stderr(`${w.message}\n`) }), weight: flags.lmWeight };
}

/** The model's text pipeline (`translationText` of `@nlpkit/seq2seq`); `tokenized` (--tokenized) feeds tokens as they are. */
async function textPipelineOf(meta: Readonly<Record<string, string>>, tokenized: boolean) {
  const { translationText } = await import('@nlpkit/seq2seq');
  return translationText(meta, { tokenized });
}

type Seq2seqArtifact = Awaited<ReturnType<typeof loadTranslator>>['artifact'];
type Fusion = Awaited<ReturnType<typeof fusionOf>>;

/** Translates token lists with the flags' decoding options, in input order (`fusion`: `--lm`, loaded once by the caller). */
async function translateAll(artifact: Seq2seqArtifact, sentences: readonly (readonly string[])[], flags: DecodeFlags, fusion: Fusion) {
  const { translateSentences } = await import('@nlpkit/seq2seq');
  return translateSentences(artifact, sentences, {
    beamSize: flags.beam,
    ...(flags.nBest !== undefined ? { nBest: flags.nBest } : {}),
    lengthPenalty: flags.lengthPenalty,
    alpha: flags.alpha,
    ...(flags.blockNgramRepeat !== undefined ? { noRepeatNgramSize: flags.blockNgramRepeat } : {}),
    maxLength: { ratio: flags.maxLengthA, offset: flags.maxLengthB },
    batchSize: flags.batchSize,
    ...(fusion !== undefined ? { fusion } : {}),
  });
}

/** The flags of `translate text` that shape its output. */
interface TextFlags extends DecodeFlags {
  json?: boolean;
  attention?: boolean;
}

/** A loaded translation model with its text pipeline and fusion model: what `translate text` runs on its input lines. */
export interface LineTranslator {
  /** The output lines for input lines: one per line (`--n-best` without `--json`: n per line, numbered from `first`). */
  translate(lines: readonly string[], first?: number): Promise<string[]>;
  dispose(): void;
}

/** Loads `--model`, its text pipeline and `--lm` once (in process and on a cluster's workers alike). */
export async function lineTranslator(flags: TextFlags, io: CliIo): Promise<LineTranslator> {
  const { artifact } = await loadTranslator(flags.model, flags);
  try {
    const pipeline = await textPipelineOf(artifact.meta, flags.tokenized === true);
    const fusion = await fusionOf(flags, io);
    return {
      async translate(lines, first = 0) {
        const sources = lines.map((line) => pipeline.source(line));
        const translations = await translateAll(artifact, sources, flags, fusion);
        const out: string[] = [];
        translations.forEach((t, i) => {
          const text = pipeline.target(t.tokens);
          if (flags.json === true) {
            out.push(JSON.stringify({
              translation: text,
              score: t.score,
              tokens: t.tokens,
              source: sources[i],
              ...(flags.attention === true ? { attention: t.attention.map((row) => Array.from(row, (x) => Number(x.toFixed(4)))) } : {}),
              ...(t.nBest !== undefined ? { nBest: t.nBest.map((h) => ({ translation: pipeline.target(h.tokens), score: h.score })) } : {}),
            }));
          } else if (flags.nBest !== undefined && t.nBest !== undefined) {
            for (const h of t.nBest) out.push(`${first + i}\t${pipeline.target(h.tokens)}\t${h.score.toFixed(4)}`);
          } else out.push(text);
        });
        return out;
      },
      dispose: () => artifact.dispose(),
    };
  } catch (error) {
    artifact.dispose();
    throw error;
  }
}

/** `nlpkit translate [text]|train|eval`: attentional encoder-decoder translation from `@nlpkit/seq2seq`. */
export function registerTranslateCommands(program: Command, io: CliIo): void {
  const translate = program
    .command('translate')
    .description('translate with an attentional encoder-decoder (beam search, shallow fusion); train one from a recipe; BLEU');

  clusterOptions(
    decodingOptions(
      translate
        .command('text', { isDefault: true })
        .description('translate one sentence per line (raw text, tokenized and detokenized as the model was trained)')
        .option('--input <file>', 'source sentences, one per line (- for stdin)', '-')
        .option('--json', 'one JSON object per line: {"translation", "score", "tokens", "attention"?, "nBest"?}')
        .option('--attention', 'with --json: the attention weights of every output token over the source tokens and </s>')
        .option('--quiet', 'no progress on stderr (with --cluster)'),
    ),
    'translate',
  ).action((flags: TextFlags & ClusterFlags & { input: string; quiet?: boolean }) =>
    guarded(io, 'translate', async () => {
      if (checkClusterFlags(flags, flags.input)) {
        if (flags.nBest !== undefined && flags.json !== true) {
          throw new CliError('--cluster prints --n-best lists with --json only (one line per input line)', { usage: true });
        }
        if (flags.nBest !== undefined && flags.nBest > flags.beam) throw new CliError(`--n-best must be at most --beam (${flags.beam}), got ${flags.nBest}`, { usage: true });
        const { model, input, cluster, storage, chunks, run, quiet, ...decoding } = flags;
        const result = await runOnCluster(
          { task: 'translate', model, input, options: { ...decoding, ...(decoding.lm === undefined ? {} : { lm: resolve(decoding.lm) }) }, quiet: quiet === true },
          { cluster: cluster!, storage: storage!, ...(chunks === undefined ? {} : { chunks }), ...(run === undefined ? {} : { run }) },
          io,
        );
        await printFile(result.path, io);
        return;
      }
      const translator = await lineTranslator(flags, io);
      try {
        const out = await translator.translate(await collect(linesFrom(flags.input, io)));
        if (out.length > 0) io.stdout(`${out.join('\n')}\n`);
      } finally {
        translator.dispose();
      }
    }),
  );

  translate
    .command('train')
    .description('train from a recipe in a run folder; run it again on the same folder to resume where it stopped')
    .option('--recipe <file>', 'recipe JSON (e.g. recipes/multi30k-de-en.json); optional when resuming an existing --out folder')
    .requiredOption('--out <folder>', 'run folder: recipe, vocabularies, checkpoint, curve.jsonl, model.safetensors, result.json')
    .option('--quiet', 'no progress on stderr')
    .action((flags: TrainFlags) =>
      guarded(io, 'translate', () =>
        runTrainCommand(
          io,
          'translate',
          flags,
          async ({ recipe, session }) => {
            const { trainSeq2seqRun } = await import('@nlpkit/seq2seq/node');
            return trainSeq2seqRun({
              out: flags.out,
              ...recipe,
              signal: session.signal,
              onEvent: progressEvents(session, {
                step: (e) => `loss ${e.loss.toFixed(3)} | ${Math.round(e.tokensPerSecond)} tok/s | lr ${e.lr}`,
                epoch: (e) => `valid loss ${e.validLoss === undefined ? 'n/a' : e.validLoss.toFixed(3)}${e.validBleu === undefined ? '' : ` | valid BLEU ${e.validBleu.toFixed(2)}`}`,
              }),
            });
          },
          (r) => [
            r.validBleu !== undefined ? `valid BLEU ${r.validBleu.toFixed(2)}` : undefined,
            r.testBleu !== undefined ? `test BLEU ${r.testBleu.toFixed(2)}` : undefined,
            `${r.tokens} target tokens in ${Math.round(r.seconds)} s`,
          ],
        ),
      ),
    );

  decodingOptions(
    translate
      .command('eval')
      .description('corpus BLEU (sacreBLEU-identical) of the model\'s translations of --src against --ref')
      .requiredOption('--src <file>', 'source sentences, one per line (raw, or tokenized with --tokenized)')
      .requiredOption('--ref <file>', 'reference translations, one per line (raw, or tokenized with --tokenized)')
      .option('--output <file>', 'also write the translations here')
      .option('--json', 'print {"bleu", "signature", "sentences", "beam"}'),
  ).action((flags: DecodeFlags & { src: string; ref: string; output?: string; json?: boolean }) =>
    guarded(io, 'translate', async () => {
      const { corpusBleu } = await import('@nlpkit/metrics');
      const { artifact } = await loadTranslator(flags.model, flags);
      try {
        const tokenized = flags.tokenized === true || (artifact.meta.tokenization ?? 'none') === 'none';
        const pipeline = await textPipelineOf(artifact.meta, tokenized);
        const [src, ref] = await Promise.all([readAllLines(flags.src, io), readAllLines(flags.ref, io)]);
        if (src.length !== ref.length) throw new CliError(`--src and --ref must have as many lines, got ${src.length} and ${ref.length}`);
        if (src.length === 0) throw new CliError(`--src ${JSON.stringify(flags.src)} holds no sentence`);
        const translations = await translateAll(artifact, src.map((line) => pipeline.source(line)), flags, await fusionOf(flags, io));
        const hyps = translations.map((t) => pipeline.target(t.tokens));
        if (flags.output !== undefined) {
          const { writeFileAtomic } = await import('@nlpkit/core/node');
          await writeFileAtomic(flags.output, `${hyps.join('\n')}\n`, { package: '@nlpkit/cli' });
        }
        // Tokenized text is scored as it is (tokenize none); detokenized text with 13a, lowercased because
        // a moses-lc model writes lower-case text.
        const result = corpusBleu(hyps, [ref], tokenized ? { tokenize: 'none' } : { tokenize: '13a', lowercase: true });
        if (flags.json === true) io.stdout(`${JSON.stringify({ bleu: result.score, signature: result.signature, sentences: src.length, beam: flags.beam })}\n`);
        else io.stdout(`BLEU ${result.score.toFixed(2)} (${result.signature}; ${pipeline.description}; beam ${flags.beam})\n`);
      } finally {
        artifact.dispose();
      }
    }),
  );
}
