import { NlpkitError, type Token } from '@nlpkit/core';
import { checkText, PKG } from './errors.js';

/**
 * A Penn Treebank token. `text`, `start` and `end` describe the original characters (so
 * `input.slice(start, end) === text` holds, as for every tokenizer here); `form` is the token as the Treebank
 * writes it, which differs only for double quotes: `"` becomes ` `` ` (opening) or `''` (closing).
 */
export interface TreebankToken extends Token {
  /** The token in Treebank spelling, identical to NLTK's `TreebankWordTokenizer().tokenize(...)` output. */
  readonly form: string;
}

// Whitespace exactly as Python's str.isspace / re's \s sees it: the golden fixture comes from NLTK on Python.
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
// Python's \b on str patterns: a word character is a letter, a number or '_'.
const B_BEFORE = '(?<![\\p{L}\\p{N}_])';
const B_AFTER = '(?![\\p{L}\\p{N}_])';

type Rule = readonly [RegExp, string] | ((s: string) => string);

function rule(source: string, replacement: string, flags = 'gu'): Rule {
  return [new RegExp(source, flags), replacement];
}

function contraction(a: string, b: string, after = B_AFTER): Rule {
  return rule(`${B_BEFORE}(${a})(${b})${after}`, ' $1 $2 ', 'giu');
}

/**
 * The Treebank rewriting rules, in the order the original sed script applies them. Each rule inserts spaces
 * around what becomes a token; quotes are also rewritten. (`String.prototype.replace` resets `lastIndex`, so
 * sharing these global regexes between calls is safe.)
 */
const RULES: readonly Rule[] = [
    // Starting quotes.
    rule('^"', '``', 'u'),
    rule('(``)', ' $1 '),
    rule('([ (\\[{<])("|\'{2})', '$1 `` '),
    // Punctuation. Python's $ also matches before a final newline, hence (?=\n?$).
    rule('([:,])([^\\p{Nd}])', ' $1 $2'),
    rule('([:,])(?=\\n?$)', ' $1 '),
    rule('\\.\\.\\.', ' ... '),
    rule('[;@#$%&]', ' $& '),
    // `([^.])(\.)([\])}>"']*)[WS]*$` → '$1 $2$3 ', as a backward scan (the pattern's runs overflow V8's
    // regex stack on millions of spaces).
    finalPeriod,
    rule('[?!]', ' $& '),
    rule("([^'])' ", "$1 ' "),
    // Parentheses and brackets, then double dashes.
    rule('[\\][(){}<>]', ' $& '),
  rule('--', ' -- '),
];

/** Rules applied after the text is padded with a space on each side. */
const ENDING_RULES: readonly Rule[] = [
    rule("''", " '' "),
    rule('"', " '' "),
    rule("([^' ])('[sS]|'[mM]|'[dD]|') ", '$1 $2 '),
    rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", '$1 $2 '),
    contraction('can', 'not'),
    contraction('d', "'ye"),
    contraction('gim', 'me'),
    contraction('gon', 'na'),
    contraction('got', 'ta'),
    contraction('lem', 'me'),
    contraction('more', "'n"),
    contraction('wan', 'na', `(?=[${WS}])`),
    rule(" ('t)(is)" + B_AFTER, ' $1 $2 ', 'giu'),
  rule(" ('t)(was)" + B_AFTER, ' $1 $2 ', 'giu'),
];

const SPACE_RE = new RegExp(`[${WS}]`, 'u');
const CLOSERS = '])}>"\'';

/** Python's str.isspace for one UTF-16 unit (all such characters are in the BMP). */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return SPACE_RE.test(String.fromCharCode(c));
}

/** `s.split(/[WS]+/u)` without empty strings, in one pass. */
function splitSpaces(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** The final-period rule: `X.` + closing brackets/quotes + spaces at the very end becomes `X .` + closers + ' '. */
function finalPeriod(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  let dot = end;
  while (dot > 0 && CLOSERS.includes(s.charAt(dot - 1))) dot--;
  dot--;
  if (dot < 1 || s.charCodeAt(dot) !== 0x2e || s.charCodeAt(dot - 1) === 0x2e) return s;
  return `${s.slice(0, dot)} .${s.slice(dot + 1, end)} `;
}

/**
 * The Penn Treebank word tokenizer: splits contractions (`don't` → `do n't`, `they'll` → `they 'll`), separates
 * punctuation, splits commas and single quotes followed by whitespace and only the final period of the input,
 * and rewrites double quotes as ` `` ` / `''`. Token forms are identical to NLTK's
 * `TreebankWordTokenizer().tokenize(text)` (checked on a golden fixture with non-ASCII text); offsets are found by
 * aligning those forms with the input. Like NLTK's, it expects one sentence (or a few) per call: periods other
 * than the last one stay attached to their word.
 *
 * @param text the input; must be a well-formed string
 * @example
 * treebankTokenize('"They\'ll pay $3.88," she said.').map((t) => t.form)
 * // → ['``', 'They', "'ll", 'pay', '$', '3.88', ',', "''", 'she', 'said', '.']
 */
export function treebankTokenize(text: string): TreebankToken[] {
  checkText(text, 'text');
  let s = text;
  for (const r of RULES) s = typeof r === 'function' ? r(s) : s.replace(r[0], r[1]);
  s = ` ${s} `;
  for (const r of ENDING_RULES) s = typeof r === 'function' ? r(s) : s.replace(r[0], r[1]);
  const forms = splitSpaces(s);
  return align(text, forms);
}

/** Finds each form in the original text, in order; only whitespace and quote spellings may differ. */
function align(text: string, forms: readonly string[]): TreebankToken[] {
  const tokens: TreebankToken[] = [];
  let i = 0;
  for (const form of forms) {
    while (i < text.length && SPACE_RE.test(text[i] ?? '')) i++;
    let length = -1;
    if (text.startsWith(form, i)) {
      length = form.length;
    } else if (form === '``' || form === "''") {
      if (text.startsWith('"', i)) length = 1;
      else if (text.startsWith("''", i) || text.startsWith('``', i)) length = 2;
    }
    if (length < 0) {
      // Unreachable unless the rules above change: they only insert spaces and respell quotes.
      throw new NlpkitError('ERR_INTERNAL', { package: PKG, message: `treebankTokenize could not align token ${JSON.stringify(form)} at index ${i}` });
    }
    tokens.push({ text: text.slice(i, i + length), start: i, end: i + length, form });
    i += length;
  }
  return tokens;
}
