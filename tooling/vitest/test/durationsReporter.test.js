import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const config = fileURLToPath(new URL('durations/vitest.config.js', import.meta.url));

describe('DurationsReporter', () => {
  it("counts a file's beforeAll in its time, keeps the durations of files that still exist and drops the others", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-durations-'));
    try {
      const file = join(dir, 'durations.json');
      writeFileSync(file, JSON.stringify({ 'vitest.config.js': 7, 'gone.fixture.js': 3 }));
      const child = spawnSync(process.execPath, [vitestBin, 'run', '--config', config], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DURATIONS_FILE: file } });
      expect(child.status, child.stderr).toBe(0);
      const durations = JSON.parse(readFileSync(file, 'utf8'));
      expect(Object.keys(durations)).toEqual(['slowHook.fixture.js', 'vitest.config.js']);
      // The hook waits 1.5 s; its one test takes no time (from first test to last, the file would count ~0 s).
      expect(durations['slowHook.fixture.js']).toBeGreaterThanOrEqual(1.5);
      expect(durations['vitest.config.js']).toBe(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
