import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from './cliIo.js';
import { run } from './program.js';

describe('CliIo', () => {
  it('is its own module: no command module imports the program that registers it', () => {
    const dir = new URL('./commands/', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/from '\.\.\/program\.js'/);
    }
  });

  it('bufferIo keeps what a command prints', async () => {
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: nlpkit');
    expect(io.err).toEqual([]);
  });
});
