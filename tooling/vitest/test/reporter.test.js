import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceData, referenceDataRoots } from '../index.js';

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const config = fileURLToPath(new URL('fixture/vitest.config.js', import.meta.url));

/** Runs the fixture project in a child vitest with the summary reporter; returns its output lines and exit code. */
function runFixture(env) {
  const child = spawnSync(process.execPath, [vitestBin, 'run', '--config', config], {
    encoding: 'utf8',
    env: { ...process.env, NLPKIT_REQUIRE_SHARED_DATA: '', NO_COLOR: '1', ...env },
  });
  return { lines: child.stdout.trimEnd().split('\n'), status: child.status, stderr: child.stderr };
}

describe('referenceData', () => {
  it('finds committed data under test-data/ first', () => {
    const ptb = referenceData('ptb/ptb.train.txt');
    expect(ptb.available).toBe(true);
    expect(ptb.path('ptb/ptb.train.txt')).toBe(`${referenceDataRoots()[0]}/ptb/ptb.train.txt`);
    expect(ptb.options).toEqual({ skip: false, meta: {} });
  });

  it('says which file is missing and where it looked', () => {
    const data = referenceData('ptb/ptb.train.txt', 'no-such-corpus/x.txt');
    expect(data.available).toBe(false);
    expect(data.reason).toMatch(/^reference data missing: no-such-corpus\/x\.txt \(looked in test-data\/, .+\)$/);
    expect(data.options).toEqual({ skip: true, meta: { referenceSkip: data.reason } });
    expect(() => data.path('no-such-corpus/x.txt')).toThrow(/not found/);
  });
});

describe('SummaryReporter', () => {
  it('prints one line per skip reason before the closing totals line', () => {
    const { lines, status } = runFixture({});
    expect(status).toBe(0);
    expect(lines.at(-1)).toBe('2 passed, 0 failed, 3 skipped');
    const reasons = lines.slice(lines.indexOf('Tests not run, by reason:'), -1);
    expect(reasons).toEqual([
      'Tests not run, by reason:',
      expect.stringMatching(/^ {5}2 skipped: reference data missing: no-such-corpus\/train\.txt \(looked in test-data\/, /),
      '     1 skipped: no GPU adapter',
    ]);
  });

  it('with NLPKIT_REQUIRE_SHARED_DATA=1 counts skipped reference tests as failures and exits 1', () => {
    const { lines, status } = runFixture({ NLPKIT_REQUIRE_SHARED_DATA: '1' });
    expect(status).toBe(1);
    expect(lines.at(-1)).toBe('2 passed, 2 failed, 1 skipped');
    expect(lines.at(-3)).toMatch(/^ {5}2 FAILED \(NLPKIT_REQUIRE_SHARED_DATA=1, must not skip\): reference data missing: no-such-corpus/);
  });
});
