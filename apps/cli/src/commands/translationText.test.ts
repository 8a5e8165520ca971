import { describe, expect, it } from 'vitest';
import { textPipeline } from './translationText.js';

describe('textPipeline', () => {
  it('moses-lc: lowercases, normalizes and tokenizes the source; detokenizes the target', async () => {
    const p = await textPipeline({ tokenization: 'moses-lc', sourceLanguage: 'de', targetLanguage: 'en' }, false);
    expect(p.source('Ein Mann sagt: „Hallo!“')).toEqual(['ein', 'mann', 'sagt', ':', '&quot;', 'hallo', '!', '&quot;']);
    expect(p.target(['a', 'man', '&apos;s', 'dog', 'runs', '.'])).toBe("a man's dog runs.");
  });

  it('none, or --tokenized: whitespace tokens in, tokens joined by spaces out', async () => {
    for (const p of [await textPipeline({}, false), await textPipeline({ tokenization: 'moses-lc' }, true)]) {
      expect(p.source('  a  b c ')).toEqual(['a', 'b', 'c']);
      expect(p.target(['x', '&apos;s'])).toBe('x &apos;s');
    }
  });

  it('refuses a tokenization it does not know', async () => {
    await expect(textPipeline({ tokenization: 'sentencepiece' }, false)).rejects.toThrow(/tokenization "sentencepiece" is not one this CLI knows/);
  });
});
