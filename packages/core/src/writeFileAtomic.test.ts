import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from './outputError.js';
import { checkOutputPath, checkOutputPathSync, removeStaleTemps, writeFileAtomic, writeFileAtomicSync } from './writeFileAtomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nlpkit-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const onlyTarget = (): string[] => readdirSync(dir).sort();

describe('writeFileAtomic', () => {
  it('writes text, bytes and chunk streams', async () => {
    const target = join(dir, 'model.arpa');
    await writeFileAtomic(target, 'abc');
    expect(readFileSync(target, 'utf8')).toBe('abc');
    await writeFileAtomic(target, new Uint8Array([104, 105]));
    expect(readFileSync(target, 'utf8')).toBe('hi');
    async function* lines(): AsyncGenerator<string> {
      for (let i = 0; i < 50_000; i++) yield `${i}\n`;
    }
    await writeFileAtomic(target, lines());
    expect(readFileSync(target, 'utf8').split('\n')).toHaveLength(50_001);
    writeFileAtomicSync(target, ['x', new Uint8Array([121])]);
    expect(readFileSync(target, 'utf8')).toBe('xy');
    expect(onlyTarget()).toEqual(['model.arpa']);
  });

  it('keeps the previous file and leaves no temporary when the content fails midway', async () => {
    const target = join(dir, 'model.arpa');
    writeFileSync(target, 'old model');
    async function* failing(): AsyncGenerator<string> {
      yield 'x'.repeat(3 << 20);
      throw new Error('disk gone');
    }
    const error = await writeFileAtomic(target, failing(), { package: '@nlpkit/ngram' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).message).toMatch(/^@nlpkit\/ngram: could not write .*model\.arpa: disk gone; the previous file/);
    expect(readFileSync(target, 'utf8')).toBe('old model');
    expect(onlyTarget()).toEqual(['model.arpa']);
    function* failingSync(): Generator<string> {
      yield 'partial';
      throw new Error('boom');
    }
    expect(() => writeFileAtomicSync(target, failingSync())).toThrow(OutputError);
    expect(readFileSync(target, 'utf8')).toBe('old model');
    expect(onlyTarget()).toEqual(['model.arpa']);
  });

  it('with overlap, writes each block while the next is made: two buffers used in turn give every byte', async () => {
    const target = join(dir, 'model.arpa');
    const size = (1 << 20) + 3;
    const buffers = [new Uint8Array(size), new Uint8Array(size)];
    // Chunk k is buffer k % 2 filled with k (a block is overwritten two chunks later, as the ARPA writer does),
    // then a short tail gathered with the rest; over 16 MiB, so the file is also flushed to disk as it goes.
    const chunks = 20;
    async function* reused(): AsyncGenerator<Uint8Array | string> {
      for (let k = 0; k < chunks; k++) {
        const buffer = buffers[k % 2]!;
        buffer.fill(k);
        yield buffer;
        await new Promise((resolve) => setImmediate(resolve));
      }
      yield 'end';
    }
    await writeFileAtomic(target, reused(), { overlap: true });
    const bytes = readFileSync(target);
    expect(bytes.length).toBe(chunks * size + 3);
    for (let k = 0; k < chunks; k++) expect(bytes.subarray(k * size, (k + 1) * size).every((b) => b === k), `chunk ${k}`).toBe(true);
    expect(bytes.subarray(chunks * size).toString()).toBe('end');
    expect(onlyTarget()).toEqual(['model.arpa']);
  });

  it('with overlap, keeps the previous file when the content fails or is aborted while a block is being written', async () => {
    const target = join(dir, 'model.arpa');
    writeFileSync(target, 'old model');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(3 << 20);
      throw new Error('disk gone');
    }
    const error = await writeFileAtomic(target, failing(), { overlap: true }).catch((e: unknown) => e);
    expect((error as OutputError).message).toMatch(/disk gone; the previous file/);
    const controller = new AbortController();
    async function* aborted(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(2 << 20);
      controller.abort();
      yield new Uint8Array(2 << 20);
      yield new Uint8Array(2 << 20);
    }
    const abort = (await writeFileAtomic(target, aborted(), { overlap: true, signal: controller.signal }).catch((e: unknown) => e)) as OutputError;
    expect(abort.systemCode).toBe('ABORT_ERR');
    expect(readFileSync(target, 'utf8')).toBe('old model');
    expect(onlyTarget()).toEqual(['model.arpa']);
  });

  it('honours an abort signal without touching the target', async () => {
    const target = join(dir, 'out.bin');
    writeFileSync(target, 'old');
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(2 << 20);
      controller.abort();
      yield new Uint8Array(2 << 20);
    }
    const error = (await writeFileAtomic(target, slow(), { signal: controller.signal }).catch((e: unknown) => e)) as OutputError;
    expect(error.systemCode).toBe('ABORT_ERR');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(onlyTarget()).toEqual(['out.bin']);
  });

  it('reports a missing folder as an OutputError with the system code', async () => {
    const error = (await writeFileAtomic(join(dir, 'nope', 'x'), 'a').catch((e: unknown) => e)) as OutputError;
    expect(error).toBeInstanceOf(OutputError);
    expect(error.code).toBe('ERR_OUTPUT');
    expect(error.systemCode).toBe('ENOENT');
  });

  it('survives SIGKILL mid-write: the old file stays, and the next write removes the orphaned temporary', async () => {
    const target = join(dir, 'model.arpa');
    writeFileSync(target, 'old model');
    // A child process (our writeFileAtomic, bundled to plain JavaScript) streams 400 MB slowly and is killed once
    // its temporary has grown past 4 MB.
    const scripts = mkdtempSync(join(tmpdir(), 'nlpkit-atomic-child-'));
    const child = join(scripts, 'child.mjs');
    const entry = join(scripts, 'entry.ts');
    writeFileSync(
      entry,
      `import { writeFileAtomic } from ${JSON.stringify(fileURLToPath(new URL('./writeFileAtomic.ts', import.meta.url)))};
      async function* chunks() { for (let i = 0; i < 400; i++) { yield new Uint8Array(1 << 20); await new Promise((r) => setTimeout(r, 5)); } }
      await writeFileAtomic(${JSON.stringify(target)}, chunks());`,
    );
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'silent' });
    const proc = spawn(process.execPath, [child], { stdio: 'ignore' });
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    const sawTemp = await new Promise<boolean>((resolve) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const temps = readdirSync(dir).filter((n) => n.endsWith('.nlpkit-tmp'));
        const big = temps.some((n) => statSync(join(dir, n)).size > 4 << 20);
        if (big || Date.now() - started > 20_000) {
          clearInterval(poll);
          proc.kill('SIGKILL');
          resolve(big);
        }
      }, 10);
    });
    await exited;
    rmSync(scripts, { recursive: true, force: true });
    expect(sawTemp).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old model');
    expect(readdirSync(dir).filter((n) => n.endsWith('.nlpkit-tmp'))).toHaveLength(1);
    await writeFileAtomic(target, 'new model');
    expect(readFileSync(target, 'utf8')).toBe('new model');
    expect(onlyTarget()).toEqual(['model.arpa']);
  });

  it('leaves temporaries of live processes alone', async () => {
    const target = join(dir, 'a.txt');
    const live = join(dir, `.a.txt.${process.ppid}.zz.nlpkit-tmp`);
    writeFileSync(live, 'in progress elsewhere');
    expect(await removeStaleTemps(target)).toEqual([]);
    expect(readdirSync(dir)).toContain(`.a.txt.${process.ppid}.zz.nlpkit-tmp`);
  });
});

describe('checkOutputPath', () => {
  it('fails fast for a missing folder or a folder target', async () => {
    await expect(checkOutputPath(join(dir, 'missing', 'm.arpa'))).rejects.toThrow(/its folder .*missing does not exist/);
    await expect(checkOutputPath(dir)).rejects.toThrow('it is a folder');
    await expect(checkOutputPath(join(dir, 'ok.arpa'))).resolves.toBeUndefined();
    expect(() => checkOutputPathSync(join(dir, 'missing', 'm.arpa'))).toThrow(OutputError);
    expect(() => checkOutputPathSync(dir)).toThrow('it is a folder');
    expect(() => checkOutputPathSync(join(dir, 'ok.arpa'))).not.toThrow();
  });
});

describe('inputFileError', () => {
  it('types a missing file and an unreadable one, keeping the system error', async () => {
    const { inputFileError } = await import('./inputFileError.js');
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const e = inputFileError('/x/model.arpa', missing, { package: '@nlpkit/ngram', argument: 'path' });
    expect(e.code).toBe('ERR_FILE_NOT_FOUND');
    expect(e.message).toBe('@nlpkit/ngram: path must be an existing file, got "/x/model.arpa", which does not exist');
    expect(e.cause).toBe(missing);
    const folder = Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    expect(inputFileError(dir, folder, { package: 'p', argument: 'path' }).code).toBe('ERR_FILE_UNREADABLE');
  });
});
