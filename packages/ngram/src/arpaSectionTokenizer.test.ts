import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArpaFile } from './arpaFile.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readModelFile } from './modelFile.js';
import { ngramLineFrom, tokenizeArpaSections } from './arpaSectionTokenizer.js';
import { scoreTextFileParallel } from './scoreTextFileParallel.js';
import { type ArpaSectionHelper, type ArpaSectionJob, readSuffixOrderedArpa } from './suffixOrderedArpa.js';
import { Utf8TextScorer } from './utf8TextScorer.js';
import { writeArpa } from './writeArpa.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-sections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Random sentences of 4 to 12 words out of `words` (Zipf-like: a few frequent words, many rare ones). */
function sentences(count: number, words: number, seed: number): string[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 4 + Math.floor(rng.next() * 9) }, () => `w${Math.floor(words ** rng.next())}`),
  );
}

/** Everything a reader puts in a model: what two threads must give, value for value. */
function contents(model: BackoffLanguageModel): unknown {
  const { order, wordIndex, log10Probs, log10Backoffs, suffixLevels } = model.data;
  return {
    order,
    words: [...wordIndex.words()],
    log10Probs: log10Probs.map((a) => Array.from(a)),
    log10Backoffs: log10Backoffs.map((a) => Array.from(a)),
    levels: suffixLevels!.slice(1).map((level) => ({ firstWords: Array.from(level!.firstWords), childStart: Array.from(level!.childStart) })),
  };
}

/** The job the last {@link readHelped} posted. */
let posted: ArpaSectionJob | undefined;

/** Reads the file on this thread with a helper that runs its job at once, here, from the line at `start`. */
function readHelped(path: string, start: number, onJob: (job: ArpaSectionJob) => void = tokenizeArpaSections): BackoffLanguageModel | undefined {
  const bytes = readFileSync(path);
  let at = 0;
  posted = undefined;
  const helper: ArpaSectionHelper = {
    path,
    ngramLineFrom: () => start,
    post: (job) => {
      posted = job;
      onJob(job);
    },
  };
  return readSuffixOrderedArpa(
    (into, offset, length) => {
      const n = Math.min(length, bytes.length - at);
      into.set(bytes.subarray(at, at + n), offset);
      at += n;
      return n;
    },
    bytes.length,
    true,
    helper,
  );
}

describe('reading an ARPA file on two threads (issue 11)', () => {
  let path: string;
  let expected: unknown;
  /** Byte offset of every line, and the lines. */
  let lineStarts: number[];
  let lines: string[];
  beforeAll(() => {
    const { model } = estimateKneserNey(sentences(6_000, 3_000, 7), { order: 4 });
    path = join(dir, 'model.arpa');
    writeFileSync(path, writeArpa(model));
    expected = contents(readArpaFile(path));
    lines = readFileSync(path, 'latin1').split('\n');
    lineStarts = [];
    let offset = 0;
    for (const line of lines) {
      lineStarts.push(offset);
      offset += line.length + 1;
    }
  }, 60_000);

  /** The offset of the `k`-th line of section n (negative k: from its end). */
  function lineOf(n: number, k: number): number {
    const header = lines.indexOf(`\\${n}-grams:`);
    const end = lines.findIndex((line, i) => i > header && line.startsWith('\\'));
    const first = header + 1;
    const last = end - 2; // a blank line ends each section
    return lineStarts[k >= 0 ? first + k : last + 1 + k]!;
  }

  it('gives the model of one thread wherever the helper starts: any section, its first, middle or last line', () => {
    for (const n of [2, 3, 4]) {
      for (const start of [lineOf(n, 0), lineOf(n, 1), lineOf(n, 1000), lineOf(n, -1)]) {
        const model = readHelped(path, start);
        // The helper read from there: the tail of section n, and every section above.
        expect(posted?.start).toBe(start);
        expect(Array.from(posted!.status.subarray(1, 5))).toEqual([n, ...[2, 3, 4].map((k) => (k >= n ? 1 : 0))]);
        expect(model, `helper from byte ${start}`).toBeDefined();
        expect(contents(model!), `helper from byte ${start}`).toEqual(expected);
      }
    }
  });

  it('reads on alone from the helper\'s first line when the helper fails there, and gives the same model', () => {
    const start = lineOf(3, 500);
    // A helper that starts its job and says it failed; one that reads a file whose tail is not there.
    const failed = readHelped(path, start, (job) => {
      job.status[job.order + 2] = 1;
      for (let n = 2; n <= job.order; n++) job.status[n] = -1;
    });
    expect(contents(failed!)).toEqual(expected);
    const missing = readHelped(path, start, (job) => tokenizeArpaSections({ ...job, path: join(dir, 'missing.arpa') }));
    expect(contents(missing!)).toEqual(expected);
  });

  it('a helper that has not started when this thread reaches its first line never gets to run: this thread reads on at once', () => {
    const start = lineOf(3, 500);
    let job: ArpaSectionJob | undefined;
    const began = performance.now();
    const model = readHelped(path, start, (posted) => {
      job = posted;
    });
    expect(contents(model!)).toEqual(expected);
    // No wait for a silent helper (30 s), and the job is this thread's now: the helper, started late, does nothing.
    expect(performance.now() - began).toBeLessThan(10_000);
    expect(job!.status[job!.order + 2]).toBe(2);
    tokenizeArpaSections(job!);
    expect(job!.tokens.every((words) => words.every((w) => w === 0))).toBe(true);
  });

  it('a helper that fails above the section it started in leaves the file to the general reader (undefined here)', () => {
    const start = lineOf(3, 500);
    const model = readHelped(path, start, (job) => {
      tokenizeArpaSections(job);
      // As if section 4 had not been in lmplz's layout.
      job.status[4] = -1;
    });
    expect(model).toBeUndefined();
  });

  it('a helper that fails in the section it started in, once this thread linked lines of it, leaves the file to the general reader', () => {
    const start = lineOf(3, 500);
    const model = readHelped(path, start, (job) => {
      tokenizeArpaSections(job);
      // Its lines written (and linked by this thread), then the section said to have failed.
      expect(job.progress[3]).toBeGreaterThan(0);
      job.status[3] = -1;
    });
    expect(model).toBeUndefined();
  });

  it('ngramLineFrom finds the next n-gram line, past headers and blank lines', () => {
    const header = lines.indexOf('\\3-grams:');
    expect(ngramLineFrom(path, lineStarts[header]! - 3)).toBe(lineStarts[header + 1]);
    expect(ngramLineFrom(path, lineOf(2, 5) - 1)).toBe(lineOf(2, 5));
    expect(ngramLineFrom(path, lineOf(2, 5))).toBe(lineOf(2, 6));
    expect(ngramLineFrom(path, readFileSync(path).length - 2)).toBe(-1);
    expect(ngramLineFrom(join(dir, 'missing.arpa'), 0)).toBe(-1);
  });

  it('readArpaFile({ threads: 2 }) reads on two threads (a worker thread) to the same model; bad threads are typed errors', () => {
    expect(contents(readArpaFile(path, { threads: 2 }))).toEqual(expected);
    expect(contents(readModelFile(path, { threads: 2 }))).toEqual(expected);
    expect(() => readArpaFile(path, { threads: 0 })).toThrow(/options\.threads/);
    expect(() => readArpaFile(path, { threads: 1.5 })).toThrow(/options\.threads/);
    expect(() => readArpaFile(path, { thread: 2 } as never)).toThrow(/thread/);
  });

  it('scoreTextFileParallel: an ARPA file read on two threads scores a text as one thread does, bit for bit', async () => {
    const text = join(dir, 'text.txt');
    writeFileSync(text, `${sentences(3_000, 4_000, 11).map((s) => s.join(' ')).join('\n')}\nan unknown word\n`);
    const scorer = new Utf8TextScorer(readArpaFile(path));
    scorer.push(readFileSync(text));
    const one = scorer.end();
    for (const threads of [1, 2, 3]) expect(await scoreTextFileParallel(path, text, { threads }), `${threads} threads`).toEqual(one);
  });
});
