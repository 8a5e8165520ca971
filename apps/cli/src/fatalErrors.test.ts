import { describe, expect, it } from 'vitest';
import { installFatalHandlers, type FatalProcess } from './fatalErrors.js';

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
