import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

const recipe = fileURLToPath(new URL('../../../../recipes/reverse-tiny.json', import.meta.url));
const data = (name: string): string => fileURLToPath(new URL(`../../../../recipes/reverse-tiny/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-translate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'run');

async function nlpkit(args: string[], stdin?: string) {
  const io = bufferIo(stdin === undefined ? undefined : Readable.from([stdin]));
  const code = await run(['node', 'nlpkit', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('nlpkit translate', () => {
  it('train runs a recipe into a run folder (progress on stderr, the artifact on stdout); a second call finds it done', async () => {
    const first = await nlpkit(['translate', 'train', '--recipe', recipe, '--out', out]);
    expect(first.err).toMatch(/epoch 1 step \d+\/\d+ \| loss [\d.]+ \| \d+ tok\/s/);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^wrote .*model\.safetensors \(valid BLEU [\d.]+, test BLEU [\d.]+, \d+ target tokens in \d+ s\)\n$/);
    const again = await nlpkit(['translate', 'train', '--out', out, '--quiet']);
    expect(again).toMatchObject({ code: 0, err: '' });
  }, 120_000);

  it('translates stdin line by line (the default command), greedy and with a beam, as text and as JSON', async () => {
    const input = readFileSync(data('test.src'), 'utf8');
    const lines = input.trim().split('\n');
    const greedy = await nlpkit(['translate', '--model', out, '--beam', '1'], input);
    expect(greedy.err).toBe('');
    expect(greedy.code).toBe(0);
    const greedyLines = greedy.out.trimEnd().split('\n');
    expect(greedyLines).toHaveLength(lines.length);
    for (const line of greedyLines) expect(line).toMatch(/^([a-f]( [a-f])*)?$/);
    const json = await nlpkit(['translate', 'text', '--model', out, '--beam', '3', '--n-best', '2', '--json', '--attention'], `${lines[0]}\n`);
    expect(json.code).toBe(0);
    const record = JSON.parse(json.out) as { translation: string; score: number; attention: number[][]; nBest: { score: number }[]; source: string[] };
    expect(record.nBest).toHaveLength(2);
    expect(record.nBest[0]!.score).toBeGreaterThanOrEqual(record.nBest[1]!.score);
    for (const row of record.attention) {
      expect(row).toHaveLength(record.source.length + 1); // the source tokens and its </s>
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
  }, 60_000);

  it('eval --json gives sacreBLEU-style corpus BLEU with its signature; --output keeps the translations', async () => {
    const hyp = join(dir, 'hyp.txt');
    const r = await nlpkit(['translate', 'eval', '--model', out, '--src', data('test.src'), '--ref', data('test.tgt'), '--beam', '2', '--output', hyp, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { bleu: number; signature: string; sentences: number; beam: number };
    expect(Object.keys(report)).toEqual(['bleu', 'signature', 'sentences', 'beam']);
    expect(report.bleu).toBeGreaterThanOrEqual(0);
    expect(report.bleu).toBeLessThanOrEqual(100);
    expect(report.signature).toMatch(/tok:none/);
    expect(readFileSync(hyp, 'utf8').trimEnd().split('\n')).toHaveLength(report.sentences);
  }, 60_000);

  it('usage errors exit 2; a missing model or mismatched files exit 1 with one line', async () => {
    expect((await nlpkit(['translate', '--model', out, '--beam', '0'], 'a b\n')).code).toBe(2);
    const nBest = await nlpkit(['translate', '--model', out, '--beam', '2', '--n-best', '3'], 'a b\n');
    expect(nBest.code).toBe(2);
    expect(nBest.err).toMatch(/--n-best must be at most --beam \(2\), got 3/);
    expect((await nlpkit(['translate', '--model', out, '--length-penalty', 'wide'], 'a\n')).code).toBe(2);
    const missing = await nlpkit(['translate', '--model', join(dir, 'nope.safetensors')], 'a\n');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^nlpkit translate: [^\n]*nope\.safetensors[^\n]*\n$/);
    const mismatch = await nlpkit(['translate', 'eval', '--model', out, '--src', data('test.src'), '--ref', data('train.tgt')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toMatch(/--src and --ref must have as many lines/);
  }, 60_000);
});
