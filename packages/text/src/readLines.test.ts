import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { FormatError, InvalidArgumentError, NlpkitError, collect } from '@nlpkit/core';
import { LineTooLongError } from './errors.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readLines } from './node.js';
import { readSentencePerLine } from './readSentencePerLine.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-text-readLines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readLines', () => {
  it('reads a file by path or file: URL, without LF or CRLF endings and without a BOM', async () => {
    const path = file('mixed.txt', '\uFEFFSão Paulo\r\nline two\n\nlast without newline');
    const expected = ['São Paulo', 'line two', '', 'last without newline'];
    expect(await collect(readLines(path))).toEqual(expected);
    expect(await collect(readLines(pathToFileURL(path)))).toEqual(expected);
  });

  it('yields no line for an empty file and none after a final newline', async () => {
    expect(await collect(readLines(file('empty.txt', '')))).toEqual([]);
    expect(await collect(readLines(file('one.txt', 'a\n')))).toEqual(['a']);
    expect(await collect(readLines(file('blank.txt', '\n')))).toEqual(['']);
  });

  it('reads a Readable of bytes split inside characters and inside CRLF', async () => {
    const bytes = new TextEncoder().encode('héllo 👋\r\nwörld');
    // Split after the first byte of 'é', inside the emoji, and between \r and \n.
    const cuts = [2, 10, 12, bytes.length];
    const chunks = cuts.map((end, i) => Buffer.from(bytes.subarray(i === 0 ? 0 : cuts[i - 1], end)));
    expect(await collect(readLines(Readable.from(chunks)))).toEqual(['héllo 👋', 'wörld']);
  });

  it('reads a Readable of strings, and decodes other encodings', async () => {
    expect(await collect(readLines(Readable.from(['a\nb', 'c\r', '\nd'])))).toEqual(['a', 'bc', 'd']);
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    expect(await collect(readLines(Readable.from([latin1]), { encoding: 'latin1' }))).toEqual(['café']);
  });

  it("reads standard input for '-'", async () => {
    const stdin = vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from(['x y\n', 'z\n']) as typeof process.stdin);
    try {
      expect(await collect(readLines('-'))).toEqual(['x y', 'z']);
    } finally {
      stdin.mockRestore();
    }
  });

  it("leaves a caller's stream open when the consumer stops early", async () => {
    const stream = Readable.from(['1\n2\n3\n']);
    for await (const line of readLines(stream)) {
      expect(line).toBe('1');
      break;
    }
    expect(stream.destroyed).toBe(false);
    stream.destroy();
  });

  it('feeds readSentencePerLine', async () => {
    const path = file('corpus.txt', 'the cat sat\n\na dog\n');
    expect(await collect(readSentencePerLine(readLines(path)))).toEqual([['the', 'cat', 'sat'], ['a', 'dog']]);
  });

  it('reports a missing file as ERR_FILE_NOT_FOUND naming the path, with the ENOENT cause', async () => {
    const path = join(dir, 'nope.txt');
    const error = await collect(readLines(path)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_FILE_NOT_FOUND', argument: 'source', cause: { code: 'ENOENT' } });
    expect((error as Error).message).toBe(`@nlpkit/text: source must be an existing file, got ${JSON.stringify(path)}, which does not exist`);
  });

  it('reports a directory as ERR_FILE_UNREADABLE', async () => {
    await expect(collect(readLines(dir))).rejects.toMatchObject({ code: 'ERR_FILE_UNREADABLE', cause: { code: 'EISDIR' } });
  });

  it('rejects a bad source or option when called', () => {
    expect(() => readLines(42 as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: source must be a file path, a file: URL, '-' or a Readable stream, got 42]`,
    );
    expect(() => readLines('')).toThrow(InvalidArgumentError);
    expect(() => readLines(new URL('https://example.com/corpus.txt'))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: source must be a file: URL, got "https://example.com/corpus.txt"]`,
    );
    expect(() => readLines(['a', 'b'] as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => readLines('x.txt', { encoding: 'klingon' })).toThrow(InvalidArgumentError);
    expect(() => readLines('x.txt', { encodin: 'utf-8' } as object)).toThrow(NlpkitError);
  });

  it('rejects streams of objects', async () => {
    await expect(collect(readLines(Readable.from([{ line: 1 }])))).rejects.toThrow(InvalidArgumentError);
  });

  it('issue 13: reads a 20 MB line arriving in 64 KB chunks in linear time (was: each chunk re-searched the line)', async () => {
    const chunk = 'é'.repeat(65_536);
    const chunks = Array.from({ length: 320 }, () => chunk);
    const t0 = performance.now();
    const lines = await collect(readLines(Readable.from([...chunks, '\nend'])));
    expect(lines.map((l) => l.length)).toEqual([320 * 65_536, 3]);
    // About 20 ms now; the old splitter took 2.6 s here (and 0.7 s for 10 MB, 13 ms for 1 MB: quadratic).
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('issue 13: a line longer than maxLineLength is a LineTooLongError with its number, thrown before it is all read', async () => {
    let pulled = 0;
    async function* chunks(): AsyncGenerator<string> {
      yield 'ok\n\r\nshort\n';
      for (;;) {
        pulled++;
        yield 'x'.repeat(1000);
      }
    }
    const error = await collect(readLines(Readable.from(chunks()), { maxLineLength: 10_000 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LineTooLongError);
    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({ code: 'ERR_LINE_TOO_LONG', line: 4, limit: 10_000 });
    expect(pulled).toBeLessThan(20);
  });

  it('issue 13: a CR-only file is one long line: an error naming CR-only endings, not a hang', async () => {
    const path = file('cr-only.txt', 'line one\rline two\r'.repeat(1000));
    await expect(collect(readLines(path, { maxLineLength: 5000 }))).rejects.toThrow(/CR-only line endings/);
    expect(await collect(readLines(path))).toHaveLength(1);
  });

  it('keeps lines of exactly maxLineLength, CRLF split across chunks included', async () => {
    expect(await collect(readLines(Readable.from(['abc', 'de\r', '\nfgh\r\n']), { maxLineLength: 5 }))).toEqual(['abcde', 'fgh']);
    await expect(collect(readLines(Readable.from(['abcdef\n']), { maxLineLength: 5 }))).rejects.toThrow(LineTooLongError);
    expect(await collect(readLines(Readable.from(['a'.repeat(100), '\n']), { maxLineLength: Infinity }))).toHaveLength(1);
    expect(() => readLines('x.txt', { maxLineLength: 0 })).toThrow(InvalidArgumentError);
  });
});
