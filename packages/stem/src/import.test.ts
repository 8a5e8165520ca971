import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

// Importing natural's index prints, reads a .env file and loads database drivers; importing this package must
// do none of that. This file imports the package exactly once, after installing the spies.
describe('importing @nlpkit/stem', () => {
  it('prints nothing, reads no .env and loads no database drivers', async () => {
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const stdout = vi.spyOn(process.stdout, 'write');
    const fsSpies = (['readFileSync', 'readFile', 'openSync', 'existsSync', 'statSync'] as const).map((m) => vi.spyOn(fs, m));
    try {
      const mod = await import('./index.js');
      expect(mod.stem('running')).toBe('run');
      for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
      expect(stdout).not.toHaveBeenCalled();
      const touched = fsSpies.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])));
      expect(touched.filter((p) => p.endsWith('.env'))).toEqual([]);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      expect(loaded.some((p) => p.includes('/natural/lib/natural/stemmers/'))).toBe(true);
      const heavy = loaded.filter((p) => /\/node_modules\/(mongoose|pg|redis|dotenv|sqlite3|mongodb)\//.test(p));
      expect(heavy).toEqual([]);
      expect(loaded.some((p) => p.endsWith('/natural/lib/natural/index.js'))).toBe(false);
    } finally {
      for (const spy of [...consoleSpies, stdout, ...fsSpies]) spy.mockRestore();
    }
  });
});
