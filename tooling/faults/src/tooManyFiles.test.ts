import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild } from './bundle.js';
import { start } from './processes.js';

// Issue 13 item 4: on-disk counting opened every run at once and died with EMFILE after all the counting was done,
// leaving its run files behind. Here it counts about 1.5 MB of PTB with the smallest memory cap (64 KiB: well over
// a hundred runs) in a child limited by `ulimit -n`, and must give exactly the in-memory counts and leave nothing
// but its result files.
const ptb = referenceData('ptb/ptb.train.txt');
const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nlpkit-faults-emfile-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stderr: string;
  result?: { runs: number; distinct: number[]; compared: number; mismatches: number; runsDirectory: string };
}

describe('too few file handles (EMFILE under ulimit -n)', ptb.options, () => {
  let child: string;
  let corpus: string;
  beforeAll(async () => {
    child = await bundleChild('countOnDisk');
    corpus = join(base, 'corpus.txt');
    writeFileSync(corpus, `${readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').split('\n').slice(0, 12000).join('\n')}\n`);
  });

  async function count(limit: number, maxOpenFiles: number | 'default', name: string): Promise<Outcome & { directory: string }> {
    const directory = join(base, name);
    const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
    const script = `ulimit -n ${limit} && exec ${quote(process.execPath)} ${[child, corpus, '3', String(1 << 16), directory, String(maxOpenFiles)].map(quote).join(' ')}`;
    const exit = await start([], { shell: script }).exited;
    const line = exit.stdout.trim().split('\n').at(-1);
    return { code: exit.code, stderr: exit.stderr, directory, ...(exit.code === 0 && line ? { result: JSON.parse(line) as Outcome['result'] } : {}) };
  }

  function expectCompleteAndClean(outcome: Awaited<ReturnType<typeof count>>, limit: number): void {
    expect(outcome.code, outcome.stderr).toBe(0);
    const result = outcome.result!;
    console.log(`ulimit -n ${limit}: ${result.runs} runs merged; distinct ${result.distinct.join('/')}; ${result.compared} n-grams compared, ${result.mismatches} mismatches`);
    expect(result.runs, 'more runs than file handles').toBeGreaterThan(limit);
    expect(result.mismatches).toBe(0);
    expect(result.compared).toBe(result.distinct.reduce((a, b) => a + b, 0));
    // Only the result files: the runs folder is gone, and no temporary file is left.
    expect(readdirSync(outcome.directory).sort()).toEqual(['counts-order-1.bin', 'counts-order-2.bin', 'counts-order-3.bin']);
  }

  it('issue 13 item 4: with maxOpenFiles 16 under ulimit -n 48, counting completes with the in-memory counts and leaves only its files', async () => {
    expectCompleteAndClean(await count(48, 16, 'limit-48'), 48);
  });

  it('issue 13 item 4: with the default maxOpenFiles (64) under ulimit -n 128, counting more runs than handles completes', async () => {
    expectCompleteAndClean(await count(128, 'default', 'limit-128-default'), 128);
  });

  it('issue 13 item 4: with the default maxOpenFiles under ulimit -n 48, counting completes (the default adapts to the limit)', async () => {
    expectCompleteAndClean(await count(48, 'default', 'limit-48-default'), 48);
  });
});
