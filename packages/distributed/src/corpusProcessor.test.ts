import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CorpusProcessor, corpusModelCache } from './corpusProcessor.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-corpus-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => {
  const path = join(dir, name);
  writeFileSync(path, name);
  return path;
};

/** A processor that records what it loads and disposes. */
function recording(): { processor: CorpusProcessor; log: string[] } {
  const log: string[] = [];
  return {
    log,
    processor: {
      async load(model, options) {
        if (model.endsWith('broken')) throw new Error('cannot read');
        const name = `${model.slice(dir.length + 1)}${JSON.stringify(options)}`;
        log.push(`load ${name}`);
        return { process: (lines) => lines, dispose: () => void log.push(`dispose ${name}`) };
      },
    },
  };
}

describe('corpusModelCache', () => {
  it('loads a model once per task, model and options, and reloads a model file changed since', async () => {
    const { processor, log } = recording();
    const cache = corpusModelCache();
    const a = file('a');
    for (let i = 0; i < 3; i++) (await cache.acquire('t', processor, a, { k: 1 })).release();
    expect(log).toEqual(['load a{"k":1}']);
    (await cache.acquire('t', processor, a, { k: 2 })).release();
    expect(log).toEqual(['load a{"k":1}', 'load a{"k":2}']);
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    (await cache.acquire('t', processor, a, { k: 2 })).release();
    expect(log.filter((l) => l.startsWith('load'))).toHaveLength(3);
    await cache.clear();
  });

  it('keeps at most `max` models, least recently used dropped first; one in use is disposed when given back', async () => {
    const { processor, log } = recording();
    const cache = corpusModelCache(2);
    const [a, b, c] = [file('a'), file('b'), file('c')];
    const held = await cache.acquire('t', processor, a, {});
    (await cache.acquire('t', processor, b, {})).release();
    (await cache.acquire('t', processor, c, {})).release();
    expect(log).toEqual(['load a{}', 'load b{}', 'load c{}']);
    held.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toContain('dispose a{}');
    (await cache.acquire('t', processor, c, {})).release();
    expect(log.filter((l) => l === 'load c{}')).toHaveLength(1);
    await cache.clear();
    expect(log).toEqual(expect.arrayContaining(['dispose b{}', 'dispose c{}']));
  });

  it('does not keep a failed load: the next acquire loads again', async () => {
    const { processor } = recording();
    const cache = corpusModelCache();
    const broken = file('broken');
    await expect(cache.acquire('t', processor, broken, {})).rejects.toThrow('cannot read');
    await expect(cache.acquire('t', processor, broken, {})).rejects.toThrow('cannot read');
    await cache.clear();
  });
});
