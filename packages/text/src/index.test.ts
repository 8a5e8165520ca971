import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// The main entry must run in any JS runtime: no Node built-ins, no natural, and no work at import time.
describe('importing @nlpkit/text', () => {
  it('prints nothing and reads no files', async () => {
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const fsSpies = (['readFileSync', 'readFile', 'openSync', 'existsSync', 'statSync', 'createReadStream'] as const).map((m) =>
      vi.spyOn(fs, m),
    );
    try {
      const mod = await import('./index.js');
      expect(typeof mod.wordTokenize).toBe('function');
      for (const spy of [...consoleSpies, ...fsSpies]) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of [...consoleSpies, ...fsSpies]) spy.mockRestore();
    }
  });

  it('imports no Node built-in and no natural from any module the main entry reaches', () => {
    const seen = new Set<string>();
    // Files as paths relative to src/, resolved from the importing file (src/moses/* import each other).
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const url = new URL(file, import.meta.url);
      const source = fs.readFileSync(url, 'utf8');
      for (const [, spec] of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gmu)) {
        expect({ file, spec }).not.toMatchObject({ spec: expect.stringMatching(/^(node:|natural|fs$|path$)/u) });
        if (spec?.startsWith('.')) {
          const target = new URL(spec.replace(/\.js$/u, '.ts'), url);
          visit(`.${target.pathname.slice(new URL('.', import.meta.url).pathname.length - 1)}`);
        }
      }
    };
    visit('./index.ts');
    expect(seen.size).toBeGreaterThan(15);
    expect(seen.has('./node.ts')).toBe(false);
  });
});
