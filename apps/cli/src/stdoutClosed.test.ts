import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCli } from '@nlpkit/faults-check/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { run } from './program.js';

// `nlpkit … | head`: the reader takes what it wants and closes the pipe. The command stops, prints nothing on
// stderr and exits 141 (128 + SIGPIPE, as a shell reports KenLM's `query` or `cat` ended by the signal).
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-stdout-closed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arpa = join(dir, 'm.arpa');
const text = join(dir, 'text.txt');
// ~2.4 MB of text: `ngram query` prints ~40 times that, far more than a pipe holds.
const lines = Array.from({ length: 60_000 }, (_, i) => `the ${i % 2 === 0 ? 'cat' : 'dog'} sat on the mat number ${i % 97}`);
let cli = '';

beforeAll(async () => {
  writeFileSync(text, `${lines.join('\n')}\n`);
  const io = bufferIo();
  expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', text, '--arpa', arpa, '--quiet'], io), io.err.join('')).toBe(0);
  cli = await bundleCli();
}, 60_000);

/** Runs the bundled CLI with `args`, reads its first block of standard output, then closes the pipe. */
async function closedAfterFirstBlock(args: string[], stdin?: string): Promise<{ code: number | null; signal: string | null; stderr: string; first: string }> {
  const child: ChildProcess = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (stdin === undefined) child.stdin!.end();
  else child.stdin!.end(stdin);
  // EPIPE on our side of stdin is possible if the child stops reading first; it is not what is tested.
  child.stdin!.on('error', () => undefined);
  const first = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
  child.stdout!.destroy();
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (c, s) => resolve({ code: c, signal: s })),
  );
  return { code, signal, stderr, first };
}

describe('standard output closed by its reader', () => {
  for (const threads of ['1', '2']) {
    it(`ngram query --input FILE --threads ${threads}: stops quietly with exit code 141`, async () => {
      const r = await closedAfterFirstBlock(['ngram', 'query', '--model', arpa, '--input', text, '--threads', threads]);
      expect(r.first).toMatch(/^the=\d+ \d+ -[\d.]+\t/);
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 141, signal: null, stderr: '' });
    }, 60_000);
  }

  it('ngram query reading standard input (text written as strings): the same', async () => {
    const r = await closedAfterFirstBlock(['ngram', 'query', '--model', arpa], `${lines.join('\n')}\n`);
    expect(r.first).toMatch(/^the=\d+ \d+ -[\d.]+\t/);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 141, signal: null, stderr: '' });
  }, 60_000);

  it('tokenize: the same', async () => {
    const r = await closedAfterFirstBlock(['tokenize', text]);
    expect(r.first.length).toBeGreaterThan(0);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 141, signal: null, stderr: '' });
  }, 60_000);
});
