import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { createProgram, run } from './program.js';

/** Every runnable command path of the program (`['ngram', 'train']`, `['bleu']`, ...), walked from commander's tree. */
function commandPaths(command: Command, prefix: readonly string[] = []): string[][] {
  const paths: string[][] = [];
  for (const sub of command.commands) {
    const path = [...prefix, sub.name()];
    if (sub.commands.length === 0) paths.push(path);
    else paths.push(path, ...commandPaths(sub, path));
  }
  return paths;
}

async function nlpkit(...args: string[]) {
  const io = bufferIo();
  const code = await run(['node', 'nlpkit', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const PATHS = commandPaths(await createProgram(bufferIo()));

describe('every nlpkit command', () => {
  it('is found (the walk sees the whole tree)', () => {
    const names = PATHS.map((p) => p.join(' '));
    for (const expected of ['demo', 'ngram train', 'lm train', 'tag eval', 'classify predict', 'bleu', 'entity-f1']) {
      expect(names).toContain(expected);
    }
  });

  it.each(PATHS.map((p) => [p.join(' '), p] as const))('%s --help prints its usage (exit 0)', async (_, path) => {
    const { code, out, err } = await nlpkit(...path, '--help');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: nlpkit ${path.join(' ')}\\b`, 'm'));
  });

  // Commander reports a missing required option before an unknown one: either is a usage error.
  it.each(PATHS.map((p) => [p.join(' '), p] as const))('%s --no-such-option is a usage error (exit 2)', async (_, path) => {
    const { code, out, err } = await nlpkit(...path, '--no-such-option');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error: (unknown option '--no-such-option'|required option '--[a-z-]+[^']*' not specified)/);
  });
});
