import { check } from './errors.js';
import { codePoints, pySplit, pyStrip } from './pythonText.js';

/** The BLEU tokenizers this package implements, by their sacreBLEU names. */
export const BLEU_TOKENIZERS = ['none', '13a', 'intl', 'char', 'zh'] as const;

/** A BLEU tokenizer name as sacreBLEU spells it (and prints in the signature). */
export type BleuTokenizerName = (typeof BLEU_TOKENIZERS)[number];

// mteval-v13a's language-dependent part, as sacreBLEU writes it: pad ASCII punctuation and symbols, split
// period and comma unless they sit next to a digit, and split a dash that follows a digit.
const RE_13A_SYMBOLS = /([{-~[-`\x20-&(-+:-@/])/g;
const RE_13A_PERIOD_AFTER = /([^0-9])([.,])/g;
const RE_13A_PERIOD_BEFORE = /([.,])([^0-9])/g;
const RE_13A_DASH = /([0-9])(-)/g;

// mteval-v14's international tokenization: punctuation (general category P) is split off unless it sits
// between digits (category N), and every symbol (category S) is split off. sacreBLEU uses exactly these three
// Unicode property classes; the `u` flag makes JavaScript match them by code point, as Python's `regex` does.
const RE_INTL_PUNCT_AFTER = /(\P{N})(\p{P})/gu;
const RE_INTL_PUNCT_BEFORE = /(\p{P})(\P{N})/gu;
const RE_INTL_SYMBOL = /(\p{S})/gu;

/** Collapses whitespace the way sacreBLEU does after tokenizing: single spaces, none at either end. */
function squeeze(line: string): string {
  return pySplit(line).join(' ');
}

/**
 * The `13a` tokenizer (mteval-v13a.pl, sacreBLEU's default): unescapes a few XML entities, then separates
 * punctuation and symbols from words.
 */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    text = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  text = ` ${text} `
    .replace(RE_13A_SYMBOLS, ' $1 ')
    .replace(RE_13A_PERIOD_AFTER, '$1 $2 ')
    .replace(RE_13A_PERIOD_BEFORE, ' $1 $2')
    .replace(RE_13A_DASH, '$1 $2 ');
  return squeeze(text);
}

/**
 * The `intl` tokenizer (mteval-v14.pl `--international-tokenization`): splits Unicode punctuation unless it is
 * between digits, and all Unicode symbols. Like the Perl original, a number followed by a sentence-final period
 * keeps the period attached (sacreBLEU keeps that quirk for comparability).
 */
export function tokenizeIntl(line: string): string {
  const text = line
    .replace(RE_INTL_PUNCT_AFTER, '$1 $2 ')
    .replace(RE_INTL_PUNCT_BEFORE, ' $1 $2')
    .replace(RE_INTL_SYMBOL, ' $1 ');
  return squeeze(text);
}

/** The `char` tokenizer: every code point becomes a token (whitespace disappears when tokens are split). */
export function tokenizeChar(line: string): string {
  return codePoints(line).join(' ');
}

// Code point ranges that sacreBLEU's `zh` tokenizer treats as Chinese characters. Two of its ranges are written
// as '\u20000'–'\u2a6d6' and '\u2f800'–'\u2fa1d', which Python reads as two-character strings; compared with
// one character they select U+2001–U+2A6D and U+2F81–U+2FA1 (general punctuation such as — and ’ included, the
// astral CJK extensions excluded). We reproduce what the code does, not what its comments say.
const ZH_RANGES: readonly (readonly [number, number])[] = [
  [0x3400, 0x4db5], [0x4e00, 0x9fa5], [0x9fa6, 0x9fbb], [0xf900, 0xfa2d], [0xfa30, 0xfa6a], [0xfa70, 0xfad9],
  [0x2001, 0x2a6d], [0x2f81, 0x2fa1], [0xff00, 0xffef], [0x2e80, 0x2eff], [0x3000, 0x303f], [0x31c0, 0x31ef],
  [0x2f00, 0x2fdf], [0x2ff0, 0x2fff], [0x3100, 0x312f], [0x31a0, 0x31bf], [0xfe10, 0xfe1f], [0xfe30, 0xfe4f],
  [0x2600, 0x26ff], [0x2700, 0x27bf], [0x3200, 0x32ff], [0x3300, 0x33ff],
];

function isZhChar(code: number): boolean {
  for (const [lo, hi] of ZH_RANGES) if (code >= lo && code <= hi) return true;
  return false;
}

/**
 * The `zh` tokenizer (sacreBLEU's default for Chinese): every Chinese character becomes a token, and the rest
 * goes through 13a's punctuation rules (without 13a's entity unescaping and padding, as in sacreBLEU).
 */
export function tokenizeZh(line: string): string {
  let text = '';
  for (const char of pyStrip(line)) {
    text += isZhChar(char.codePointAt(0) as number) ? ` ${char} ` : char;
  }
  text = text
    .replace(RE_13A_SYMBOLS, ' $1 ')
    .replace(RE_13A_PERIOD_AFTER, '$1 $2 ')
    .replace(RE_13A_PERIOD_BEFORE, ' $1 $2')
    .replace(RE_13A_DASH, '$1 $2 ');
  return squeeze(text);
}

/** Tokenizes one line with the named BLEU tokenizer; `none` returns the line unchanged. */
export function tokenizeBleu(line: string, tokenizer: BleuTokenizerName = '13a'): string {
  check.string(line, 'line');
  switch (check.oneOf(tokenizer, 'tokenizer', BLEU_TOKENIZERS)) {
    case 'none':
      return line;
    case '13a':
      return tokenize13a(line);
    case 'intl':
      return tokenizeIntl(line);
    case 'char':
      return tokenizeChar(line);
    case 'zh':
      return tokenizeZh(line);
  }
}
