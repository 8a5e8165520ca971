import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCli } from '@nlpkit/faults-check/bundle';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COSTLY_PAGE_MICROS,
  HUGE_PAGES_TUNABLE,
  PARENT_ENV,
  freshPageMicros,
  readThpMode,
  relaunch,
  type RelaunchContext,
  relaunchEnv,
  type RelaunchHost,
  shouldRelaunch,
} from './hugePages.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-hugepages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = ['node', 'nlpkit', 'ngram', 'train', '--order', '5', '--input', 'a.txt', '--arpa', 'a.arpa'];
const context = (over: Partial<RelaunchContext> = {}): RelaunchContext => ({ argv: train, env: {}, platform: 'linux', thpMode: 'madvise', ...over });

describe('shouldRelaunch', () => {
  it('relaunches ngram train on Linux when huge pages are given on request only', () => {
    expect(shouldRelaunch(context())).toBe(true);
  });

  it('not for other commands, help, other platforms or modes, an opt-out, or a process already started with the tunable', () => {
    expect(shouldRelaunch(context({ argv: ['node', 'nlpkit', 'ngram', 'eval', '--model', 'm.arpa'] }))).toBe(false);
    expect(shouldRelaunch(context({ argv: ['node', 'nlpkit', 'ngram'] }))).toBe(false);
    expect(shouldRelaunch(context({ argv: ['node', 'nlpkit', 'train', 'ngram'] }))).toBe(false);
    expect(shouldRelaunch(context({ argv: [...train, '--help'] }))).toBe(false);
    expect(shouldRelaunch(context({ platform: 'darwin' }))).toBe(false);
    expect(shouldRelaunch(context({ thpMode: 'always' }))).toBe(false);
    expect(shouldRelaunch(context({ thpMode: 'never' }))).toBe(false);
    expect(shouldRelaunch(context({ thpMode: undefined }))).toBe(false);
    expect(shouldRelaunch(context({ env: { NLPKIT_HUGE_PAGES: '0' } }))).toBe(false);
    expect(shouldRelaunch(context({ env: { GLIBC_TUNABLES: `glibc.malloc.check=0:${HUGE_PAGES_TUNABLE}` } }))).toBe(false);
    expect(shouldRelaunch(context({ env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' } }))).toBe(false);
  });

  it('only where fresh pages are costly: the cost is asked last, and not when NLPKIT_HUGE_PAGES=1', () => {
    let asked = 0;
    const cost = (micros: number) => () => {
      asked++;
      return micros;
    };
    expect(shouldRelaunch(context({ pageMicros: cost(20) }))).toBe(true);
    expect(shouldRelaunch(context({ pageMicros: cost(COSTLY_PAGE_MICROS) }))).toBe(true);
    expect(shouldRelaunch(context({ pageMicros: cost(1.4) }))).toBe(false);
    expect(asked).toBe(3);
    // Not measured where nothing else would relaunch, nor where the user asked for huge pages.
    expect(shouldRelaunch(context({ pageMicros: cost(20), thpMode: 'never' }))).toBe(false);
    expect(shouldRelaunch(context({ pageMicros: cost(20), argv: ['node', 'nlpkit', 'ngram', 'eval'] }))).toBe(false);
    expect(shouldRelaunch(context({ pageMicros: cost(1.4), env: { NLPKIT_HUGE_PAGES: '1' } }))).toBe(true);
    expect(asked).toBe(3);
  });

  it('freshPageMicros times the faults of fresh memory: a positive, finite cost per page', () => {
    const micros = freshPageMicros();
    expect(Number.isFinite(micros)).toBe(true);
    expect(micros).toBeGreaterThan(0);
  });

  it('NLPKIT_HUGE_PAGES=1 relaunches whatever the mode (still Linux only)', () => {
    expect(shouldRelaunch(context({ env: { NLPKIT_HUGE_PAGES: '1' }, thpMode: 'always' }))).toBe(true);
    expect(shouldRelaunch(context({ env: { NLPKIT_HUGE_PAGES: '1' }, thpMode: undefined }))).toBe(true);
    expect(shouldRelaunch(context({ env: { NLPKIT_HUGE_PAGES: '1' }, platform: 'win32' }))).toBe(false);
  });
});

describe('relaunchEnv and readThpMode', () => {
  it('adds the tunable to those already set and names the parent', () => {
    expect(relaunchEnv({ HOME: '/h' }, 42)).toEqual({ HOME: '/h', GLIBC_TUNABLES: HUGE_PAGES_TUNABLE, [PARENT_ENV]: '42' });
    expect(relaunchEnv({ GLIBC_TUNABLES: 'glibc.malloc.check=0' }, 7)['GLIBC_TUNABLES']).toBe(`glibc.malloc.check=0:${HUGE_PAGES_TUNABLE}`);
  });

  it('reads the bracketed mode; undefined when the file is missing', () => {
    const file = join(dir, 'enabled');
    writeFileSync(file, 'always [madvise] never\n');
    expect(readThpMode(file)).toBe('madvise');
    writeFileSync(file, '[always] madvise never\n');
    expect(readThpMode(file)).toBe('always');
    expect(readThpMode(join(dir, 'missing'))).toBeUndefined();
  });
});

/** A stand-in for `process`: records listeners, the exit code and re-raised signals. */
function fakeHost() {
  const listeners = new Map<string, (signal: NodeJS.Signals) => void>();
  const kills: [number, string][] = [];
  const host: RelaunchHost = {
    pid: 4242,
    exitCode: undefined,
    on: (signal, listener) => listeners.set(signal, listener),
    off: (signal, listener) => {
      if (listeners.get(signal) === listener) listeners.delete(signal);
    },
    kill: (pid, signal) => kills.push([pid, signal]),
  };
  return { host, listeners, kills };
}

describe('relaunch', () => {
  const node = (code: string): string[] => ['-e', code];

  it('ends the parent with the child\'s exit code and stops listening for signals', async () => {
    const fake = fakeHost();
    await expect(relaunch(process.execPath, node('process.exit(3)'), { ...process.env }, fake.host)).resolves.toBe(true);
    expect(fake.host.exitCode).toBe(3);
    expect(fake.kills).toEqual([]);
    expect(fake.listeners.size).toBe(0);
  });

  it('re-raises the signal that killed the child', async () => {
    const fake = fakeHost();
    await expect(relaunch(process.execPath, node("process.kill(process.pid, 'SIGTERM')"), { ...process.env }, fake.host)).resolves.toBe(true);
    expect(fake.kills).toEqual([[4242, 'SIGTERM']]);
  });

  it('passes SIGTERM on to the child and ignores SIGINT (the terminal sends that to the child itself)', async () => {
    const fake = fakeHost();
    const ready = join(dir, 'ready');
    const code = `process.on('SIGTERM', () => process.exit(7)); process.on('SIGINT', () => process.exit(9)); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`;
    const done = relaunch(process.execPath, node(code), { ...process.env }, fake.host);
    while (!existsSync(ready)) await new Promise((r) => setTimeout(r, 10));
    expect([...fake.listeners.keys()].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM']);
    fake.listeners.get('SIGINT')!('SIGINT');
    fake.listeners.get('SIGTERM')!('SIGTERM');
    await expect(done).resolves.toBe(true);
    expect(fake.host.exitCode).toBe(7);
  });

  it('resolves false, having started nothing, when the child cannot be started', async () => {
    const fake = fakeHost();
    await expect(relaunch(join(dir, 'no-such-node'), [], {}, fake.host)).resolves.toBe(false);
    expect(fake.host.exitCode).toBeUndefined();
    expect(fake.listeners.size).toBe(0);
  });
});

// The whole CLI: `ngram train` relaunched with the tunable (NLPKIT_HUGE_PAGES=1: whatever this machine's mode),
// reading standard input through the parent, writing the same bytes as in place, and dying with its parent.
const linux = process.platform === 'linux' && existsSync('/proc/self/task');
describe.skipIf(!linux)('nlpkit ngram train, relaunched (Linux: /proc shows the child)', () => {
  const text = 'the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n'.repeat(50);

  function started(cli: string, arpa: string, hugePages: '0' | '1'): ChildProcess {
    return spawn(process.execPath, [cli, 'ngram', 'train', '--order', '3', '--arpa', arpa, '--quiet'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NLPKIT_HUGE_PAGES: hugePages, GLIBC_TUNABLES: '' },
    });
  }
  const exited = (child: ChildProcess): Promise<{ code: number | null; signal: string | null }> =>
    new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  /** The child processes of `pid` (Linux's /proc/PID/task/PID/children). */
  const childrenOf = (pid: number): number[] =>
    readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  /** True while `pid` runs (a zombie, dead but not yet reaped, counts as ended). */
  const running = (pid: number): boolean => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  /** User + system CPU time of `pid` so far, in clock ticks (/proc/PID/stat fields 14 and 15). */
  const cpuTicks = (pid: number): number => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  async function until(condition: () => boolean): Promise<boolean> {
    for (let waited = 0; waited < 10_000; waited += 10) {
      if (condition()) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return condition();
  }

  it('the child has the tunable, reads stdin through the parent, and writes the same ARPA as a run in place', async () => {
    const cli = await bundleCli();
    const arpas = [join(dir, 'relaunched.arpa'), join(dir, 'in-place.arpa')];
    const relaunched = started(cli, arpas[0]!, '1');
    // While it waits for its input, the parent has one child, started with the tunable and the parent's pid (read
    // once it runs Node: between fork and exec, /proc shows the parent's own environment).
    expect(await until(() => childrenOf(relaunched.pid!).length === 1)).toBe(true);
    const child = childrenOf(relaunched.pid!)[0]!;
    const env = (): string[] => readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
    expect(await until(() => env().includes(`${PARENT_ENV}=${relaunched.pid}`))).toBe(true);
    expect(env()).toContain(`GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE}`);
    relaunched.stdin!.end(text);
    const inPlace = started(cli, arpas[1]!, '0');
    inPlace.stdin!.end(text);
    const [a, b] = await Promise.all([exited(relaunched), exited(inPlace)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(arpas[0]!).equals(readFileSync(arpas[1]!))).toBe(true);
  }, 60_000);

  it('a usage error keeps its exit code (2) through the parent', async () => {
    const cli = await bundleCli();
    const run = started(cli, join(dir, 'no-such-folder', 'm.arpa'), '1');
    run.stdin!.end(text);
    expect((await exited(run)).code).toBe(2);
  }, 60_000);

  it('SIGKILL on the parent ends the child too (nothing can pass that signal on: the child watches its parent)', async () => {
    const cli = await bundleCli();
    // A corpus that takes seconds to estimate at order 5 (600,000 words of a 20,000-word vocabulary), read from a
    // file: the child must stop because its parent died, not because its input ended.
    const corpus = join(dir, 'corpus.txt');
    let seed = 1;
    const lines: string[] = [];
    for (let line = 0; line < 30_000; line += 1) {
      const words: string[] = [];
      for (let w = 0; w < 20; w += 1) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        words.push(`w${(seed >>> 8) % 20_000}`);
      }
      lines.push(words.join(' '));
    }
    writeFileSync(corpus, `${lines.join('\n')}\n`);
    const arpa = join(dir, 'killed.arpa');
    const run = spawn(process.execPath, [cli, 'ngram', 'train', '--order', '5', '--input', corpus, '--arpa', arpa, '--quiet'], {
      stdio: 'ignore',
      env: { ...process.env, NLPKIT_HUGE_PAGES: '1', GLIBC_TUNABLES: '' },
    });
    const ended = new Promise<string | null>((resolve) => run.once('exit', (_code, signal) => resolve(signal)));
    expect(await until(() => childrenOf(run.pid!).length === 1)).toBe(true);
    const child = childrenOf(run.pid!)[0]!;
    // Killed while it estimates (0.4 s of CPU into a run of seconds), so its watcher thread is what ends it.
    expect(await until(() => cpuTicks(child) >= 40)).toBe(true);
    run.kill('SIGKILL');
    expect(await ended).toBe('SIGKILL');
    expect(await until(() => !running(child)), `child ${child} still runs after its parent was killed`).toBe(true);
    // Killed, not finished: no model was written.
    expect(existsSync(arpa)).toBe(false);
  }, 60_000);
});
