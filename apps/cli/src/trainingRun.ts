import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './cliErrors.js';
import type { CliIo } from './cliIo.js';
import { createProgress } from './progress.js';

// What the model commands (`lm`, `classify`, `tag`, `translate`) share: a run folder's files, the `--recipe` file, the progress
// and Ctrl-C handling of `train`, and the `--model` path of `eval` / `predict`.

/** Whether `path` exists (a file or a folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The parsed JSON of a `--recipe` file; a missing file or bad JSON is a usage error. */
export async function readRecipe(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --recipe ${JSON.stringify(path)}: ${(error as Error).message}`, { usage: true });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`--recipe ${JSON.stringify(path)} is not JSON: ${(error as Error).message}`, { usage: true });
  }
}

/** `--model` is a run folder (its `model.safetensors`) or an artifact file; a path that is not there is returned as it is. */
export async function modelPath(path: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) return join(path, 'model.safetensors');
  } catch {
    // Not there: the caller's read reports the missing file.
  }
  return path;
}

/**
 * Starts the tensor backend and reads the artifact a `--model` names (a run folder or a file); `readError` makes the
 * error thrown when the file cannot be read. tfjs is loaded only here, by the commands that need it.
 */
export async function loadModelBytes(path: string, readError: (file: string, error: unknown) => Error): Promise<Uint8Array> {
  const { initBackend } = await import('@nlpkit/tensor');
  // Running a model needs no gradients: without them the backend starts ~0.6 s sooner.
  await initBackend({ gradients: false });
  const file = await modelPath(path);
  try {
    const read = await readFile(file);
    return new Uint8Array(read.buffer, read.byteOffset, read.byteLength); // a plain view of what Node read: no copy
  } catch (error) {
    throw readError(file, error);
  }
}

/** The stderr side of a `train` command and its stop signal; {@link startTraining} makes one. */
export interface TrainingSession {
  /** A line on stderr (none with `--quiet`); ends the bar first when one is drawn. */
  say(line: string): void;
  /** A training step: the bar's label and position when a bar is drawn, else a plain line (a pipe, a log file). */
  step(line: string, done: number, total: number): void;
  /** Aborted on SIGINT or SIGTERM, so the run checkpoints and stops. */
  readonly signal: AbortSignal;
  /** Ends the bar and stops listening for the signals. */
  close(): void;
}

/** Starts the progress display and SIGINT/SIGTERM handling of a `train` command; call `close()` in a `finally`. */
export function startTraining(io: CliIo, quiet: boolean): TrainingSession {
  const progress = createProgress(io, { quiet });
  // Plain lines when no bar is drawn (a pipe, a log file), so a long run still shows it is alive.
  const say = (line: string): void => {
    if (quiet) return;
    if (progress.active) progress.done();
    io.stderr(`${line}\n`);
  };
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    say,
    step(line, done, total) {
      if (progress.active) {
        progress.stage(line, total);
        progress.update(done);
      } else say(line);
    },
    signal: ac.signal,
    close() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
    },
  };
}

/** The flags every `… train` command takes. */
export interface TrainFlags {
  recipe?: string;
  out: string;
  quiet?: boolean;
}

/** What a run-folder trainer (`trainRecurrentLmRun`, `trainClassifierRun`, `trainSeq2seqRun`) resolves to. */
export interface RunFolderOutcome {
  readonly stopped: 'completed' | 'aborted' | 'early-stopped';
  readonly step: number;
  readonly modelPath: string;
}

/** What {@link runTrainCommand} hands the trainer: the recipe (absent when resuming) and the progress display. */
export interface TrainCommandContext {
  /** `{ recipe, recipeDir }` to spread into the trainer's options, or `{}` when resuming from the run folder. */
  readonly recipe: { readonly recipe: unknown; readonly recipeDir: string } | Record<string, never>;
  readonly session: TrainingSession;
}

/**
 * The body of `lm|classify|translate train`: reads `--recipe` (or insists that `--out` is a run folder to resume),
 * starts the tensor backend and the progress display, runs `train`, and prints where the model is — or, when
 * stopped by Ctrl-C, how to resume — with `summary`'s scores.
 */
export async function runTrainCommand<R extends RunFolderOutcome>(
  io: CliIo,
  command: string,
  flags: TrainFlags,
  train: (context: TrainCommandContext) => Promise<R>,
  summary: (result: R) => (string | undefined)[],
): Promise<void> {
  const recipe = flags.recipe !== undefined ? await readRecipe(flags.recipe) : undefined;
  if (recipe === undefined && !(await exists(join(flags.out, 'recipe.json')))) {
    throw new CliError(`--recipe is needed: ${JSON.stringify(flags.out)} is not a run folder to resume (it has no recipe.json)`, { usage: true });
  }
  const { initBackend } = await import('@nlpkit/tensor');
  const backend = await initBackend();
  const session = startTraining(io, flags.quiet === true);
  try {
    session.say(`nlpkit ${command} train: backend ${backend.name}, run folder ${flags.out}`);
    const result = await train({
      recipe: recipe !== undefined ? { recipe, recipeDir: dirname(resolve(flags.recipe as string)) } : {},
      session,
    });
    const parts = summary(result).filter((p) => p !== undefined).join(', ');
    if (result.stopped === 'aborted') io.stdout(`stopped at step ${result.step}; run the same command again to resume (${parts})\n`);
    else io.stdout(`wrote ${result.modelPath} (${parts})\n`);
  } finally {
    session.close();
  }
}

/** The events every run-folder trainer reports, as far as the progress display needs them. */
interface StepEvent {
  readonly type: 'step';
  readonly epoch: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
}
interface EpochEvent {
  readonly type: 'epoch';
  readonly epoch: number;
  readonly seconds: number;
}

/**
 * The `onEvent` of a run-folder trainer for the progress display: `resuming at …` lines, the bar (or a line per
 * logged step) labelled `epoch E step K/N | <step(e)>`, and `epoch E done | <epoch(e)> | S s` lines.
 */
export function progressEvents<E extends { readonly type: string }>(
  session: TrainingSession,
  describe: { step: (e: Extract<E, { type: 'step' }>) => string; epoch: (e: Extract<E, { type: 'epoch' }>) => string },
): (event: E | { readonly type: 'resume'; readonly epoch: number; readonly step: number }) => void {
  return (event) => {
    if (event.type === 'resume') {
      const e = event as { epoch: number; step: number };
      session.say(`resuming at epoch ${e.epoch + 1}, step ${e.step}`);
    } else if (event.type === 'step') {
      const e = event as unknown as StepEvent & Extract<E, { type: 'step' }>;
      const k = e.step - e.epoch * e.stepsPerEpoch;
      session.step(`epoch ${e.epoch + 1} step ${k}/${e.stepsPerEpoch} | ${describe.step(e)}`, k, e.stepsPerEpoch);
    } else if (event.type === 'epoch') {
      const e = event as unknown as EpochEvent & Extract<E, { type: 'epoch' }>;
      session.say(`epoch ${e.epoch + 1} done | ${describe.epoch(e)} | ${Math.round(e.seconds)} s`);
    }
  };
}
