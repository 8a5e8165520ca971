import { generate } from '@nlpkit/core';
import {
  absoluteDiscounting,
  collectNgramStatistics,
  estimateKneserNey,
  katzBackoff,
  kenlmWords,
  kneserNeyInterpolated,
  mle,
  KenlmQueryOutput,
  Utf8TextScorer,
  stupidBackoff,
  wittenBell,
  WrongFormatError,
  BackoffLanguageModel,
  type CountLanguageModel,
  type KenlmSplit,
  type NgramStatistics,
  type StupidBackoffModel,
} from '@nlpkit/ngram';
import { checkOutputPath, inputFileError, isSystemError, writeFileAtomic } from '@nlpkit/core/node';
import {
  MIN_ESTIMATION_MEMORY,
  collectDroppedArrays,
  countKenlmTextFile,
  estimateKneserNeyOnDisk,
  readModelFile,
  queryTextFileParallel,
  scoreTextFileParallel,
  readStupidBackoffFile,
  writeArpaFile,
  writeBinaryModelFile,
  writeStupidBackoffFile,
} from '@nlpkit/ngram/node';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { CLI_PACKAGE, CliError, guarded } from '../cliErrors.js';
import { bytesFrom, linesFrom } from '../cliInput.js';
import { type CliIo, stdinOf } from '../cliIo.js';
import { type Progress, createProgress } from '../progress.js';

const SMOOTHINGS = ['mkn', 'kn', 'wb', 'katz', 'abs', 'add-k', 'mle', 'stupid'] as const;

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

const SIZE_UNITS = { '': 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 } as const;

/**
 * A memory size as lmplz's `-S` takes it — `512M`, `2G`, `1.5G`, `800K` (units are powers of 1024; `KiB`, `MB`
 * and the like read the same; a bare number is bytes) — as whole bytes, at least `min`.
 */
function byteSize(name: string, min: number) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?$/i.exec(value.trim());
    const unit = match?.[2]?.toUpperCase() as keyof typeof SIZE_UNITS | undefined;
    if (!match || unit === undefined) {
      throw new InvalidArgumentError(`${name} must be a size such as 512M or 2G (K, M, G, T: powers of 1024), got "${value}"`);
    }
    const bytes = Math.floor(Number(match[1]) * SIZE_UNITS[unit]);
    if (!(bytes >= min) || !Number.isSafeInteger(bytes)) {
      throw new InvalidArgumentError(`${name} must be at least ${min / 1024}K, got "${value}"`);
    }
    return bytes;
  };
}

/**
 * The sentences of a text file (or `-`: standard input), one per line, read as KenLM reads them: words split only
 * at the bytes `split` names (lmplz's for training, query's for scoring; see `kenlmWords`), and an empty line is a
 * sentence too (`<s> </s>`), as in lmplz and query. Lines read are reported to `progress` now and then;
 * `onEnd` runs when the input is exhausted (the next stage starts).
 */
async function* kenlmSentences(
  path: string,
  io: CliIo,
  split: KenlmSplit,
  progress: Progress,
  onEnd: () => void = () => {},
): AsyncGenerator<string[], void, undefined> {
  let lines = 0;
  for await (const line of linesFrom(path, io)) {
    yield kenlmWords(line, split);
    if (++lines % 8192 === 0) progress.update(lines);
  }
  progress.update(lines);
  onEnd();
}

/** One order's discounts as `discounts 2: D1=… D2=… D3+=…` (6 significant digits, as lmplz prints them). */
function discountLine(n: number, d: { d1: number; d2: number; d3: number }): string {
  return `discounts ${n + 1}: D1=${d.d1.toPrecision(6)} D2=${d.d2.toPrecision(6)} D3+=${d.d3.toPrecision(6)}\n`;
}

/** Characters of output gathered before a write (`ngram query`). */
const OUTPUT_BLOCK = 1 << 16;

/**
 * Threads that read an ARPA model (`readModelFile`'s `threads`): two where the machine has the cores (a large file
 * in lmplz's layout is then read from both halves at once; the same model), else one.
 */
function readThreads(): number {
  return Math.min(2, availableParallelism());
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** n-gram counts as `lmplz` prints them: `1-grams: 10002, 2-grams: …`. */
function countsText(model: BackoffLanguageModel): string {
  return model.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ');
}

/**
 * `ngram train --cluster`: submits the estimation (modified Kneser-Ney, or stupid backoff) to the cluster's workers,
 * shows progress across them, copies the file from the shared storage to `output` (atomically) and prints where
 * both are.
 */
async function trainOnCluster(
  options: { order: number; input: string; output: string; stupid?: { alpha: number }; cluster: string; storage: string; shards?: number; quiet?: boolean },
  io: CliIo,
): Promise<void> {
  // Loaded here: BullMQ and its Redis client are large, and no other command needs them.
  const { trainKneserNeyDistributed, trainStupidBackoffDistributed } = await import('@nlpkit/distributed/node');
  const progress = createProgress(io, { quiet: options.quiet === true });
  const ac = new AbortController();
  const onSignal = (): void => ac.abort(new CliError('interrupted: stopped waiting; the jobs already queued stay queued'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let stage = '';
    const common = {
      redis: options.cluster,
      storage: options.storage,
      input: options.input,
      order: options.order,
      ...(options.shards === undefined ? {} : { shards: options.shards }),
      signal: ac.signal,
      onProgress: ({ stage: name, done, total }: { stage: string; done: number; total: number }) => {
        if (name !== stage) {
          stage = name;
          progress.stage(`cluster: ${name} (jobs)`, total);
        }
        progress.update(done);
      },
    };
    const result = options.stupid
      ? { ...(await trainStupidBackoffDistributed({ ...common, alpha: options.stupid.alpha })), discounts: [], warnings: [] }
      : await trainKneserNeyDistributed(common);
    progress.done();
    for (const w of result.warnings) io.stderr(`${w.message}\n`);
    await writeFileAtomic(options.output, createReadStream(result.path), { package: CLI_PACKAGE });
    const kind = options.stupid ? `stupid backoff, alpha ${options.stupid.alpha}, ` : '';
    io.stdout(
      `wrote ${options.output} (${kind}order ${options.order}, on the cluster: ${result.shards} shards; ` +
        `${result.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ')})\n`,
    );
    io.stdout(`run ${result.run}: the ${options.stupid ? 'stupid-backoff' : 'ARPA'} file is also in the shared storage at ${result.path}\n`);
    for (const [n, d] of result.discounts.entries()) io.stdout(discountLine(n, d));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.done();
  }
}

/** Whether `path` starts as a stupid-backoff file does (plain text; a gzip'd one is recognized when read). */
function isStupidBackoffFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(22);
    return head.toString('latin1', 0, readSync(fd, head, 0, 22, 0)) === 'nlpkit-stupid-backoff ';
  } catch {
    return false; // the reader reports the file's problem
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `path` names a regular file (not `-`, a folder, or nothing: those take the streaming path and its errors). */
function isRegularFile(path: string): boolean {
  if (path === '-') return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The usage error of `ngram eval` given a stupid-backoff file. */
function noPerplexity(path: string): CliError {
  return new CliError(
    `${path} is a stupid-backoff file: its numbers are scores, not probabilities (they do not sum to one), so it has no ` +
      'perplexity; score sentences with nlpkit ngram query --model, or train a probability model (--smoothing mkn) for eval',
    { usage: true },
  );
}

/** A model file read for scoring: a backoff language model, or a stupid-backoff file (scores only). */
function readScoringModel(path: string, alpha: number | undefined): BackoffLanguageModel | StupidBackoffModel {
  try {
    const model = readModelFile(path, { threads: readThreads() });
    if (alpha !== undefined) throw new CliError('--alpha is the backoff multiplier of stupid-backoff files; this model has probabilities', { usage: true });
    return model;
  } catch (error) {
    if (error instanceof WrongFormatError && error.format === 'stupid-backoff') return readStupidBackoffFile(path, alpha === undefined ? {} : { alpha });
    throw error;
  }
}

/**
 * `ngram eval --cluster`: submits the scoring to the cluster's workers (one job per chunk), shows progress across
 * them, copies the per-line scores to `--output` (atomically) if asked, and says on stderr where the run left them;
 * returns `evaluatePerplexity`'s numbers (the same, bit for bit).
 */
async function evalOnCluster(
  options: { model: string; input: string; cluster: string; storage: string; chunks?: number; output?: string; run?: string },
  io: CliIo,
  progress: Progress,
): Promise<{ perplexity: number; perplexityExcludingOov: number; tokens: number; oov: number }> {
  // Loaded here: BullMQ and its Redis client are large, and no other command needs them.
  const { scoreCorpusDistributed } = await import('@nlpkit/distributed/node');
  const ac = new AbortController();
  const onSignal = (): void => ac.abort(new CliError('interrupted: stopped waiting; the jobs already queued stay queued'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let started = false;
    const result = await scoreCorpusDistributed({
      redis: options.cluster,
      storage: options.storage,
      input: options.input,
      model: options.model,
      ...(options.chunks === undefined ? {} : { chunks: options.chunks }),
      ...(options.run === undefined ? {} : { run: options.run }),
      signal: ac.signal,
      onProgress: ({ done, total }) => {
        if (!started) progress.stage('cluster: scoring (chunks)', total);
        started = true;
        progress.update(done);
      },
    });
    progress.done();
    if (options.output !== undefined) await writeFileAtomic(options.output, createReadStream(result.path), { package: CLI_PACKAGE });
    io.stderr(`run ${result.run}: ${result.chunks} chunks (${result.scored} scored now); per-line scores in the shared storage at ${result.path}\n`);
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * `evaluatePerplexity` of a text file (or `-`: standard input) split as KenLM's query splits it, read as bytes and
 * scored without a string per line or word ({@link Utf8TextScorer}: the same numbers, bit for bit).
 */
async function scoreTextBytes(model: BackoffLanguageModel, path: string, io: CliIo, progress: Progress): Promise<ReturnType<Utf8TextScorer['end']>> {
  const scorer = new Utf8TextScorer(model);
  if (path === '-') {
    for await (const chunk of stdinOf(io)) {
      scorer.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
      progress.update(scorer.lines);
    }
    return scorer.end();
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      scorer.push(buffer.subarray(0, read));
      progress.update(scorer.lines);
    }
  } catch (error) {
    throw isSystemError(error) ? inputFileError(path, error, { package: CLI_PACKAGE, argument: '--input' }) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return scorer.end();
}

/** `nlpkit ngram train|eval|query|generate|build-binary` on top of @nlpkit/ngram. */
export function registerNgramCommands(program: Command, io: CliIo): void {
  const ngram = program.command('ngram').description('n-gram language models (modified Kneser-Ney as KenLM, ARPA and binary files)');
  const modelHelp = 'model file: ARPA (plain or gzip) or an nlpkit binary model, told apart by its bytes';
  const scoringModelHelp = `${modelHelp}; or a stupid-backoff file (ngram train --smoothing stupid)`;

  ngram
    .command('train')
    .description(
      'estimate a model from text (one sentence per line, words split as KenLM lmplz splits them) and write it as ARPA ' +
        '(--arpa) and/or as an nlpkit binary model (--binary); ' +
        'or count it for stupid backoff (--smoothing stupid --output FILE: scores, not probabilities, in a file of its own)',
    )
    .requiredOption('--order <n>', 'n-gram order (1-10)', integer('--order', 1))
    .option('--input <file>', 'training text, one sentence per line (- or left out: standard input)', '-')
    .option('--arpa <file>', 'where to write the ARPA model (every smoothing but stupid)')
    .option(
      '--binary <file>',
      'where to write the model as an nlpkit binary model (the bytes ngram build-binary gives from the ARPA); with --memory it is ' +
        'built out of core from the ARPA streamed back from the temporary folder (with --quantize 8 the model is read into memory for that step)',
    )
    .option('--quantize <bits>', 'with --binary: store probabilities and backoffs in 8 bits (8 is the only size the format has)')
    .option('--output <file>', 'stupid: where to write the stupid-backoff file (raw n-gram counts of every order; not ARPA)')
    .option('--smoothing <name>', `smoothing: ${SMOOTHINGS.join('|')} (stupid: Brants et al. 2007 stupid backoff)`, 'mkn')
    .option('--alpha <a>', 'stupid: the backoff multiplier stored as the file\'s default (default 0.4)', positive('--alpha'))
    .option('--prune <thresholds...>', 'mkn: prune n-grams with count ≤ threshold, per order (KenLM --prune; in memory or with --memory)')
    .option('--discount <d>', 'kn and abs: the single discount (defaults 0.1 and 0.75, as NLTK)')
    .option(
      '--memory <size>',
      'mkn: estimate out of core under this memory cap (e.g. 512M, 2G), spilling sorted runs to --temp; same ARPA (pruned or not) as in memory',
      byteSize('--memory', MIN_ESTIMATION_MEMORY),
    )
    .option('--temp <dir>', 'with --memory: folder for the temporary files (default: the OS temp folder; removed afterwards)')
    .option(
      '--cluster <url>',
      'mkn and stupid: estimate on the workers of a cluster (nlpkit cluster worker), Redis at this URL (redis://:password@host:port); same file',
    )
    .option('--storage <dir>', 'with --cluster: the shared folder the workers use (--input must be readable by them at the same path)')
    .option('--shards <n>', 'with --cluster: number of shards the input is cut into (default 4)', integer('--shards', 1))
    .option(
      '--threads <n>',
      'in memory: 0 or 1: all on one thread; 2 or more: the text counted on two threads (its highest orders on a ' +
        'worker; the default where the machine has two cores and the input is 1 MiB or more, or standard input), and ' +
        'from 3 on the ARPA text formatted by n - 1 worker threads; with --memory and --input a file: threads that ' +
        'count it (default: for 16 MiB or more, one per core up to 4; 0 or 1: one); the bytes are the same',
      integer('--threads', 0),
    )
    .option('--quiet', 'no progress on stderr')
    .action(
      (options: {
        order: number;
        input: string;
        arpa?: string;
        binary?: string;
        quantize?: string;
        output?: string;
        smoothing: string;
        alpha?: number;
        prune?: string[];
        discount?: string;
        memory?: number;
        temp?: string;
        cluster?: string;
        storage?: string;
        shards?: number;
        threads?: number;
        quiet?: boolean;
      }) =>
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
        const stupid = options.smoothing === 'stupid';
        if (stupid) {
          if (options.arpa !== undefined) {
            throw new CliError('stupid backoff has no ARPA form (its numbers are scores, not probabilities): write it with --output FILE', { usage: true });
          }
          if (options.binary !== undefined) {
            throw new CliError('stupid backoff has no binary model form (its numbers are scores, not probabilities): write it with --output FILE', { usage: true });
          }
          if (options.output === undefined) throw new CliError('--smoothing stupid needs --output FILE (where to write the stupid-backoff file)', { usage: true });
          if (options.prune !== undefined || options.discount !== undefined || options.memory !== undefined) {
            throw new CliError('--smoothing stupid takes none of --prune, --discount and --memory (it keeps raw counts; --cluster counts out of core)', { usage: true });
          }
        } else {
          if (options.output !== undefined || options.alpha !== undefined) {
            throw new CliError('--output and --alpha are those of --smoothing stupid; an ARPA model is written with --arpa FILE', { usage: true });
          }
          if (options.arpa === undefined && options.binary === undefined) {
            throw new CliError('--arpa FILE is required (where to write the ARPA model), or --binary FILE (a binary model), or both', { usage: true });
          }
          if (options.arpa !== undefined && options.arpa === options.binary) {
            throw new CliError(`--arpa and --binary must be two files, got "${options.arpa}" for both`, { usage: true });
          }
        }
        if (options.quantize !== undefined && (options.quantize !== '8' || options.binary === undefined)) {
          throw new CliError(`--quantize takes 8 and goes with --binary (the binary format quantizes to 8 bits), got "${options.quantize}"`, { usage: true });
        }
        const output = (stupid ? options.output : (options.arpa ?? options.binary))!;
        const written = stupid ? output : [options.arpa, options.binary].filter((f) => f !== undefined).join(' and ');
        const binaryOptions = options.quantize === '8' ? { quantize: 'q8' as const } : {};
        const prune = options.prune?.map((t) => integer('--prune', 0)(t));
        if (options.temp !== undefined && options.memory === undefined) {
          throw new CliError('--temp needs --memory (the temporary files are those of out-of-core estimation)', { usage: true });
        }
        if (options.memory !== undefined && options.smoothing !== 'mkn') {
          throw new CliError('--memory (out-of-core estimation) supports --smoothing mkn (with or without --prune)', { usage: true });
        }
        if (options.temp !== undefined && !isFolder(options.temp)) {
          throw new CliError(`--temp must be an existing folder, got "${options.temp}"`, { usage: true });
        }
        if ((options.storage !== undefined || options.shards !== undefined) && options.cluster === undefined) {
          throw new CliError('--storage and --shards need --cluster (they are those of distributed estimation)', { usage: true });
        }
        if (options.cluster !== undefined) {
          if ((options.smoothing !== 'mkn' && !stupid) || prune !== undefined || options.memory !== undefined || options.binary !== undefined) {
            throw new CliError('--cluster (distributed estimation) supports --smoothing mkn or stupid, without --prune, --memory or --binary', { usage: true });
          }
          if (options.storage === undefined) throw new CliError('--cluster needs --storage (the folder the workers share)', { usage: true });
          if (options.input === '-') throw new CliError('--cluster needs --input: a file the workers can read (not standard input)', { usage: true });
        }
        // Before any long work: a missing folder or a folder given as --arpa fails now, not after training.
        await checkOutputPath(output, CLI_PACKAGE);
        if (options.binary !== undefined && options.binary !== output) await checkOutputPath(options.binary, CLI_PACKAGE);
        const alpha = options.alpha ?? 0.4;
        if (options.cluster !== undefined) {
          await trainOnCluster({ ...options, output, ...(stupid ? { stupid: { alpha } } : {}), cluster: options.cluster, storage: options.storage! }, io);
          return;
        }
        const progress = createProgress(io, { quiet: options.quiet === true });
        try {
          progress.stage('counting (lines)');
          const sentences = kenlmSentences(options.input, io, 'lmplz', progress, () => progress.stage('estimating'));
          if (stupid) {
            const sb = stupidBackoff(await collectNgramStatistics(sentences, { order: options.order }), { alpha });
            progress.stage('writing');
            await writeStupidBackoffFile(sb, output);
            progress.done();
            const counts = sb.counts.counts.map((c, n) => `${n + 1}-grams: ${c.length}`).join(', ');
            io.stdout(`wrote ${output} (stupid backoff, alpha ${alpha}, order ${options.order}; ${counts})\n`);
            return;
          }
          let model: BackoffLanguageModel;
          let discounts: string[] = [];
          if (options.memory !== undefined) {
            // Ctrl-C or a kill stops the estimation between passes: its temporary files are removed, no model written.
            const ac = new AbortController();
            const onSignal = (): void => ac.abort(new CliError('interrupted: no model written, temporary files removed'));
            process.once('SIGINT', onSignal);
            process.once('SIGTERM', onSignal);
            let result: Awaited<ReturnType<typeof estimateKneserNeyOnDisk>>;
            try {
              // Read as bytes, as lmplz reads them (no string per line or word): the same counts as kenlmSentences.
              // A regular file is counted on several threads (each reads its part twice: the progress counts lines
              // twice); standard input, a pipe or a missing file (its error) is read as a stream.
              const onLines = (lines: number): void => progress.update(lines);
              const threads = options.threads === undefined ? {} : { threads: Math.max(1, options.threads) };
              const text = isRegularFile(options.input)
                ? { kenlmFile: options.input, onLines, ...threads }
                : { kenlmText: bytesFrom(options.input, io), onLines };
              result = await estimateKneserNeyOnDisk(text, {
                order: options.order,
                memory: options.memory,
                ...(options.arpa === undefined ? {} : { output: options.arpa }),
                ...(options.binary === undefined ? {} : { binary: options.binary, ...binaryOptions }),
                ...(prune ? { prune } : {}),
                ...(options.temp === undefined ? {} : { tempDir: options.temp }),
                signal: ac.signal,
                onWarning: (w) => io.stderr(`${w.message}\n`),
                onStage: (stage) => {
                  if (stage !== 'counting') progress.stage(stage === 'writing' ? 'estimating, writing ARPA' : stage);
                },
              });
            } finally {
              process.off('SIGINT', onSignal);
              process.off('SIGTERM', onSignal);
            }
            progress.done();
            io.stdout(`wrote ${written} (order ${options.order}, out of core; ${result.counts.map((c, n) => `${n + 1}-grams: ${c}`).join(', ')})\n`);
            for (const [n, d] of result.discounts.entries()) io.stdout(discountLine(n, d));
            return;
          }
          if (options.smoothing !== 'mkn') {
            const make = FAMILY[options.smoothing as keyof typeof FAMILY];
            const stats = await collectNgramStatistics(sentences, { order: options.order });
            const discount = options.discount === undefined ? {} : { discount: Number(options.discount) };
            model = make(stats, discount).toBackoffModel();
          } else {
            // Read as bytes, as lmplz reads them (no string per line or word): the same counts as kenlmSentences.
            const input = options.input === '-' ? (stdinOf(io) as AsyncIterable<Uint8Array | string>) : options.input;
            // The counts are passed on, not kept: what the model does not hold of them is freed before the ARPA is written.
            const result = estimateKneserNey(
              await countKenlmTextFile(input, {
                order: options.order,
                onLines: (lines) => progress.update(lines),
                ...(options.threads === undefined ? {} : { threads: Math.max(1, options.threads) }),
              }).finally(() => progress.stage('estimating')),
              {
                order: options.order,
                ...(prune ? { prune } : {}),
                onWarning: (w) => io.stderr(`${w.message}\n`),
                collect: collectDroppedArrays,
              },
            );
            model = result.model;
            discounts = result.discounts.map((d, n) => discountLine(n, d));
          }
          if (options.arpa !== undefined) {
            progress.stage('writing ARPA');
            // Formatting threads pay only with cores to spare (on two cores they were measured slower than one).
            await writeArpaFile(model, options.arpa, { threads: options.threads !== undefined && options.threads >= 3 ? options.threads - 1 : 0 });
          }
          if (options.binary !== undefined) {
            progress.stage('writing binary');
            await writeBinaryModelFile(model, options.binary, binaryOptions);
          }
          progress.done();
          const smoothing = options.smoothing === 'mkn' ? '' : `${options.smoothing}, `;
          io.stdout(`wrote ${written} (${smoothing}order ${options.order}; ${countsText(model)})\n`);
          for (const line of discounts) io.stdout(line);
        } finally {
          progress.done();
        }
      }),
    );

  ngram
    .command('eval')
    .description(
      'perplexity of a text (one sentence per line, words split as KenLM query splits them; </s> counted as KenLM does); ' +
        'not for stupid-backoff files, whose scores are not probabilities',
    )
    .requiredOption('--model <file>', modelHelp)
    .option('--input <file>', 'text, one sentence per line (- or left out: standard input)', '-')
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress on stderr')
    .option('--cluster <url>', 'score on the workers of a cluster (nlpkit cluster worker), Redis at this URL (redis://:password@host:port); same report')
    .option('--storage <dir>', 'with --cluster: the shared folder the workers use (--input and --model must be readable by them at the same paths)')
    .option('--chunks <n>', 'with --cluster: number of chunks (jobs) the input is cut into (default 4)', integer('--chunks', 1))
    .option('--output <file>', 'with --cluster: also write the per-line scores there (log10Prob<TAB>tokens<TAB>oov, one line per input line)')
    .option('--run <id>', 'with --cluster: the run id; given again (same input, model, chunks), only the chunks not scored yet are scored')
    .option(
      '--threads <n>',
      '--input a file: threads that score (default: for a text of 4 MiB or more, one per core up to 4; else 1; same numbers); an ARPA model in lmplz\'s layout is then also read on two',
      integer('--threads', 1),
    )
    .action((options: { model: string; input: string; json?: boolean; quiet?: boolean; cluster?: string; storage?: string; chunks?: number; output?: string; run?: string; threads?: number }) =>
      guarded(io, 'ngram', async () => {
        if ((options.storage !== undefined || options.chunks !== undefined || options.output !== undefined || options.run !== undefined) && options.cluster === undefined) {
          throw new CliError('--storage, --chunks, --output and --run need --cluster (they are those of distributed scoring)', { usage: true });
        }
        if (isStupidBackoffFile(options.model)) throw noPerplexity(options.model);
        if (options.cluster !== undefined) {
          if (options.storage === undefined) throw new CliError('--cluster needs --storage (the folder the workers share)', { usage: true });
          if (options.input === '-') throw new CliError('--cluster needs --input: a file the workers can read (not standard input)', { usage: true });
          if (options.output !== undefined) await checkOutputPath(options.output, CLI_PACKAGE);
        }
        const progress = createProgress(io, { quiet: options.quiet === true });
        let r;
        try {
          if (options.cluster !== undefined) {
            r = await evalOnCluster({ ...options, cluster: options.cluster, storage: options.storage! }, io, progress);
          } else if (isRegularFile(options.input)) {
            // A model file and a text file: scored on several threads when the text is large (a binary model read
            // into shared memory; an ARPA file read on two threads, into shared memory).
            progress.stage('reading model');
            let scoring = false;
            try {
              r = await scoreTextFileParallel(options.model, options.input, {
                ...(options.threads === undefined ? {} : { threads: options.threads }),
                onWarning: (w) => io.stderr(`${w.message}\n`),
                onLines: (lines) => {
                  if (!scoring) progress.stage('scoring (lines)');
                  scoring = true;
                  progress.update(lines);
                },
              });
            } catch (error) {
              // A gzip'd stupid-backoff file is recognized once decompressed.
              if (error instanceof WrongFormatError && error.format === 'stupid-backoff') throw noPerplexity(options.model);
              throw error;
            }
          } else {
            progress.stage('reading model');
            let model: BackoffLanguageModel;
            try {
              model = readModelFile(options.model, { threads: readThreads(), onWarning: (w) => io.stderr(`${w.message}\n`) });
            } catch (error) {
              // A gzip'd stupid-backoff file is recognized once decompressed.
              if (error instanceof WrongFormatError && error.format === 'stupid-backoff') throw noPerplexity(options.model);
              throw error;
            }
            progress.stage('scoring (lines)');
            r = await scoreTextBytes(model, options.input, io, progress);
          }
        } finally {
          progress.done();
        }
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
    .description(
      "score sentences word by word, printing what KenLM's query prints (word=id ngram-length log10p per token, each line's total, " +
        'then the perplexity summary); for a stupid-backoff file, ' +
        'word=id log10score (scores, not probabilities; an unknown word scores -Infinity and is left out of Total)',
    )
    .requiredOption('--model <file>', scoringModelHelp)
    .argument('[words...]', 'one sentence to score (otherwise --input, or text piped on standard input)')
    .option('--input <file>', 'text file, one sentence per line (- for standard input)')
    .option('--alpha <a>', "stupid-backoff files: the backoff multiplier to score with (default: the file's)", positive('--alpha'))
    .option(
      '--threads <n>',
      "--input a file: threads that score and print (default: for a text of 4 MiB or more, one per core up to 4; else 1; the same bytes); an ARPA model in lmplz's layout is then also read on two",
      integer('--threads', 1),
    )
    .action((words: string[], options: { model: string; input?: string; alpha?: number; threads?: number }) =>
      guarded(io, 'ngram', async () => {
        if (words.length > 0 && options.input !== undefined) {
          throw new CliError('give either words to score or --input, not both', { usage: true });
        }
        if (words.length === 0 && options.input === undefined && (stdinOf(io) as { isTTY?: boolean }).isTTY === true) {
          throw new CliError('nothing to score: give the words of a sentence, --input FILE, or pipe text on standard input', { usage: true });
        }
        // KenLM query's text byte for byte (its summary last), built as bytes from the text read as bytes and scored
        // line by line as `ngram eval` scores it; written as it comes, in blocks of whole lines.
        const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
        const write = io.stdoutBytes ?? ((bytes: Uint8Array): void => io.stdout(decoder.decode(bytes, { stream: true })));
        const noLines = () => new CliError(`nothing to score: ${options.input ?? 'standard input'} has no lines`, { usage: true });
        if (options.threads !== undefined && (options.input === undefined || !isRegularFile(options.input))) {
          throw new CliError('--threads needs --input: a text file (not standard input)', { usage: true });
        }
        if (options.input !== undefined && isRegularFile(options.input) && options.alpha === undefined && !isStupidBackoffFile(options.model)) {
          // A model file and a text file: the text cut into chunks that the threads score and print, written in order
          // (a binary model read into shared memory; an ARPA file read on two threads, into shared memory).
          try {
            const lines = await queryTextFileParallel(options.model, options.input, write, {
              ...(options.threads === undefined ? {} : { threads: options.threads }),
              onWarning: (w) => io.stderr(`${w.message}\n`),
            });
            if (lines === 0) throw noLines();
            return;
          } catch (error) {
            // A gzip'd stupid-backoff file is recognized once decompressed: scored below, on this thread.
            if (!(error instanceof WrongFormatError && error.format === 'stupid-backoff')) throw error;
          }
        }
        const model = readScoringModel(options.model, options.alpha);
        if (model instanceof BackoffLanguageModel) {
          const output = new KenlmQueryOutput(write);
          const scorer = new Utf8TextScorer(model, { onLine: (line) => output.line(line) });
          if (words.length > 0) scorer.push(new TextEncoder().encode(`${words.join(' ')}\n`));
          else for await (const chunk of bytesFrom(options.input ?? '-', io)) scorer.push(chunk);
          scorer.flush();
          if (scorer.lines === 0) throw noLines();
          output.end();
          return;
        }
        if (words.length > 0) {
          io.stdout(stupidScoresLine(model, kenlmWords(words.join(' '), 'query')));
          return;
        }
        // A stupid-backoff file: lines go out in blocks of ~64 KiB, not a write (a system call) each.
        let sentences = 0;
        let block = '';
        for await (const sentence of kenlmSentences(options.input ?? '-', io, 'query', createProgress(io, { quiet: true }))) {
          block += stupidScoresLine(model, sentence);
          if (block.length >= OUTPUT_BLOCK) {
            io.stdout(block);
            block = '';
          }
          sentences++;
        }
        if (block !== '') io.stdout(block);
        if (sentences === 0) throw new CliError(`nothing to score: ${options.input ?? 'standard input'} has no lines`, { usage: true });
      }),
    );

  ngram
    .command('build-binary')
    .description('convert a model (ARPA, gzip ARPA or binary) to the nlpkit binary format: compact, fast to load')
    .argument('<model>', modelHelp)
    .argument('<output>', 'where to write the binary model')
    .option('--quantize <bits>', 'store probabilities and backoffs in 8 bits (8 is the only size the format has)')
    .option('--quiet', 'no progress on stderr')
    .action((input: string, output: string, options: { quantize?: string; quiet?: boolean }) =>
      guarded(io, 'ngram', async () => {
        if (options.quantize !== undefined && options.quantize !== '8') {
          throw new CliError(`--quantize must be 8 (the binary format quantizes to 8 bits; leave it out for float32), got "${options.quantize}"`, {
            usage: true,
          });
        }
        await checkOutputPath(output, CLI_PACKAGE);
        const progress = createProgress(io, { quiet: options.quiet === true });
        let model: BackoffLanguageModel;
        try {
          progress.stage('reading model');
          model = readModelFile(input, { threads: readThreads(), onWarning: (w) => io.stderr(`${w.message}\n`) });
          progress.stage('writing binary');
          await writeBinaryModelFile(model, output, options.quantize === '8' ? { quantize: 'q8' } : {});
        } finally {
          progress.done();
        }
        io.stdout(`wrote ${output} (binary${options.quantize === '8' ? ', 8-bit quantized' : ''}; order ${model.order}; ${countsText(model)})\n`);
      }),
    );

  ngram
    .command('generate')
    .description('sample sentences from a model (seeded, reproducible)')
    .requiredOption('--model <file>', modelHelp)
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .option('--count <n>', 'number of sentences', integer('--count', 1), 1)
    .option('--max-words <n>', 'longest sentence', integer('--max-words', 1), 50)
    .option('--prefix <text>', 'words each sentence starts with')
    .option('--temperature <t>', 'divide log-probabilities by t before sampling (< 1 sharper, > 1 flatter)', positive('--temperature'), 1)
    .option('--top-k <k>', 'sample among the k most probable words only', integer('--top-k', 1))
    .option('--top-p <p>', 'nucleus sampling: the smallest set of words whose probability reaches p', positive('--top-p'))
    .action((options: { model: string; seed: number; count: number; maxWords: number; prefix?: string; temperature: number; topK?: number; topP?: number }) =>
      guarded(io, 'ngram', () => {
        const model = readModelFile(options.model, { threads: readThreads() });
        const prefix = options.prefix === undefined ? [] : kenlmWords(options.prefix, 'query');
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
/**
 * One line for a stupid-backoff model: `word=id log10score` per token (after `<s>`), `</s>` last, then the total over
 * the words the model knows and the number of those it does not (whose score is 0: log10 -Infinity).
 */
function stupidScoresLine(model: StupidBackoffModel, sentence: readonly string[]): string {
  const index = model.counts.wordIndex;
  const words = [...sentence, '</s>'];
  let total = 0;
  let oov = 0;
  const parts = words.map((word, i) => {
    const score = model.log10Score(word, words.slice(Math.max(0, i - model.order + 1), i));
    if (index.lookup(word) < 0) oov++;
    else total += score;
    return `${word}=${index.id(word)} ${score}`;
  });
  return `${parts.join('\t')}\tTotal: ${total} OOV: ${oov}\n`;
}
