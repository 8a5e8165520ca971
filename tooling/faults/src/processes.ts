import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The temporary files of `@nlpkit/core/node`'s atomic writer in `dir` (`.<name>.<pid>.<random>.nlpkit-tmp`), or
 * only those of process `pid`.
 */
export function tempsIn(dir: string, pid?: number): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.nlpkit-tmp') && (pid === undefined || n.includes(`.${pid}.`)));
}

/** Total bytes of process `pid`'s temporaries in `dir` (0 when there are none, or one vanished while we looked). */
export function tempBytes(dir: string, pid: number | undefined): number {
  let bytes = 0;
  for (const name of tempsIn(dir, pid)) {
    try {
      bytes += statSync(join(dir, name)).size;
    } catch {
      /* renamed or removed meanwhile */
    }
  }
  return bytes;
}

/** How a child ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started Node child: its process, what it printed so far, and a promise of its exit. */
export interface Started {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<Exit>;
}

/**
 * Starts `node <args>` (or `sh -c <script>` when `shell` is given) and collects its output; `env` is added to this
 * process's environment.
 */
export function start(args: readonly string[], options: { shell?: string; env?: Record<string, string> } = {}): Started {
  const spawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] as ('ignore' | 'pipe')[], env: { ...process.env, ...options.env } };
  const child = options.shell === undefined ? spawn(process.execPath, args, spawnOptions) : spawn('sh', ['-c', options.shell], spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stdout: () => stdout, exited };
}

/** Runs `node <args>` to the end (`env` added to this process's environment). */
export function runNode(args: readonly string[], env?: Record<string, string>): Promise<Exit> {
  return start(args, env === undefined ? {} : { env }).exited;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 2 ms until it holds (true) or `timeoutMs` passes (false). */
export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false;
    await sleep(2);
  }
  return true;
}
