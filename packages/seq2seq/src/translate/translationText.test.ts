import { describe, expect, it } from 'vitest';
import { Seq2seqOptionError } from '../errors.js';
import { translationText } from './translationText.js';

describe('translationText', () => {
  it('moses-lc: lowercases, normalizes and tokenizes the source; detokenizes the target', () => {
    const p = translationText({ tokenization: 'moses-lc', sourceLanguage: 'de', targetLanguage: 'en' });
    expect(p.source('Ein Mann sagt: „Hallo!“')).toEqual(['ein', 'mann', 'sagt', ':', '&quot;', 'hallo', '!', '&quot;']);
    expect(p.target(['a', 'man', '&apos;s', 'dog', 'runs', '.'])).toBe("a man's dog runs.");
    expect(p.description).toMatch(/Moses normalize\/tokenize \(de\) in, Moses detokenize \(en\) out/);
  });

  it('none (also when meta says nothing), or tokenized: whitespace tokens in, tokens joined by spaces out', () => {
    for (const p of [translationText({}), translationText({ tokenization: 'none' }), translationText({ tokenization: 'moses-lc' }, { tokenized: true }), translationText({ tokenization: 'sentencepiece' }, { tokenized: true })]) {
      expect(p.source('  a  b c ')).toEqual(['a', 'b', 'c']);
      expect(p.target(['x', '&apos;s'])).toBe('x &apos;s');
    }
  });

  it('refuses a tokenization it does not know (without tokenized), naming it, and unknown options', () => {
    expect(() => translationText({ tokenization: 'sentencepiece' })).toThrow(Seq2seqOptionError);
    expect(() => translationText({ tokenization: 'sentencepiece' })).toThrow(/meta\.tokenization.*moses-lc, none.*"sentencepiece"/s);
    expect(() => translationText({}, { tokenize: true } as never)).toThrow(/options\.tokenize/);
  });
});
