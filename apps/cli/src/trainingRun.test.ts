import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from './cliErrors.js';
import { bufferIo } from './cliIo.js';
import { exists, modelPath, readRecipe, startTraining } from './trainingRun.js';

describe('trainingRun', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nlpkit-training-run-'));
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'good.json'), '{"name": "x"}');
    await writeFile(join(dir, 'bad.json'), '{');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a recipe file; a missing file or bad JSON is a usage error naming --recipe', async () => {
    expect(await readRecipe(join(dir, 'good.json'))).toEqual({ name: 'x' });
    await expect(readRecipe(join(dir, 'nope.json'))).rejects.toThrow(/cannot read --recipe ".*nope\.json"/);
    const bad = await readRecipe(join(dir, 'bad.json')).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(CliError);
    expect((bad as Error).message).toMatch(/--recipe ".*bad\.json" is not JSON/);
  });

  it('takes a run folder to its model.safetensors and leaves other paths as they are', async () => {
    expect(await modelPath(join(dir, 'run'))).toBe(join(dir, 'run', 'model.safetensors'));
    expect(await modelPath(join(dir, 'good.json'))).toBe(join(dir, 'good.json'));
    expect(await modelPath(join(dir, 'nope'))).toBe(join(dir, 'nope'));
    expect([await exists(join(dir, 'run')), await exists(join(dir, 'nope'))]).toEqual([true, false]);
  });

  it('says lines and steps on stderr (none when quiet), aborts on SIGINT and stops listening when closed', () => {
    const io = bufferIo();
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const session = startTraining(io, false);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0]! + 1, before[1]! + 1]);
    session.say('hello');
    session.step('step 1/2', 1, 2);
    process.listeners('SIGINT').at(-1)?.('SIGINT');
    expect(session.signal.aborted).toBe(true);
    session.close();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    expect(io.err.join('')).toBe('hello\nstep 1/2\n');
    const quiet = bufferIo();
    const silent = startTraining(quiet, true);
    silent.say('hidden');
    silent.step('hidden', 1, 2);
    silent.close();
    expect(quiet.err).toEqual([]);
  });
});
