import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Transparent huge pages for the memory-heavy commands, through glibc's malloc.
 *
 * Why: `ngram train` fills a few hundred MB of typed arrays, which Node allocates with glibc's malloc, and on the
 * virtual machines measured each fresh 4 KiB page costs ~10–30 µs of CPU in the kernel: ~67,000 page faults,
 * ~0.7 s of a 3.5 s PTB order-5 estimation. KenLM asks for huge pages itself (`madvise(MADV_HUGEPAGE)` on its
 * large buffers); Node cannot, but glibc (2.35 and later) does it for every block it maps when the process starts
 * with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` — a setting read once, at start. So these commands, on Linux where
 * the kernel gives huge pages only on request (`transparent_hugepage/enabled` is `madvise`, the usual default),
 * run again as a child process with it set: ~30,000 page faults, and 10% (PTB) to 18% (2.2 M tokens) less time
 * on the same work (same bytes written) on the AMD VMs measured. Not everywhere: on an Intel VM where a fault costs
 * ~1.3–1.5 µs, the child took 4–9% more time and ~15–35 MB more memory (2026-12-03, BENCHMARKS.md). So the parent
 * first times the faults of 4 MiB of fresh memory ({@link freshPageMicros}, ~1.5 ms there) and relaunches only where
 * a page costs {@link COSTLY_PAGE_MICROS} µs or more. The parent then only waits; `NLPKIT_HUGE_PAGES=0` turns this off
 * (`1`: on whatever the mode and the cost of a page).
 */

/** The tunable the child is started with. */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Where Linux says when it gives transparent huge pages (`always [madvise] never`, the chosen one bracketed). */
const THP_MODE_FILE = '/sys/kernel/mm/transparent_hugepage/enabled';

/** Commands (the words after `nlpkit`) whose run time is dominated by filling fresh memory. */
const HEAVY_COMMANDS: readonly (readonly string[])[] = [['ngram', 'train']];

/** What {@link shouldRelaunch} looks at, passed in so it can be tested without the real process. */
export interface RelaunchContext {
  /** `process.argv`: node, the script, then the user's arguments. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: string;
  /** The kernel's transparent-huge-page mode (`always`, `madvise`, `never`), or undefined where none is known. */
  readonly thpMode: string | undefined;
  /**
   * What a fresh 4 KiB page of memory costs here, in µs ({@link freshPageMicros}): asked only when everything else
   * says relaunch. Left out, the cost is not looked at.
   */
  readonly pageMicros?: () => number;
}

/**
 * The cost of a fresh page from which huge pages pay for the relaunch. The two kinds of machine measured: AMD VMs at
 * ~10–30 µs a page, where huge pages saved 10–18%, and an Intel VM at ~1.3–1.5 µs, where they cost 4–9%.
 */
export const COSTLY_PAGE_MICROS = 5;

/** Pages {@link freshPageMicros} touches (4 MiB). */
const PROBE_PAGES = 1024;

/**
 * Bytes {@link freshPageMicros} allocates: above glibc's largest dynamic mmap threshold (32 MiB), so the block is a
 * mapping of its own, fresh from the system, and freeing it leaves the threshold as it was (freeing a smaller mapped
 * block raises the threshold to its size, and blocks below that then stay in the heap once freed: ~5 MB more at the
 * peak of a PTB estimation).
 */
const PROBE_BYTES = (32 << 20) + (64 << 10);

/**
 * µs per page to fault in fresh memory in this process: the first 4 MiB of a block of its own, written one byte per
 * 4 KiB page, timed (only the pages written count in the process's memory). The block is dropped at once.
 */
export function freshPageMicros(): number {
  const bytes = new Uint8Array(PROBE_BYTES);
  const start = process.hrtime.bigint();
  for (let at = 0; at < PROBE_PAGES * 4096; at += 4096) bytes[at] = 1;
  return Number(process.hrtime.bigint() - start) / 1000 / PROBE_PAGES;
}

/** The bracketed mode in `transparent_hugepage/enabled`, or undefined where the file is missing or unreadable. */
export function readThpMode(path = THP_MODE_FILE): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync(path, 'latin1'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * True when this process should run its command again in a child with {@link HUGE_PAGES_TUNABLE}: a heavy
 * command, on Linux, with huge pages given on request only (with `always` malloc's large blocks get them
 * already; with `never` there is nothing to gain), fresh pages costly (`pageMicros`, when given, at least
 * {@link COSTLY_PAGE_MICROS}), and neither the tunable already set (which also keeps the child from relaunching)
 * nor `NLPKIT_HUGE_PAGES=0`; `NLPKIT_HUGE_PAGES=1` relaunches whatever the mode and the cost. Help for a heavy
 * command is not heavy.
 */
export function shouldRelaunch(context: RelaunchContext): boolean {
  const { argv, env } = context;
  const asked = env['NLPKIT_HUGE_PAGES'];
  if (context.platform !== 'linux' || asked === '0' || (env['GLIBC_TUNABLES'] ?? '').includes('glibc.malloc.hugetlb')) return false;
  if (asked !== '1' && context.thpMode !== 'madvise') return false;
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) return false;
  if (!HEAVY_COMMANDS.some((command) => command.every((word, i) => args[i] === word))) return false;
  // Huge pages pay only where fresh pages are costly (see COSTLY_PAGE_MICROS).
  return asked === '1' || context.pageMicros === undefined || context.pageMicros() >= COSTLY_PAGE_MICROS;
}

/** Set in the child's environment to the parent's pid, so the child knows to watch it ({@link watchParent}). */
export const PARENT_ENV = 'NLPKIT_RELAUNCHED_BY';

/**
 * The environment of the child: the caller's, with {@link HUGE_PAGES_TUNABLE} added to any tunables set and
 * {@link PARENT_ENV} naming `parentPid`.
 */
export function relaunchEnv(env: Readonly<Record<string, string | undefined>>, parentPid: number): Record<string, string | undefined> {
  const tunables = env['GLIBC_TUNABLES'];
  return {
    ...env,
    GLIBC_TUNABLES: tunables === undefined || tunables === '' ? HUGE_PAGES_TUNABLE : `${tunables}:${HUGE_PAGES_TUNABLE}`,
    [PARENT_ENV]: String(parentPid),
  };
}

/**
 * The watcher thread's program: every 50 ms it asks the kernel for this process's parent, and SIGKILLs the process
 * once that is no longer `parent` (the parent died: reparented to init or a subreaper).
 */
const WATCHER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pause = new Int32Array(new SharedArrayBuffer(4));
while (process.ppid === workerData.parent) Atomics.wait(pause, 0, 0, 50);
process.kill(process.pid, 'SIGKILL');
`;

/**
 * In a relaunched child (its {@link PARENT_ENV} is set), dies with its parent. The parent passes on SIGTERM and
 * SIGHUP, but nothing can pass on a SIGKILL: without this, `kill -9` on the `nlpkit` a user started would leave the
 * child estimating and writing on its own. A thread, not an event, because the commands run long synchronous
 * stretches during which no event is handled; unref'd, so it never keeps the process alive. A parent already gone
 * (killed while this process started: it is no longer `ppid`) ends it at once. Takes {@link PARENT_ENV} out of
 * `env`, so processes this one starts do not inherit it. Returns whether it started a watcher.
 */
export function watchParent(env: Record<string, string | undefined>, ppid: number): boolean {
  const parent = env[PARENT_ENV];
  if (parent === undefined) return false;
  delete env[PARENT_ENV];
  if (parent !== String(ppid)) process.kill(process.pid, 'SIGKILL');
  new Worker(WATCHER_SOURCE, { eval: true, workerData: { parent: ppid } }).unref();
  return true;
}

/** The part of `process` {@link relaunch} uses (a fake in tests). */
export interface RelaunchHost {
  readonly pid: number;
  exitCode?: number | string | null | undefined;
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

/**
 * Runs `execPath args` with `env`, sharing this process's standard streams, and ends `host` as the child ended:
 * its exit code, or the signal that killed it, raised again. Resolves to false, having started nothing, when the
 * child cannot be started (the caller then runs the command itself).
 *
 * Signals: Ctrl-C reaches the child directly (same process group, same terminal), and the commands stop on the
 * first SIGINT and clean up, so the parent ignores SIGINT and SIGQUIT rather than deliver a second one; SIGTERM
 * and SIGHUP, which are sent to one process, are passed on. A SIGKILL cannot be passed on: the child watches its
 * parent instead ({@link watchParent}).
 */
export function relaunch(
  execPath: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  host: RelaunchHost = process,
): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(execPath, args, { stdio: 'inherit', env });
    const ignore = (): void => {};
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const listeners: [NodeJS.Signals, (signal: NodeJS.Signals) => void][] = [
      ['SIGINT', ignore],
      ['SIGQUIT', ignore],
      ['SIGTERM', forward],
      ['SIGHUP', forward],
    ];
    for (const [signal, listener] of listeners) host.on(signal, listener);
    const stopListening = (): void => {
      for (const [signal, listener] of listeners) host.off(signal, listener);
    };
    let started = false;
    child.once('spawn', () => {
      started = true;
    });
    child.on('error', () => {
      // Never started (spawn failed): nothing ran, so the command can still run here. (Once started, an error is
      // a signal that could not be delivered: the child runs on and its exit ends this process.)
      if (started) return;
      stopListening();
      resolve(false);
    });
    child.once('exit', (code, signal) => {
      stopListening();
      if (signal !== null) host.kill(host.pid, signal);
      else host.exitCode = code ?? 1;
      resolve(true);
    });
  });
}
