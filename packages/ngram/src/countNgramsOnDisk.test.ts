import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, OutputError, createRng } from '@nlpkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countNgrams } from './countNgrams.js';
import { type DiskCounts, countKenlmTextOnDisk, countKenlmTextRunsOnDisk, countNgramsOnDisk, countWithBudget, readCountFile } from './countNgramsOnDisk.js';
import { NgramWordIndex } from './ngramWordIndex.js';
import { NgramInputError } from './errors.js';
import { kenlmWords } from './kenlmWords.js';
import { mergeAllRuns } from './countFiles.js';
import { MemoryBudget } from './memoryBudget.js';
import { diskCountContents } from '../test/diskCountContents.js';

function corpus(sentences: number, seed: number): string[][] {
  const rng = createRng(seed);
  const random = (): number => rng.next();
  return Array.from({ length: sentences }, () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => `w${Math.floor(random() * random() * 300)}`),
  );
}

/** All n-grams of order n as "w1 w2 …" → count, from the in-memory counter. */
function inMemory(train: string[][], order: number): Map<string, number>[] {
  const counts = countNgrams(train, { order });
  const v = counts.wordIndex;
  const text: string[][] = [v.words().slice()];
  const maps: Map<string, number>[] = [new Map()];
  counts.counts[0]!.forEach((c, id) => c > 0 && maps[0]!.set(v.word(id), c));
  for (let n = 1; n < order; n++) {
    const index = counts.indexes[n]!;
    const names: string[] = [];
    const map = new Map<string, number>();
    for (let id = 0; id < index.size; id++) {
      names[id] = `${text[n - 1]![index.parents[id]!]} ${v.word(index.words[id]!)}`;
      map.set(names[id]!, counts.counts[n]![id]!);
    }
    text.push(names);
    maps.push(map);
  }
  return maps;
}

const fastTmp = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** The counts of a result's files as maps "w1 w2 …" → count, checking that records are sorted and distinct. */
function onDisk(result: DiskCounts): Map<string, number>[] {
  return result.files.map((file, i) => {
    const n = i + 1;
    const seen = new Map<string, number>();
    let previous = '';
    for (const { words, count } of readCountFile(file, n)) {
      const packed = Array.from(words, (w) => String(w).padStart(8, '0')).join(' ');
      expect(packed > previous).toBe(true);
      previous = packed;
      seen.set(Array.from(words, (w) => result.wordIndex.word(w)).join(' '), count);
    }
    expect(seen.size).toBe(result.distinct[i]);
    return seen;
  });
}

describe('countNgramsOnDisk', () => {
  // Order 3 merges by packed numeric keys (300³ < 2⁵³), order 7 word by word (300⁷ > 2⁵³).
  it.each([3, 7])('gives the in-memory counts through many spilled runs under a tiny memory cap (order %i)', (order) => {
    const train = corpus(order === 3 ? 3000 : 800, 5);
    const result = countNgramsOnDisk(train, { order, memoryBytes: 1 << 16, directory: mkdtempSync(join(fastTmp, 'nlpkit-disk-counts-')) });
    try {
      expect(result.runs).toBeGreaterThan(5);
      const expected = inMemory(train, order);
      for (let n = 1; n <= order; n++) {
        const seen = new Map<string, number>();
        let previous = '';
        for (const { words, count } of readCountFile(result.files[n - 1]!, n)) {
          const key = Array.from(words, (w) => result.wordIndex.word(w)).join(' ');
          const packed = Array.from(words, (w) => String(w).padStart(8, '0')).join(' ');
          expect(packed > previous).toBe(true); // sorted, no duplicates
          previous = packed;
          seen.set(key, count);
        }
        expect(seen.size).toBe(result.distinct[n - 1]);
        expect(seen).toEqual(expected[n - 1]);
      }
      expect(result.tokens).toBe(train.reduce((s, x) => s + x.length + 1, 0));
    } finally {
      rmSync(result.directory, { recursive: true, force: true });
    }
    expect(existsSync(result.directory)).toBe(false);
  });

  it('rejects a cap below 64 KiB', () => {
    expect(() => countNgramsOnDisk([['a']], { order: 2, memoryBytes: 10 })).toThrow(InvalidArgumentError);
    expect(() => countNgramsOnDisk([['a']], { order: 2, memoryBytes: 10 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/ngram: options.memoryBytes must be a number ≥ 65536, got 10]`,
    );
  });

});

describe('countNgramsOnDisk: bounded files, memory and temporary folders (issue 13 item 4)', () => {
  let dir: string;
  beforeEach(() => {
    // A memory-backed folder where there is one: hundreds of fsynced run files are slow on a busy disk.
    dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nlpkit-disk-counts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issue 13 item 4: merges many runs in batches with at most maxOpenFiles open; the counts equal the in-memory ones', () => {
    const train = corpus(1500, 9);
    for (const [order, maxOpenFiles] of [[3, 4], [4, 3], [1, 4]] as const) {
      const budget: MemoryBudget[] = [];
      const result = countWithBudget(train, { order, memoryBytes: 1 << 16, maxOpenFiles, directory: join(dir, `o${order}`) }, (cap) => {
        budget.push(new MemoryBudget(cap));
        return budget[0]!;
      }) as DiskCounts;
      expect(result.runs).toBeGreaterThan(order === 1 ? 0 : 5);
      expect(onDisk(result)).toEqual(inMemory(train, order));
      expect(budget[0]!.peakOpenFiles).toBeLessThanOrEqual(maxOpenFiles);
      if (order > 1) expect(budget[0]!.peakOpenFiles).toBe(maxOpenFiles); // batches were actually needed
      expect(budget[0]!.openFiles).toBe(0);
      // The runs folder was inside the directory, is reported, and is gone; only the results remain.
      expect(result.runsDirectory.startsWith(join(dir, `o${order}`))).toBe(true);
      expect(existsSync(result.runsDirectory)).toBe(false);
      expect(readdirSync(result.directory).sort()).toEqual(result.files.map((f) => f.slice(result.directory.length + 1)).sort());
    }
  });

  it('issue 11: tables of 65,536 n-grams and more (16-bit radix digits, two passes per word of a vocabulary above 65,536) give the in-memory counts', () => {
    const rng = createRng(12);
    const train = Array.from({ length: 30_000 }, () => Array.from({ length: 12 }, () => `w${Math.floor(rng.next() * 100_000)}`));
    const result = countNgramsOnDisk(train, { order: 3, memoryBytes: 6 << 20, directory: join(dir, 'large') });
    expect(result.runs).toBeGreaterThan(1);
    expect(result.wordIndex.size).toBeGreaterThan(65_536);
    expect(result.distinct[2]).toBeGreaterThan(300_000);
    expect(onDisk(result)).toEqual(inMemory(train, 3));
  });

  it('issue 11: sentences longer than a table holds are counted position by position, spilling inside them; the counts equal the in-memory ones', () => {
    const rng = createRng(21);
    const sentence = (length: number) => Array.from({ length }, () => `w${Math.floor(rng.next() ** 2 * 400)}`);
    // Short sentences (counted order by order) around two of several thousand words: more than the tables hold at
    // this cap, so those go position by position and spill mid-sentence.
    const train = [...Array.from({ length: 200 }, () => sentence(8)), sentence(5000), ...Array.from({ length: 50 }, () => sentence(3)), sentence(3000), sentence(7)];
    for (const order of [2, 4]) {
      const result = countNgramsOnDisk(train, { order, memoryBytes: 1 << 16, directory: join(dir, `long${order}`) });
      expect(result.runs).toBeGreaterThan(3);
      expect(onDisk(result)).toEqual(inMemory(train, order));
      expect(result.tokens).toBe(train.reduce((s, x) => s + x.length + 1, 0));
    }
  });

  it('issue 13 item 4: the memory cap holds: peak typed-array bytes stay within memoryBytes (+ 16 bytes per word)', () => {
    const train = corpus(1500, 3);
    for (const [order, cap] of [[2, 1 << 16], [3, 1 << 16], [5, 200_000], [10, 1 << 16], [3, 1 << 20]] as const) {
      let budget: MemoryBudget | undefined;
      const result = countWithBudget(train, { order, memoryBytes: cap, directory: join(dir, `m${order}-${cap}`) }, (c) => (budget = new MemoryBudget(c))) as DiskCounts;
      // Slack: the unigram counts, which grow (×2) with the vocabulary like the vocabulary itself.
      expect(result.peakBytes).toBe(budget!.peak);
      expect(result.peakBytes).toBeLessThanOrEqual(cap + 16 * result.wordIndex.size);
      expect(result.peakBytes).toBeGreaterThan(cap / 2); // the cap is used, not ignored
      expect(budget!.used).toBeLessThanOrEqual(8 * result.wordIndex.size); // everything else released
    }
  });

  it('issue 11: a merge reads each run through a buffer of 4 MiB at most, however large the cap (its pages stay in the process)', () => {
    // Three sorted runs of order 2 ([w1, w2, count] records), merged under a 256 MiB cap: before, each reader took
    // a third of the cap, and every byte of it is written by the reads.
    const runs = [0, 1, 2].map((r) => {
      const records = new Uint32Array(3 * 200_000);
      for (let i = 0; i < 200_000; i++) records.set([i >> 8, (i & 255) * 3 + r, 1], 3 * i);
      const path = join(dir, `run-${r}.bin`);
      writeFileSync(path, new Uint8Array(records.buffer));
      return path;
    });
    const budget = new MemoryBudget(256 << 20);
    const out = join(dir, 'merged.bin');
    expect(mergeAllRuns(runs, 2, out, 100_000, budget, 8, dir, undefined)).toBe(600_000);
    expect(budget.peak).toBeLessThanOrEqual(3 * (4 << 20) + 2 * (1 << 16) * 12);
    expect(budget.used).toBe(0);
    const merged = new Uint32Array(readFileSync(out).buffer.slice(0));
    let sorted = merged.length === 3 * 600_000;
    for (let i = 1; sorted && i < 600_000; i++) sorted = merged[3 * i]! * 1000 + merged[3 * i + 1]! > merged[3 * i - 3]! * 1000 + merged[3 * i - 2]!;
    expect(sorted).toBe(true);
  });

  it('issue 13 item 4: abort and failures remove the runs folder; an I/O failure names it', async () => {
    const train = corpus(3000, 4);
    const runsFolders = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith('.runs-')) : []);
    // Abort after a few runs (sync and async input).
    for (const input of [train, (async function* () { yield* train; })()]) {
      const controller = new AbortController();
      const folder = join(dir, `abort-${Symbol.asyncIterator in input ? 'async' : 'sync'}`);
      const run = async (): Promise<unknown> =>
        countNgramsOnDisk(input, {
          order: 3,
          memoryBytes: 1 << 16,
          directory: folder,
          signal: controller.signal,
          onProgress: ({ runs }) => runs === 3 && controller.abort(new Error('stop')),
        });
      await expect(run()).rejects.toThrow('stop');
      expect(runsFolders(folder)).toEqual([]);
    }
    // An input error midway.
    const broken = join(dir, 'broken');
    function* failing(): Generator<string[]> {
      yield* train.slice(0, 2000);
      throw new Error('corpus unreadable');
    }
    expect(() => countNgramsOnDisk(failing(), { order: 3, memoryBytes: 1 << 16, directory: broken })).toThrow('corpus unreadable');
    expect(runsFolders(broken)).toEqual([]);
    // The runs folder disappears under the counter (a cleaner, a full disk): an OutputError naming a path in it.
    const lost = join(dir, 'lost');
    let runsDirectory = '';
    const error = (() => {
      try {
        countNgramsOnDisk(train, {
          order: 3,
          memoryBytes: 1 << 16,
          directory: lost,
          onProgress: () => {
            runsDirectory = readdirSync(lost).find((f) => f.startsWith('.runs-'))!;
            rmSync(join(lost, runsDirectory), { recursive: true });
          },
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).path).toContain(join(lost, runsDirectory));
    expect(runsFolders(lost)).toEqual([]);
    // A directory that cannot be made (a file is in the way).
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => countNgramsOnDisk(train, { order: 2, memoryBytes: 1 << 16, directory: join(dir, 'file', 'sub') })).toThrow(OutputError);
  });

  it('issue 13 item 4: a full disk (ENOSPC on a 256 KiB tmpfs; needs root, skipped otherwise) removes the runs', (ctx) => {
    const mountPoint = join(dir, 'small-disk');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    try {
      const error = (() => {
        try {
          countNgramsOnDisk(corpus(3000, 4), { order: 3, memoryBytes: 1 << 16, directory: mountPoint });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(OutputError);
      expect((error as OutputError).systemCode).toBe('ENOSPC');
      expect((error as OutputError).path.startsWith(join(mountPoint, '.runs-'))).toBe(true);
      expect(readdirSync(mountPoint)).toEqual([]);
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    }
  });

  it('issue 13 item 9: readCountFile refuses a truncated count file instead of inventing a record', () => {
    const result = countNgramsOnDisk(corpus(200, 1), { order: 2, memoryBytes: 1 << 16, directory: dir });
    const file = result.files[1]!;
    const whole = readFileSync(file);
    expect([...readCountFile(file, 2)].length).toBe(result.distinct[1]);
    truncateSync(file, whole.length - 4);
    expect(() => [...readCountFile(file, 2)]).toThrow(FormatError);
    expect(() => [...readCountFile(file, 2)]).toThrow(/ends inside a record: \d+ bytes is not a whole number of 12-byte records/);
    writeFileSync(file, whole.subarray(0, 12 * 5 + 8));
    expect(() => [...readCountFile(file, 2)]).toThrow(FormatError);
    expect(() => readCountFile(file, 0).next()).toThrow(InvalidArgumentError);
  });
});

describe('countKenlmTextOnDisk (issue 11)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(fastTmp, 'nlpkit-disk-text-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What diskCountContents compares, and the number of runs. */
  const contents = (result: DiskCounts): unknown => ({ ...(diskCountContents(result) as object), runs: result.runs });

  it('writes the files countNgramsOnDisk writes from kenlmWords of each line, however the bytes are cut, sync or async', async () => {
    // Lmplz's splitting (only space, tab, CR and NUL split; U+00A0, U+3000, U+FEFF are word text), an empty line, a
    // last line without a newline, and enough text for several runs under a 64 KiB cap.
    const rng = createRng(5);
    const lines = ['\ufeffthe cat\u00a0sat \r', '', '  \t \r', 'a\u3000b c\ufeffd\vx\fy\0z\te <unk>'];
    for (let i = 0; i < 2500; i++) lines.push(Array.from({ length: 1 + Math.floor(rng.next() * 12) }, () => `w${Math.floor(rng.next() * rng.next() * 300)}`).join(i % 7 === 0 ? '\t' : ' '));
    const text = `${lines.join('\n')}\nlast line`;
    const bytes = new TextEncoder().encode(text);
    // The reference reads the decoded lines (a leading byte-order mark dropped, as both readers drop it).
    const sentences = text.replace(/^\ufeff/, '').split('\n').map((line) => kenlmWords(line));
    for (const order of [1, 3]) {
      const options = (name: string) => ({ order, memoryBytes: 1 << 16, directory: join(dir, `${name}-${order}`) });
      const expected = contents(countNgramsOnDisk(sentences, options('strings')));
      expect((expected as { runs: number }).runs).toBeGreaterThan(order === 1 ? 0 : 3);
      expect(contents(countKenlmTextOnDisk([bytes], options('whole')))).toEqual(expected);
      const cut: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += 1 + (at % 13)) cut.push(bytes.subarray(at, at + 1 + (at % 13)));
      expect(contents(countKenlmTextOnDisk(cut, options('cut')))).toEqual(expected);
      let lastLines = 0;
      const result = await countKenlmTextOnDisk(Readable.from(cut), { ...options('async'), onLines: (n) => (lastLines = n) });
      expect(contents(result)).toEqual(expected);
      expect(lastLines).toBe(sentences.length);
    }
  });

  it('countKenlmTextRunsOnDisk: a part counted with its own ids, its runs given the whole text\'s ids, gives the files of counting it with those ids', () => {
    const rng = createRng(8);
    const line = (): string => Array.from({ length: 1 + rng.int(9) }, () => `w${rng.int(rng.int(2) === 0 ? 20 : 400)}`).join(' ');
    // Words of its own and words of the part, so that the part's words take other ids in the whole.
    const before = Array.from({ length: 300 }, () => `v${rng.int(50)} ${line()}`);
    const part = Array.from({ length: 3000 }, line);
    const bytes = new TextEncoder().encode(`${part.join('\n')}\n`);
    // The whole text's ids: the words of the text before the part come first.
    const whole = new NgramWordIndex();
    for (const sentence of [...before, ...part]) for (const word of sentence.split(' ')) whole.add(word);
    for (const order of [1, 2, 4]) {
      const options = (name: string) => ({ order, memoryBytes: 1 << 16, directory: join(dir, `${name}-${order}`) });
      const expected = contents(countKenlmTextOnDisk([bytes], { ...options('expected'), wordIndex: whole }));
      const counted = countKenlmTextRunsOnDisk([bytes], options('remapped'));
      expect(counted.wordIndex.size).toBeLessThan(whole.size);
      const result = counted.finish(whole);
      expect(result.wordIndex).toBe(whole);
      expect(result.runs).toBeGreaterThan(order === 1 ? 0 : 2);
      expect(contents(result)).toEqual(expected);
      expect(existsSync(result.runsDirectory)).toBe(false);
    }
    // An index without every word of the part is refused, and the runs are removed.
    const counted = countKenlmTextRunsOnDisk([bytes], { order: 3, memoryBytes: 1 << 16, directory: join(dir, 'short') });
    const short = new NgramWordIndex();
    short.add('w1');
    expect(() => counted.finish(short)).toThrow('@nlpkit/ngram: wordIndex must be a word index holding every word of the counted text');
    expect(readdirSync(join(dir, 'short'))).toEqual([]);
  });

  it('rejects a reserved marker naming its line, removes the runs, and takes no option it does not know', () => {
    const bytes = new TextEncoder().encode('a b\nc </s> d\n');
    expect(() => countKenlmTextOnDisk([bytes], { order: 2, memoryBytes: 1 << 16, directory: join(dir, 'bad') })).toThrow(NgramInputError);
    expect(readdirSync(join(dir, 'bad'))).toEqual([]);
    expect(() => countKenlmTextOnDisk([bytes], { order: 2, memoryBytes: 1 << 16, directory: join(dir, 'x'), totalBytes: 3 } as never)).toThrow(/totalBytes/);
  });
});
