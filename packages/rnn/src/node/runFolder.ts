import { appendFile, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { inputFileError, writeFileAtomic } from '@nlpkit/core/node';
import { parseSafetensors } from '@nlpkit/tensor';
import { readCheckpointFile, writeCheckpointFile } from '@nlpkit/train/node';
import { PKG, RnnOptionError } from '../errors.js';

// What every resumable run folder (recurrent LM here; the CLI's classifier and tagger runs) does the same way: read
// its files, compare recipes, make data paths absolute, continue from its checkpoint and append to its curve.

/** Whether `path` exists (a file or a folder). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A run folder's text file; a failed read is an input-file error naming `argument` (and `pkg`, default `@nlpkit/rnn`). */
export async function readRunText(path: string, argument: string, pkg: string = PKG): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw inputFileError(path, error, { package: pkg, argument });
  }
}

/** JSON with object keys sorted at every level: two recipes are the same run when these strings are equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** A recipe's `data` paths made absolute from `dir` (so the copy in the run folder reads the same files from anywhere). */
export function absoluteDataPaths<D extends { readonly train: string; readonly valid?: string; readonly test?: string }>(data: D, dir: string): D {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  return { ...data, train: abs(data.train), ...(data.valid ? { valid: abs(data.valid) } : {}), ...(data.test ? { test: abs(data.test) } : {}) };
}

/**
 * The recipe of a run folder: `given` (parsed JSON, its data paths made absolute from `recipeDir`, default the
 * working folder) or, left out, the one the folder was started with (resuming). The first call writes it to
 * `recipe.json`; a later one with a different recipe is refused (RnnOptionError naming `options.recipe`), as is
 * one without a recipe on a folder that holds none.
 */
export async function runFolderRecipe<R extends { readonly data: { readonly train: string; readonly valid?: string; readonly test?: string } }>(
  out: string,
  given: { readonly recipe?: unknown; readonly recipeDir?: string },
  parse: (value: unknown) => R,
  pkg: string = PKG,
): Promise<R> {
  const path = join(out, 'recipe.json');
  const saved = (await pathExists(path)) ? parse(JSON.parse(await readRunText(path, 'options.out', pkg)) as unknown) : undefined;
  if (given.recipe === undefined) {
    if (saved === undefined) throw new RnnOptionError({ argument: 'options.recipe', expected: `a recipe (the run folder ${JSON.stringify(out)} holds none)`, found: undefined });
    return saved;
  }
  const parsed = parse(given.recipe);
  const recipe = { ...parsed, data: absoluteDataPaths(parsed.data, given.recipeDir ?? process.cwd()) };
  if (saved === undefined) await writeFileAtomic(path, `${JSON.stringify(recipe, null, 2)}\n`, { package: pkg });
  else if (canonicalJson(saved) !== canonicalJson(recipe)) {
    throw new RnnOptionError({ argument: 'options.recipe', expected: `the recipe the run folder ${JSON.stringify(out)} was started with (see its recipe.json)`, foundText: 'a different recipe' });
  }
  return recipe;
}

/** What {@link resumeRunFolder} found: the checkpoint's bytes and the loop state it holds. */
export interface RunFolderResume {
  readonly bytes: Uint8Array;
  readonly loop: { readonly step: number; readonly epoch: number; readonly seconds: number; readonly tokens: number };
}

/**
 * The checkpoint of a run folder, to resume from, or undefined when there is none. The training curve keeps the
 * lines the checkpoint covers (those written after it are written again by the resumed run).
 */
export async function resumeRunFolder(checkpointPath: string, curvePath: string, pkg: string = PKG): Promise<RunFolderResume | undefined> {
  if (!(await pathExists(checkpointPath))) return undefined;
  const bytes = await readCheckpointFile(checkpointPath);
  const loop = checkpointLoop(bytes);
  if (await pathExists(curvePath)) {
    const kept = (await readRunText(curvePath, 'options.out', pkg)).split('\n').filter((line) => line !== '' && (JSON.parse(line) as { step: number }).step <= loop.step);
    await writeFileAtomic(curvePath, kept.map((l) => `${l}\n`).join(''), { package: pkg });
  }
  return { bytes, loop };
}

/** The position, seconds and tokens a checkpoint's loop state holds (0 for those it lacks). */
export function checkpointLoop(bytes: Uint8Array): RunFolderResume['loop'] {
  const loop = JSON.parse(parseSafetensors(bytes).metadata['loop'] ?? '{}') as Record<string, unknown>;
  const n = (key: string): number => Number(loop[key]) || 0;
  return { step: n('step'), epoch: n('epoch'), seconds: n('seconds'), tokens: n('tokens') };
}

/**
 * The entries of `source` named in `keys` whose values are defined: recipe settings handed on to a trainer as
 * optional options (a trainer refuses an explicit `undefined`), so a run folder lists the keys once.
 *
 * @example
 * trainRecurrentLm({ ...required, ...definedOptions(recipe.training, ['clipNorm', 'dropout', 'logEvery']) });
 */
export function definedOptions<T extends object, K extends keyof T>(source: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key] as Exclude<T[K], undefined>;
  return out;
}

/** Appends JSON lines to a run's curve file one after another, in call order; `done()` waits for those pending. */
export function curveWriter(path: string): { append(line: unknown): void; done(): Promise<void> } {
  let appending: Promise<void> = Promise.resolve();
  return {
    append: (line) => {
      appending = appending.then(() => appendFile(path, `${JSON.stringify(line)}\n`));
    },
    done: () => appending,
  };
}

/** Options of {@link runFolderCallbacks}. */
export interface RunFolderCallbackOptions<P, E extends { readonly type: string }> {
  /** Where checkpoints go (`checkpoint.safetensors` of the run folder). */
  readonly checkpointPath: string;
  /** The run's curve ({@link curveWriter}). */
  readonly curve: ReturnType<typeof curveWriter>;
  readonly stepsPerEpoch: number;
  /** Writes the model so far (the run folder's `model.safetensors`), with extra meta such as its step. */
  readonly writeModel: (params: P, extra: Record<string, string>) => Promise<void>;
  /** The caller's own event handler, called after the curve line is queued. */
  readonly onEvent?: (event: E) => void;
}

/**
 * The `checkpoint` and `onEvent` options every run folder gives its trainer: a checkpoint waits for the curve lines
 * before it, is written atomically, and at the end of an epoch the model so far is written too (an artifact anyone
 * can evaluate while the run goes on); every event but checkpoints becomes a curve line (an epoch line with the step
 * it ends at) and reaches `onEvent`.
 */
export function runFolderCallbacks<P, E extends { readonly type: string }>(
  options: RunFolderCallbackOptions<P, E>,
): { checkpoint: (bytes: Uint8Array, position: { readonly step: number }, params: P) => Promise<void>; onEvent: (event: E) => void } {
  const { checkpointPath, curve, stepsPerEpoch, writeModel, onEvent } = options;
  return {
    checkpoint: async (bytes, position, params) => {
      await curve.done();
      await writeCheckpointFile(checkpointPath, bytes);
      if (position.step % stepsPerEpoch === 0) await writeModel(params, { step: String(position.step) });
    },
    onEvent: (event) => {
      if (event.type === 'epoch') curve.append({ ...event, step: ((event as unknown as { epoch: number }).epoch + 1) * stepsPerEpoch });
      else if (event.type !== 'checkpoint') curve.append(event);
      onEvent?.(event);
    },
  };
}
