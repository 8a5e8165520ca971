import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import { type CliIo, processIo } from './cliIo.js';

/**
 * The stream a progress bar draws on: a terminal's `process.stderr` or, in tests, any writable with `isTTY: true`
 * (cli-progress moves the cursor with `readline.cursorTo`/`clearLine`, which only write escape sequences).
 */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** `--quiet`: draw nothing. */
  quiet?: boolean;
  /**
   * Where to draw. Left out: `process.stderr` when the command writes to the process's own streams
   * (`processIo`), and nowhere for any other `CliIo` (tests capture text; a bar would only be noise there).
   */
  stream?: ProgressStream;
}

/**
 * Progress of one command's long work, stage by stage ("counting", "estimating", "writing"): one bar at a time on
 * stderr. Every method is cheap, and a silent reporter's methods do nothing, so commands call them unconditionally.
 */
export interface Progress {
  /** True when something is drawn (stderr is a terminal and not `--quiet`): a caller may skip computing totals. */
  readonly active: boolean;
  /**
   * Ends the current stage (if any) and starts `name`, out of `total` units (left out: a counter with no bar, which
   * shows only the elapsed time until an update gives it a count).
   */
  stage(name: string, total?: number): void;
  /** How many units of the current stage are done (absolute, not an increment). */
  update(done: number): void;
  /** Ends the current stage and clears its line; call it in a `finally` (a running bar keeps a redraw timer). */
  done(): void;
}

const SILENT: Progress = Object.freeze({ active: false, stage() {}, update() {}, done() {} });

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * The one progress reporter of the CLI, on cli-progress. It draws only when stderr is a terminal and `quiet` is not
 * set — so pipes, redirected logs and tests see nothing — and never writes to stdout, so a command's output stays
 * clean for the next program in a pipe.
 *
 * @example
 * const progress = createProgress(io, { quiet: options.quiet });
 * try {
 *   progress.stage('counting');          // unknown total: a counter
 *   for (...) progress.update(lines);
 *   progress.stage('writing', n);        // a bar with percentage and ETA
 * } finally {
 *   progress.done();
 * }
 */
export function createProgress(io: CliIo, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? (io === processIo ? process.stderr : undefined);
  if (options.quiet === true || stream === undefined || stream.isTTY !== true) return SILENT;

  let bar: cliProgress.SingleBar | undefined;
  let name = '';
  let total: number | undefined;
  const format: cliProgress.GenericFormatter = (barOptions, params) => {
    const elapsed = seconds(Date.now() - params.startTime);
    // A stage with no total shows its count once it has one (before that, or for stages counting nothing: time).
    if (total === undefined) return params.value > 0 ? `${name} ${count(params.value)} | ${elapsed}` : `${name} | ${elapsed}`;
    const fraction = Math.min(1, Math.max(0, params.progress));
    const width = barOptions.barsize ?? 30;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta = fraction > 0 && fraction < 1 && Number.isFinite(params.eta) ? ` | ETA ${seconds(params.eta * 1000)}` : '';
    return `${name} ${bar} ${Math.floor(fraction * 100)}% | ${count(params.value)}/${count(params.total)} | ${elapsed}${eta}`;
  };

  const end = (): void => {
    bar?.stop();
    bar = undefined;
  };

  return {
    active: true,
    stage(stageName, stageTotal) {
      end();
      name = stageName;
      total = stageTotal;
      // cli-progress is loaded only when a bar is drawn (a terminal): pipes and scripts start without it.
      const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
      bar = new SingleBar({ stream, format, clearOnComplete: true, hideCursor: false, barsize: 30, fps: 10 });
      // cli-progress needs a total; a counter's is never reached and never shown.
      bar.start(stageTotal ?? Number.MAX_SAFE_INTEGER, 0);
    },
    update(done) {
      bar?.update(done);
    },
    done: end,
  };
}
