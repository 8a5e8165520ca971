import { FormatError, InvalidArgumentError, OutputError } from '@nlpkit/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, StdoutClosedError, exitCodeOf, guarded, isStdoutClosed } from './cliErrors.js';
import { type CliIo, bufferIo } from './cliIo.js';
import { run } from './program.js';

async function outcome(error: unknown): Promise<{ code: number; err: string }> {
  const io = bufferIo();
  try {
    await guarded(io, 'test', () => {
      throw error;
    });
  } catch (e) {
    expect(e).toBeInstanceOf(CommanderError);
    return { code: (e as CommanderError).exitCode, err: io.err.join('') };
  }
  throw new Error('guarded did not throw');
}

describe('guarded (issue 13: nothing reaches the user as a raw error)', () => {
  it('prints one line without a stack: usage errors exit 2, everything else 1', async () => {
    expect(await outcome(new TypeError('x is not a function'))).toEqual({ code: 1, err: 'nlpkit test: x is not a function\n' });
    expect(await outcome('a string')).toEqual({ code: 1, err: 'nlpkit test: a string\n' });
    expect(await outcome(new FormatError({ package: '@nlpkit/ngram', message: 'bad line' }))).toEqual({ code: 1, err: 'nlpkit test: @nlpkit/ngram: bad line\n' });
    expect(await outcome(new InvalidArgumentError({ package: '@nlpkit/ngram', argument: 'discount', expected: 'a number', found: 'x' }))).toEqual({
      code: 2,
      err: 'nlpkit test: @nlpkit/ngram: discount must be a number, got "x"\n',
    });
    expect(await outcome(new CliError('--a and --b conflict', { usage: true }))).toEqual({ code: 2, err: 'nlpkit test: --a and --b conflict\n' });
    expect(await outcome(new CliError('files differ in length'))).toEqual({ code: 1, err: 'nlpkit test: files differ in length\n' });
    const full = new OutputError({ package: '@nlpkit/ngram', path: '/x/m.arpa', cause: Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) });
    expect(await outcome(full)).toEqual({ code: 1, err: `nlpkit test: ${full.message}\n` });
  });

  it('CliError is an NlpkitError with a code', () => {
    expect(new CliError('x', { usage: true })).toMatchObject({ code: 'ERR_CLI_USAGE', package: '@nlpkit/cli' });
    expect(exitCodeOf(new CliError('x'))).toBe(1);
  });

  it('run maps commander usage errors to exit code 2 and never rejects', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'lm', 'eval', '--input', 'test.txt'], io)).toBe(2);
    expect(io.err.join('')).toContain("required option '--model <path>' not specified");
    expect(await run(['node', 'nlpkit', '--help'], bufferIo())).toBe(0);
  });

  it('standard output closed by its reader: nothing printed, exit code 141, also when a library wrapped the error', async () => {
    const epipe = Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE', syscall: 'write' });
    const closed = new StdoutClosedError(epipe);
    expect(closed).toMatchObject({ code: 'ERR_STDOUT_CLOSED', package: '@nlpkit/cli', cause: epipe });
    expect(await outcome(closed)).toEqual({ code: 141, err: '' });
    const wrapped = new FormatError({ package: '@nlpkit/ngram', message: 'could not write', cause: closed });
    expect(isStdoutClosed(wrapped)).toBe(true);
    expect(await outcome(wrapped)).toEqual({ code: 141, err: '' });
    // An EPIPE that is not standard output's (a socket's, say) is an error like any other.
    expect(isStdoutClosed(epipe)).toBe(false);
    expect(await outcome(epipe)).toEqual({ code: 1, err: 'nlpkit test: EPIPE: broken pipe, write\n' });
  });

  it('run returns 141, silently, when its help cannot be written', async () => {
    const err: string[] = [];
    const io: CliIo = {
      stdout: () => {
        throw new StdoutClosedError(new Error('EPIPE'));
      },
      stderr: (text) => void err.push(text),
    };
    expect(await run(['node', 'nlpkit', '--help'], io)).toBe(141);
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--help'], io)).toBe(141);
    expect(err).toEqual([]);
  });
});
