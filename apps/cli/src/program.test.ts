import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { isVerbose, run } from './program.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const COMMANDS = ['demo', 'env', 'tokenize', 'ngram', 'bleu', 'chrf', 'ter', 'entity-f1'];

async function nlpkit(...args: string[]) {
  const io = bufferIo();
  const code = await run(['node', 'nlpkit', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('nlpkit (the program)', () => {
  it('--version and -V print the package version', async () => {
    expect(await nlpkit('--version')).toEqual({ code: 0, out: `${manifest.version}\n`, err: '' });
    expect((await nlpkit('-V')).out).toBe(`${manifest.version}\n`);
  });

  it('--help lists every command', async () => {
    const { code, out } = await nlpkit('--help');
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('an unknown command is a usage error (exit 2) that lists the commands', async () => {
    const { code, out, err } = await nlpkit('frobnicate');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n')[0]).toBe("error: unknown command 'frobnicate'");
    for (const command of COMMANDS) expect(err).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect((await nlpkit('tokenise')).err).toContain('(Did you mean tokenize?)');
  });

  it('a failing command prints one line (exit 1); --verbose adds the stack, anywhere on the line', async () => {
    const plain = await nlpkit('ngram', 'eval', '--model', '/nonexistent/m.arpa', '--input', '-');
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/^nlpkit ngram: [^\n]*m\.arpa[^\n]*\n$/);
    const verbose = await nlpkit('ngram', 'eval', '--model', '/nonexistent/m.arpa', '--input', '-', '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.err.startsWith(plain.err)).toBe(true);
    expect(verbose.err).toMatch(/\n {4}at /);
  });

  it('finds --verbose before a --', () => {
    expect(isVerbose(['demo', '--verbose'])).toBe(true);
    expect(isVerbose(['tokenize', '--', '--verbose'])).toBe(false);
  });
});
