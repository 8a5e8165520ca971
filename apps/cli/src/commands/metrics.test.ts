import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusBleu, corpusChrf } from '@nlpkit/metrics';
import type { CliIo } from '../cliIo.js';
import { run } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-metrics-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}

async function nlpkit(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await run(['node', 'nlpkit', ...args], io);
  return { code, out, err };
}

// Segment 0 of the shared sacreBLEU fixture: sacreBLEU 2.6 gives BLEU 42.38365628278778 and chrF2 49.6485170311433.
const hyp = file('hyp.txt', ['The cat sat on the mat.']);
const ref = file('ref.txt', ['The cat is sitting on the mat.']);

const hyps = ['The quick brown fox jumps over the lazy dog.', 'He left without a word.', 'Prices rose 3.5 percent.'];
const refsA = ['A quick brown fox jumped over the lazy dog.', 'He left the room without saying a word.', 'Prices increased 3.5 percent.'];
const refsB = ['The fast brown fox leaps over the lazy dog.', 'Without a word, he left.', 'Prices went up by 3.5 percent.'];
const hyp3 = file('hyp3.txt', hyps);
const ref3a = file('ref3a.txt', refsA);
const ref3b = file('ref3b.txt', refsB);

describe('nlpkit bleu', () => {
  it('prints sacreBLEU\'s score and signature as JSON', async () => {
    const { code, out } = await nlpkit('bleu', '--hyp', hyp, '--ref', ref, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { score: number; signature: string };
    expect(Object.keys(json)).toEqual(['score', 'signature']);
    expect(Math.abs(json.score - 42.38365628278778)).toBeLessThan(1e-6);
    expect(json.signature).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
  });
  it('takes several --ref files, a tokenizer and a smoothing method', async () => {
    const { code, out } = await nlpkit('bleu', '--hyp', hyp3, '--ref', ref3a, '--ref', ref3b, '--tokenize', 'intl', '--smooth', 'floor', '--json');
    expect(code).toBe(0);
    const expected = corpusBleu(hyps, [refsA, refsB], { tokenize: 'intl', smoothMethod: 'floor' });
    expect(JSON.parse(out)).toEqual({ score: expected.score, signature: expected.signature });
    expect(expected.signature).toBe('nrefs:2|case:mixed|eff:no|tok:intl|smooth:floor[0.10]|version:2.6.0');
  });
  it('prints sacreBLEU\'s text line without --json, and rounds with --width', async () => {
    const text = await nlpkit('bleu', '--hyp', hyp, '--ref', ref);
    expect(text.out).toBe(
      'BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 42.38 85.7/66.7/40.0/25.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)\n',
    );
    const rounded = await nlpkit('bleu', '--hyp', hyp, '--ref', ref, '--json', '--width', '2');
    expect((JSON.parse(rounded.out) as { score: number }).score).toBe(42.38);
  });
  it('fails with one clear line when the files do not line up or an option is unknown', async () => {
    const short = file('short.txt', ['only one line']);
    const mismatch = await nlpkit('bleu', '--hyp', hyp3, '--ref', short, '--json');
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).toBe('');
    expect(mismatch.err).toContain('has 1 lines but');
    const badTok = await nlpkit('bleu', '--hyp', hyp, '--ref', ref, '--tokenize', 'moses');
    expect(badTok.code).not.toBe(0);
    expect(badTok.err).toContain('expected one of none, 13a, intl, char');
    const noRef = await nlpkit('bleu', '--hyp', hyp);
    expect(noRef.code).not.toBe(0);
    expect(noRef.err).toContain('--ref');
    const missing = await nlpkit('bleu', '--hyp', join(dir, 'absent.txt'), '--ref', ref);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('absent.txt');
  });
});

describe('nlpkit chrf', () => {
  it('prints chrF2 as sacreBLEU does', async () => {
    const { code, out } = await nlpkit('chrf', '--hyp', hyp, '--ref', ref, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { score: number; signature: string };
    expect(Math.abs(json.score - 49.6485170311433)).toBeLessThan(1e-6);
    expect(json.signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
  });
  it('computes chrF++ with --word-order 2 over several references', async () => {
    const { out } = await nlpkit('chrf', '--hyp', hyp3, '--ref', ref3a, '--ref', ref3b, '--word-order', '2', '--json');
    const expected = corpusChrf(hyps, [refsA, refsB], { wordOrder: 2 });
    expect(JSON.parse(out)).toEqual({ score: expected.score, signature: expected.signature });
    const text = await nlpkit('chrf', '--hyp', hyp3, '--ref', ref3a, '--word-order', '2');
    expect(text.out).toMatch(/^chrF2\+\+\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:2\|space:no\|version:2\.6\.0 = \d+\.\d\d\n$/);
  });
});

describe('nlpkit entity-f1', () => {
  const gold = file('gold.txt', ['B-PER I-PER O B-LOC', 'O B-ORG']);
  const pred = file('pred.txt', ['B-PER I-PER O B-ORG', 'O I-ORG']);
  it('prints micro precision/recall/f1 and per-type results (default mode)', async () => {
    const { code, out } = await nlpkit('entity-f1', '--gold', gold, '--pred', pred, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    // Gold: PER, LOC, ORG. Predicted: PER, ORG(0..1 of line 1), and the lenient mode reads "O I-ORG" as an
    // ORG entity, which matches gold's ORG: 2 of 3 predictions right, 2 of 3 gold entities found.
    expect(json.precision).toBeCloseTo(2 / 3, 12);
    expect(json.recall).toBeCloseTo(2 / 3, 12);
    expect(json.f1).toBeCloseTo(2 / 3, 12);
    expect(json.types.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(json.types.LOC).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(json.types.ORG).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    expect(json.mode).toBe('default');
  });
  it('strict mode with IOB2 rejects the I- that starts no entity', async () => {
    const { out } = await nlpkit('entity-f1', '--gold', gold, '--pred', pred, '--mode', 'strict', '--scheme', 'IOB2', '--json');
    const json = JSON.parse(out);
    expect(json.precision).toBeCloseTo(1 / 2, 12);
    expect(json.recall).toBeCloseTo(1 / 3, 12);
    expect(json.scheme).toBe('IOB2');
  });
  it('prints seqeval\'s text report without --json', async () => {
    const { out } = await nlpkit('entity-f1', '--gold', gold, '--pred', pred);
    expect(out.split('\n')[0]).toBe('              precision    recall  f1-score   support');
    expect(out).toContain('   micro avg       0.67      0.67      0.67         3');
  });
  it('rejects an unknown scheme and mismatched files with a clear message', async () => {
    const bad = await nlpkit('entity-f1', '--gold', gold, '--pred', pred, '--mode', 'strict', '--scheme', 'IOB3');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('expected one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU');
    const short = file('short-tags.txt', ['O O O O']);
    const mismatch = await nlpkit('entity-f1', '--gold', gold, '--pred', short);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toContain('has 1 lines but');
  });
});

describe('nlpkit ter', () => {
  it('prints TER and sacreBLEU\'s TER signature', async () => {
    const h = file('ter-hyp.txt', ['we have to go home now']);
    const r = file('ter-ref.txt', ['now we have to go home']);
    const { code, out } = await nlpkit('ter', '--hyp', h, '--ref', r, '--json');
    expect(code).toBe(0);
    // One shift over six reference words; sacreBLEU computes 100 * (1 / 6).
    expect(JSON.parse(out)).toEqual({ score: 100 * (1 / 6), signature: 'nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0' });
    const text = await nlpkit('ter', '--hyp', h, '--ref', r, '--no-punct', '--case-sensitive');
    expect(text.out).toBe('TER|nrefs:1|case:mixed|tok:tercom|norm:no|punct:no|asian:no|version:2.6.0 = 16.67\n');
  });
});

describe.each([
  ['bleu', ['--hyp', hyp, '--ref', ref, '--max-order', '0'], 'expected an integer ≥ 1, got "0"'],
  ['chrf', ['--hyp', hyp, '--ref', ref, '--beta', 'x'], 'expected a number, got "x"'],
  ['ter', ['--hyp', hyp], "required option '--ref <file>' not specified"],
  ['entity-f1', ['--gold', hyp, '--pred', hyp, '--mode', 'lenient'], 'expected one of default, strict'],
])('nlpkit %s (help and usage)', (command, badArgs, message) => {
  it('has --help', async () => {
    const { code, out } = await nlpkit(command, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: nlpkit ${command} [options]`);
  });
  it('a bad or missing option is a usage error: exit 2, nothing on stdout', async () => {
    const { code, out, err } = await nlpkit(command, ...badArgs);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(message);
  });
});
