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
});
