import { describe, expect, it } from 'vitest';
import { pyFixed, pyRemoveWhitespace, pyRstrip, pySplit } from './pythonText.js';
import { bleuSignature } from './bleu.js';

describe('Python string semantics that the scores depend on', () => {
  it('splits on Python\'s whitespace set, not JavaScript\'s', () => {
    // U+001C..U+001F and U+0085 are whitespace to Python's str.split(); U+FEFF and U+200B are not.
    expect(pySplit('\u001ca\u001fb\u0085c\u3000d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(pySplit('a\ufeffb\u200bc')).toEqual(['a\ufeffb\u200bc']);
    expect(pySplit('   ')).toEqual([]);
    expect(pyRstrip('a b \u0085\t')).toBe('a b');
    expect(pyRemoveWhitespace(' a b\u00a0c ')).toBe('abc');
  });
  it('formats like f"{x:.Nf}": exact binary ties round half to even', () => {
    expect(pyFixed(0.125, 2)).toBe('0.12'); // toFixed gives 0.13
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(-0.125, 2)).toBe('-0.12');
    expect(pyFixed(2.675, 2)).toBe('2.67'); // not a tie: the double is just below 2.675
    expect(pyFixed(35.53291143875589, 2)).toBe('35.53');
  });
  it('prints sacreBLEU\'s short signature keys', () => {
    expect(bleuSignature({ signature: { short: true } })).toBe('#:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0');
    expect(bleuSignature({ smoothMethod: 'add-k', smoothValue: 0.125 }, 'var')).toBe(
      'nrefs:var|case:mixed|eff:no|tok:13a|smooth:add-k[0.12]|version:2.6.0',
    );
  });
});
