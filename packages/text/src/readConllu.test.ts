import { FormatError, collect } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { readLines } from './node.js';
import { readConllu } from './readConllu.js';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);

describe('readConllu', () => {
  it('reads words, features, heads, multiword tokens and comments; skips empty nodes', async () => {
    const [first, second] = await collect(readConllu(readLines(fixture('sample.conllu'))));
    expect(first?.meta).toEqual({ sent_id: 'fr-1', text: 'Le chat du voisin dort.' });
    expect(first?.tokens.map((t) => t.form)).toEqual(['Le', 'chat', 'de', 'le', 'voisin', 'dort', '.']);
    expect(first?.multiwords).toEqual([{ start: 3, end: 4, form: 'du' }]);
    expect(first?.tokens[0]?.feats).toEqual({ Definite: 'Def', Gender: 'Masc', Number: 'Sing' });
    expect(first?.tokens[5]).toMatchObject({ lemma: 'dormir', head: 0, deprel: 'root', misc: 'SpaceAfter=No' });
    expect(second?.meta).toEqual({ sent_id: 'fr-2', newdoc: '' });
    expect(second?.tokens.map((t) => t.id)).toEqual([1, 2]);
  });

  it('rejects lines without ten fields', async () => {
    await expect(collect(readConllu(['1\tx']))).rejects.toThrow(FormatError);
  });

  const row = (id: string, head = '0', feats = '_') => `${id}\tw\tw\tX\t_\t${feats}\t${head}\tdep\t_\t_`;
  const read = (lines: string[]) => [...readConllu(lines)];

  it('issue 13: IDs must run 1, 2, 3… and HEADs point inside the sentence (FormatError with the line)', () => {
    expect(read([row('1'), row('2', '1'), '', row('1')]).map((s) => s.tokens.length)).toEqual([2, 1]);
    expect(() => read([row('1'), row('3')])).toThrow(expect.objectContaining({ code: 'ERR_FORMAT', line: 2 }));
    expect(() => read([row('0')])).toThrow(expect.objectContaining({ line: 1 }));
    expect(() => read([row('1'), row('2', '7')])).toThrow(expect.objectContaining({ line: 2, message: expect.stringContaining('HEAD 7') }));
    expect(() => read([row('1', '9'.repeat(400))])).toThrow(expect.objectContaining({ line: 1 }));
    expect(() => read([row('2-1')])).toThrow(FormatError);
    expect(() => read([row('1-2'), row('1')])).toThrow(expect.objectContaining({ message: expect.stringContaining('multiword token 1-2') }));
    expect(() => read([row('1'), row('1.x')])).toThrow(FormatError);
  });

  it('issue 13: quotes a megabyte-long bad field in a short message', () => {
    expect(() => read([row('1'.repeat(1_000_000))])).toThrow(expect.objectContaining({ message: expect.stringMatching(/\(1000000 characters\)/) }));
    const message = (() => {
      try {
        read([row('x'.repeat(1_000_000))]);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message.length).toBeLessThan(300);
  });

  it('issue 13: a feature or comment named __proto__ is kept as data (null-prototype objects)', () => {
    const [s] = read(['# __proto__ = x', row('1', '0', '__proto__=Yes|constructor=No')]);
    expect(s?.tokens[0]?.feats['__proto__']).toBe('Yes');
    expect(Object.keys(s?.tokens[0]?.feats ?? {})).toEqual(['__proto__', 'constructor']);
    expect(s?.meta['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(s?.meta)).toBe(null);
  });
});
