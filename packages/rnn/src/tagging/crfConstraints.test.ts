import { FormatError, UnknownNameError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { checkTagSequence, crfConstraints } from './crfConstraints.js';

const IOB2 = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const IOBES = ['O', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'B-LOC', 'E-LOC'];

/** The allowed (from → to) pairs by tag name, for readable expectations. */
function pairs(tags: string[], scheme: string): string[] {
  const c = crfConstraints(tags, scheme as never);
  const out: string[] = [];
  tags.forEach((a, i) => tags.forEach((b, j) => {
    if (c.transitions[i * tags.length + j] === 1) out.push(`${a}>${b}`);
  }));
  return out;
}

describe('crfConstraints', () => {
  it('IOB2 (and its alias BIO): I-X only after B-X or I-X, never at the start; any tag may end', () => {
    const c = crfConstraints(IOB2, 'BIO');
    expect(c.scheme).toBe('IOB2');
    expect(Array.from(c.start)).toEqual([1, 1, 0, 1, 0]);
    expect(Array.from(c.end)).toEqual([1, 1, 1, 1, 1]);
    const allowed = pairs(IOB2, 'IOB2');
    expect(allowed).toContain('B-PER>I-PER');
    expect(allowed).toContain('I-PER>I-PER');
    expect(allowed).toContain('I-PER>B-PER');
    expect(allowed).not.toContain('O>I-PER');
    expect(allowed).not.toContain('B-LOC>I-PER');
    expect(allowed).not.toContain('I-LOC>I-PER');
    expect(allowed).toHaveLength(5 * 3 + 2 * 2);
  });

  it('IOBES (BIOES, BILOU): an entity opened by B- must go on with I- or close with E- of its label', () => {
    const c = crfConstraints(IOBES, 'BIOES');
    expect(Array.from(c.start)).toEqual([1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(c.end)).toEqual([1, 0, 0, 1, 1, 0, 1]);
    const allowed = pairs(IOBES, 'IOBES');
    expect(allowed.filter((p) => p.startsWith('B-PER>'))).toEqual(['B-PER>I-PER', 'B-PER>E-PER']);
    expect(allowed.filter((p) => p.startsWith('E-PER>'))).toEqual(['E-PER>O', 'E-PER>B-PER', 'E-PER>S-PER', 'E-PER>B-LOC']);
    const bilou = crfConstraints(['O', 'B-X', 'I-X', 'L-X', 'U-X'], 'BILOU');
    const iobes = crfConstraints(['O', 'B-X', 'I-X', 'E-X', 'S-X'], 'IOBES');
    expect([bilou.transitions, bilou.start, bilou.end]).toEqual([iobes.transitions, iobes.start, iobes.end]);
  });

  it('IOB1, IOE1 and IOE2', () => {
    expect(pairs(['O', 'I-X', 'B-X'], 'IOB1')).toEqual(['O>O', 'O>I-X', 'I-X>O', 'I-X>I-X', 'I-X>B-X', 'B-X>O', 'B-X>I-X', 'B-X>B-X']);
    expect(Array.from(crfConstraints(['O', 'I-X', 'B-X'], 'IOB1').start)).toEqual([1, 1, 0]);
    expect(pairs(['O', 'I-X', 'E-X'], 'IOE2')).toEqual(['O>O', 'O>I-X', 'O>E-X', 'I-X>I-X', 'I-X>E-X', 'E-X>O', 'E-X>I-X', 'E-X>E-X']);
    expect(Array.from(crfConstraints(['O', 'I-X', 'E-X'], 'IOE2').end)).toEqual([1, 0, 1]);
    expect(pairs(['O', 'I-X', 'E-X'], 'IOE1')).toEqual(['O>O', 'O>I-X', 'O>E-X', 'I-X>O', 'I-X>I-X', 'I-X>E-X', 'E-X>I-X']);
  });

  it('refuses tags outside the scheme and unknown schemes, naming them', () => {
    expect(() => crfConstraints(['O', 'S-PER'], 'IOB2')).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/rnn: tags[1] must be "O" or a tag starting with B-, I- (scheme IOB2), got "S-PER"]`,
    );
    expect(() => crfConstraints(['O', 'PER'], 'IOB2')).toThrow(FormatError);
    expect(() => crfConstraints(['O', 'B-'], 'IOB2')).toThrow(FormatError);
    expect(() => crfConstraints(['O'], 'XYZ' as never)).toThrow(UnknownNameError);
  });

  it('checkTagSequence names the first forbidden tag of a sequence', () => {
    const c = crfConstraints(IOB2, 'IOB2');
    expect(() => checkTagSequence([0, 1, 2, 0, 3], c, IOB2, 'train[0].tags')).not.toThrow();
    expect(() => checkTagSequence([0, 1, 4], c, IOB2, 'train[7].tags')).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/rnn: train[7].tags[2] must be a tag that may follow B-PER in IOB2, got "I-LOC"]`,
    );
    expect(() => checkTagSequence([2], c, IOB2, 'tags')).toThrow(/tags\[0\] must be a tag that may start a sentence in IOB2/);
    const e = crfConstraints(IOBES, 'IOBES');
    expect(() => checkTagSequence([1, 2], e, IOBES, 'tags')).toThrow(/tags\[1\] must be a tag that may end a sentence in IOBES, got "I-PER"/);
  });
});
