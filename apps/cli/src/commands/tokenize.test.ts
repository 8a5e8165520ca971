import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-tokenize-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'Mr. Smith didn\'t pay $3.88. "They\'ll wait," she said.\n\nThe end';

async function nlpkit(args: string[], stdin?: string) {
  const io = bufferIo(stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]));
  const code = await run(['node', 'nlpkit', 'tokenize', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('nlpkit tokenize', () => {
  it('reads standard input and prints one Treebank-tokenized sentence per line', async () => {
    const { code, out, err } = await nlpkit([], TEXT);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toBe("Mr. Smith did n't pay $ 3.88 .\n`` They 'll wait , '' she said .\nThe end\n");
  });

  it('reads a file, with another tokenizer, lowercasing, one sentence per line with --lines', async () => {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'The cat sat. It ran.\r\n\r\nA dog\n');
    expect((await nlpkit([file, '--tokenizer', 'whitespace', '--lowercase'])).out).toBe('the cat sat.\nit ran.\na dog\n');
    expect((await nlpkit([file, '--tokenizer', 'word', '--lines'])).out).toBe('The cat sat . It ran .\nA dog\n');
  });

  it('--json gives each sentence and token with UTF-16 offsets into the input', async () => {
    const { out } = await nlpkit(['--json', '--tokenizer', 'word'], TEXT);
    const sentences = out.trimEnd().split('\n').map((line) => JSON.parse(line) as { start: number; end: number; tokens: { text: string; start: number; end: number }[] });
    expect(sentences).toHaveLength(3);
    for (const sentence of sentences) {
      for (const token of sentence.tokens) expect(TEXT.slice(token.start, token.end)).toBe(token.text);
    }
    expect(TEXT.slice(sentences[2]!.start, sentences[2]!.end)).toBe('The end');
  });

  it('has --help', async () => {
    const { code, out } = await nlpkit(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: nlpkit tokenize [options] [file]');
    expect(out.replace(/\s+/g, ' ')).toContain('treebank, word, whitespace, char');
  });

  it('an unknown tokenizer is a usage error (exit 2); a missing file a failure (exit 1), one line each', async () => {
    const bad = await nlpkit(['--tokenizer', 'moses'], 'x');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('expected one of treebank, word, whitespace, char, got "moses"');
    const missing = await nlpkit([join(dir, 'absent.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^nlpkit tokenize: [^\n]*absent\.txt[^\n]*\n$/);
  });
});
