import { describe, expect, it } from 'vitest';
import { installFatalHandlers, quitWhenStdoutCloses, type FatalProcess, type StdoutProcess } from './fatalErrors.js';

function fakeProcess(argv: string[]) {
  const listeners = new Map<string, (error: unknown) => void>();
  let written = '';
  let exitCode: number | undefined;
  const proc: FatalProcess = {
    argv,
    on: (event, listener) => listeners.set(event, listener),
    stderr: { write: (text: string) => (written += text) },
    exit: ((code: number) => {
      exitCode = code;
    }) as FatalProcess['exit'],
  };
  return { proc, listeners, written: () => written, exitCode: () => exitCode };
}

// tfjs-backend-wasm's Emscripten module rethrows from its own uncaughtException listener, and Node then prints the
// source line of the rethrow: one minified line of ~30 KB. The CLI's listeners come first and exit.
const minified = new Error(`boom\n${'var a=function(b){return b};'.repeat(1000)}`);

describe('installFatalHandlers', () => {
  it('prints an escaped error as one short line and exits 1, for both uncaught exceptions and rejections', () => {
    for (const event of ['uncaughtException', 'unhandledRejection']) {
      const fake = fakeProcess(['node', 'nlpkit', 'demo']);
      installFatalHandlers(fake.proc);
      fake.listeners.get(event)!(minified);
      expect(fake.written()).toBe('nlpkit: boom …\n');
      expect(fake.exitCode()).toBe(1);
    }
  });

  it('with --verbose, adds the stack', () => {
    const fake = fakeProcess(['node', 'nlpkit', 'demo', '--verbose']);
    installFatalHandlers(fake.proc);
    fake.listeners.get('uncaughtException')!(new TypeError('x is not a function'));
    expect(fake.written()).toMatch(/^nlpkit: x is not a function\nTypeError: x is not a function\n {4}at /);
  });
});

describe('quitWhenStdoutCloses', () => {
  function fakeStdout() {
    let listener: ((error: Error) => void) | undefined;
    let exitCode: number | undefined;
    const proc: StdoutProcess = {
      stdout: { on: (_event, l) => (listener = l) },
      exit: ((code: number) => {
        exitCode = code;
      }) as StdoutProcess['exit'],
    };
    quitWhenStdoutCloses(proc);
    return { emit: (error: Error) => listener!(error), exitCode: () => exitCode };
  }

  it('exits 141 on EPIPE from the stream', () => {
    const fake = fakeStdout();
    fake.emit(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(fake.exitCode()).toBe(141);
  });

  it('rethrows any other error of the stream, and does not exit', () => {
    const fake = fakeStdout();
    const error = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => fake.emit(error)).toThrow(error);
    expect(fake.exitCode()).toBeUndefined();
  });
});
