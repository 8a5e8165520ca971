import { describe, expect, it } from 'vitest';
import { run } from '../program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('nlpkit demo', () => {
  it('prints the chosen backend and why each earlier one was skipped', async () => {
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'demo', '--json'], io)).toBe(0);
    const result = JSON.parse(out.join(''));
    expect(result.tried.at(-1)).toMatchObject({ name: result.backend, ok: true });
    expect(result.tried[0]).toMatchObject({ name: 'tfjs-node-gpu', ok: false });
  });

  it('fails with a clear message and exit code 2 (usage) on an unknown option', async () => {
    const { io, err } = capture();
    expect(await run(['node', 'nlpkit', 'demo', '--bogus'], io)).toBe(2);
    expect(err.join('')).toContain("unknown option '--bogus'");
  });
});
