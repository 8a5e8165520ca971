import fc from 'fast-check';

/** Cases per fuzz property in CI (issue 13). */
export const FUZZ_RUNS = 10_000;
/** Fixed seed, so CI is reproducible; a failure prints the path to replay it. */
export const FUZZ_SEED = 13;

/** Characters that stress tokenizers: marks, ZWJ, flags, CR LF, Unicode spaces, quotes, dots, digits, URL bits. */
const TRICKY = [
  'a', 'Z', 'é', 'e\u0301', '\u0301', '\u200d', '\ufe0f', '👩', '👩‍👩‍👧', '🇫', '🇷', '🏽', '中', 'ß', '٣', '1', '0',
  ' ', '  ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u3000', '\u2028', '\u0085', '\u001c', '\uFEFF', '\u0000',
  '.', '...', ',', ';', ':', '!', '?', '…', '"', "'", '`', '``', "''", '’', '(', ')', '[', '«', '»', '-', '--', '/',
  '@', '://', 'www.', 'http', "n't", "'s", 'Mr.', 'U.S.', '$', '%', '&', '#', '€', '\u0600', '\u0915\u094d',
];

/** Well-formed strings built from {@link TRICKY} pieces and arbitrary graphemes. */
export const trickyText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...TRICKY), { maxLength: 24 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
);

/** Any string of UTF-16 units, lone surrogates included. */
export const anyUnits: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff)), { maxLength: 16 })
  .map((units) => String.fromCharCode(...units));

/** `String.prototype.isWellFormed` (ES2024, native in Node 20; the library target is older). */
export const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
