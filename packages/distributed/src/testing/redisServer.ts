import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Vitest `meta` key the summary reporter reads skip reasons from (as `referenceData(...).options` sets it). */
const SKIP_META = 'referenceSkip';

/**
 * Whether `redis-server` can be run here. Outside CI a missing server skips the suites that need it, with the
 * reason in the summary; in CI (`CI` set) the suites run and fail, since `.ci/run` installs it.
 */
export function redisAvailability(): { available: boolean; options: { skip: boolean; meta: Record<string, string> } } {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  const skip = !found && process.env.CI === undefined;
  return {
    available: found,
    options: skip ? { skip: true, meta: { [SKIP_META]: 'redis-server not installed (apt-get install redis-server; CI installs it)' } } : { skip: false, meta: {} },
  };
}

/** A free TCP port on 127.0.0.1 (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server started by a test. */
export interface TestRedis {
  readonly port: number;
  readonly password: string;
  /** `redis://:password@127.0.0.1:port`. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Stops the server (SIGKILL if it does not stop in time) and removes its folder. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port (an empty server: nothing is saved). */
  restart(): Promise<void>;
}

/**
 * Starts `redis-server` on 127.0.0.1 on a free port with a password, no persistence, in a temporary folder;
 * resolves once it accepts connections.
 */
export async function startRedis(password = 'nlpkit-test-secret'): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  const launch = async (): Promise<ChildProcess> => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${output}`)), 10_000);
      const onData = (d: Buffer): void => {
        output += d.toString();
        if (/Ready to accept connections/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
    started.stdout!.removeAllListeners('data');
    started.stderr!.removeAllListeners('data');
    started.stdout!.resume();
    started.stderr!.resume();
    return started;
  };
  child = await launch();
  const stopChild = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port,
    password,
    url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    get process() {
      return child;
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild();
      child = await launch();
    },
  };
}
