import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@nlpkit/core';
import { referenceData } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { mosesDetokenize } from './mosesDetokenize.js';
import { mosesEscape, mosesUnescape } from './mosesEscape.js';
import { mosesNormalizePunctuation } from './mosesNormalizePunctuation.js';
import { mosesTokenize } from './mosesTokenize.js';

describe('mosesTokenize', () => {
  it('splits punctuation and English clitics, escaping as Moses does', () => {
    expect(mosesTokenize("The kid's toys cost $5.50, don't they?")).toEqual([
      'The', 'kid', '&apos;s', 'toys', 'cost', '$', '5.50', ',', 'don', '&apos;t', 'they', '?',
    ]);
    expect(mosesTokenize('a "quote" & <tag> | [x]').join(' ')).toBe(
      'a &quot; quote &quot; &amp; &lt; tag &gt; &#124; &#91; x &#93;',
    );
  });

  it('keeps numbers, abbreviations with periods, prefixes and runs of periods together', () => {
    expect(mosesTokenize('It costs 1,000.5 in the U.S. Mr. Smith said... really.').join(' ')).toBe(
      'It costs 1,000.5 in the U.S. Mr. Smith said ... really .',
    );
    expect(mosesTokenize('He left. She stayed.').join(' ')).toBe('He left . She stayed .');
    expect(mosesTokenize('see pp. 5 and No. 5, not No. More', { numericOnlyPrefixes: ['No', 'pp'] }).join(' ')).toBe(
      'see pp. 5 and No. 5 , not No . More',
    );
    expect(mosesTokenize('not No. more').join(' ')).toBe('not No. more');
    expect(mosesTokenize('Dr. No', { nonbreakingPrefixes: [] }).join(' ')).toBe('Dr . No');
  });

  it('splits by language: French elisions, other languages on both sides, German ordinals', () => {
    expect(mosesTokenize("l'homme", { language: 'fr' })).toEqual(['l&apos;', 'homme']);
    expect(mosesTokenize("geht's", { language: 'de' })).toEqual(['geht', '&apos;', 's']);
    expect(mosesTokenize('am 3. Mai', { language: 'de' })).toEqual(['am', '3.', 'Mai']);
    expect(mosesTokenize('am 3. Mai', { language: 'en' })).toEqual(['am', '3', '.', 'Mai']);
  });

  it('splits hyphens only when asked, and escapes only when asked', () => {
    expect(mosesTokenize('a well-known fact')).toEqual(['a', 'well-known', 'fact']);
    expect(mosesTokenize('a well-known fact', { aggressiveDashSplits: true })).toEqual(['a', 'well', '@-@', 'known', 'fact']);
    expect(mosesTokenize("it's", { escape: false })).toEqual(['it', "'s"]);
  });

  it('gives no tokens for blank lines and drops control characters', () => {
    expect(mosesTokenize('  \t ')).toEqual([]);
    expect(mosesTokenize('a\u0007b\u00a0c')).toEqual(['ab', 'c']);
  });

  it('rejects bad arguments with typed errors naming them', () => {
    expect(() => mosesTokenize(5 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => mosesTokenize('a', { lang: 'de' } as never)).toThrow(/options/);
    expect(() => mosesTokenize('a', { nonbreakingPrefixes: 'Mr' as never })).toThrow(/options\.nonbreakingPrefixes must be an iterable of strings/);
    expect(() => mosesTokenize('a', { nonbreakingPrefixes: ['Mr', 3 as never] })).toThrow(/options\.nonbreakingPrefixes\[1\]/);
  });
});

describe('mosesNormalizePunctuation', () => {
  it('maps typographic punctuation to ASCII and fixes spacing', () => {
    expect(mosesNormalizePunctuation('„Hallo“ – sagte er…', { language: 'de' })).toBe('"Hallo" - sagte er...');
    expect(mosesNormalizePunctuation('a ( b ) , c : d 50 %')).toBe('a (b), c: d 50%');
    expect(mosesNormalizePunctuation('«\u00a0oui\u00a0»', { language: 'fr' })).toBe('"oui"');
    expect(mosesNormalizePunctuation('« oui »', { language: 'fr' })).toBe('" oui "');
  });

  it('puts sentence punctuation on the language side of a closing quote, also at the end of the line', () => {
    expect(mosesNormalizePunctuation('he said "yes".')).toBe('he said "yes."');
    expect(mosesNormalizePunctuation('er sagte "ja."', { language: 'de' })).toBe('er sagte "ja".');
    expect(mosesNormalizePunctuation('er sagte "ja."\n', { language: 'de' })).toBe('er sagte "ja".\n');
  });

  it('joins digit groups by language', () => {
    expect(mosesNormalizePunctuation('1 000')).toBe('1.000');
    expect(mosesNormalizePunctuation('1 000', { language: 'de' })).toBe('1,000');
  });
});

describe('mosesDetokenize', () => {
  it('undoes tokenization: punctuation, clitics, quotes, brackets and currency', () => {
    expect(mosesDetokenize('The kid &apos;s toys cost $ 5.50 , don &apos;t they ?')).toBe("The kid's toys cost $5.50, don't they?");
    expect(mosesDetokenize(['he', 'said', '&quot;', 'yes', '&quot;', '(', 'twice', ')', '.'])).toBe('he said "yes" (twice).');
    expect(mosesDetokenize('the dogs &apos; bowls')).toBe("the dogs' bowls");
    expect(mosesDetokenize('a well @-@ known fact')).toBe('a well-known fact');
    expect(mosesDetokenize('l&apos; homme', { language: 'fr' })).toBe("l'homme");
    expect(mosesDetokenize('vraiment ?', { language: 'fr' })).toBe('vraiment ?');
    expect(mosesDetokenize('a man .', { uppercaseFirst: true })).toBe('A man.');
  });

  it('round-trips tokenized text for typical sentences', () => {
    for (const line of ["A man's hat (blue) costs $5.", 'Two dogs, three cats: all "friends".']) {
      expect(mosesDetokenize(mosesTokenize(line))).toBe(line);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => mosesDetokenize(['a', 1 as never])).toThrow(/tokens\[1\]/);
    expect(() => mosesDetokenize('a', { upper: true } as never)).toThrow(/options/);
  });
});

describe('mosesEscape', () => {
  it('escapes and unescapes every reserved character', () => {
    const text = `& | < > ' " [ ]`;
    expect(mosesEscape(text)).toBe('&amp; &#124; &lt; &gt; &apos; &quot; &#91; &#93;');
    expect(mosesUnescape(mosesEscape(text))).toBe(text);
    expect(mosesUnescape('&amp;lt;')).toBe('&lt;');
  });
});

const FILES = ['train', 'val', 'test_2016_flickr'].flatMap((split) => (['de', 'en'] as const).map((lang) => ({ split, lang })));
const multi30k = referenceData(
  ...FILES.flatMap(({ split, lang }) => [`multi30k/raw/${split}.${lang}`, `multi30k/tok/${split}.lc.norm.tok.${lang}`]),
);

describe('the Multi30k pipeline (lowercase | normalize-punctuation.perl | tokenizer.perl) on its own files', multi30k.options, () => {
  it.each(FILES)('reproduces tok/$split.lc.norm.tok.$lang from raw/ token for token, every line', ({ split, lang }) => {
    const raw = readFileSync(multi30k.path(`multi30k/raw/${split}.${lang}`), 'utf8').split('\n');
    const tok = readFileSync(multi30k.path(`multi30k/tok/${split}.lc.norm.tok.${lang}`), 'utf8').split('\n');
    if (tok.at(-1) === '') tok.pop();
    expect(tok.length).toBeGreaterThan(999);
    const differing: string[] = [];
    tok.forEach((expected, i) => {
      const mine = mosesTokenize(mosesNormalizePunctuation(raw[i]!.toLowerCase(), { language: lang }), { language: lang });
      // Moses leaves a double and a trailing space after a final `.'`; tokens are what count.
      if (mine.join(' ') !== expected.split(' ').filter((t) => t !== '').join(' ')) differing.push(`${i + 1}: ${expected}`);
    });
    expect(differing).toEqual([]);
  });
});
