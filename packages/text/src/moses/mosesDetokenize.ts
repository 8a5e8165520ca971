import { check } from '../errors.js';
import { mosesUnescape } from './mosesEscape.js';

/** Options of {@link mosesDetokenize}. */
export interface MosesDetokenizeOptions {
  /**
   * Language code as Moses takes it: `en` joins clitics (`john 's` → `john's`) and a possessive `s '`; `fr`/`it`
   * join elisions (`l' homme` → `l'homme`) and put a space before `? ! : ; %` in French. Default `'en'`.
   */
  readonly language?: string;
  /** Upper-case the first letter of the line (Moses' `-u`). Default false. */
  readonly uppercaseFirst?: boolean;
}

const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const CJK_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]$/u;
const OPENING = /^[\p{Sc}([{¿¡]+$/u;
const CLOSING = /^[,.?!:;\\%}\])]+$/;
const QUOTES = /^['"„“`]+$/;

/**
 * Moses' `detokenizer.perl` for one tokenized line (a string of space-separated tokens, or the tokens): undoes
 * ` @-@ ` splits and Moses' escapes, attaches closing punctuation to the left and opening brackets and currency to
 * the right, pairs quotes (the first of a pair attaches right, the second left), joins English clitics, French and
 * Italian elisions, and keeps CJK runs unspaced.
 *
 * @example
 * mosesDetokenize('the kid &apos;s toys cost $ 5.50 , don &apos;t they ?'); // "the kid's toys cost $5.50, don't they?"
 */
export function mosesDetokenize(tokens: string | readonly string[], options: MosesDetokenizeOptions = {}): string {
  check.options(options, 'options', ['language', 'uppercaseFirst']);
  const language = options.language === undefined ? 'en' : check.string(options.language, 'options.language');
  const upper = options.uppercaseFirst === undefined ? false : check.boolean(options.uppercaseFirst, 'options.uppercaseFirst');
  let line: string;
  if (typeof tokens === 'string') line = tokens;
  else {
    const list = check.array(tokens, 'tokens');
    line = list.map((t, i) => check.string(t, `tokens[${i}]`)).join(' ');
  }
  line = line.replace(/\n$/, '');
  if (/^\s*$/.test(line)) return line;
  const text = mosesUnescape(` ${line} `.replace(/ @-@ /g, '-'));
  const words = text.split(' ');
  const quotes = new Map<string, number>([["'", 0], ['"', 0]]);
  let out = '';
  let prepend = ' ';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (CJK.test(word)) {
      out += i > 0 && CJK_END.test(words[i - 1]!) ? word : prepend + word;
      prepend = ' ';
    } else if (OPENING.test(word)) {
      out += prepend + word;
      prepend = '';
    } else if (CLOSING.test(word)) {
      if (language === 'fr' && /^[?!:;\\%]$/.test(word)) out += ' ';
      out += word;
      prepend = ' ';
    } else if (language === 'en' && i > 0 && /^'\p{Alphabetic}/u.test(word) && /[\p{Alphabetic}\p{Nd}]$/u.test(words[i - 1]!)) {
      out += word;
      prepend = ' ';
    } else if ((language === 'fr' || language === 'it') && i <= words.length - 2 && /\p{Alphabetic}'$/u.test(word) && /^\p{Alphabetic}/u.test(words[i + 1]!)) {
      out += prepend + word;
      prepend = '';
    } else if (QUOTES.test(word)) {
      const kind = /^[„“”]+$/.test(word) ? '"' : word;
      const count = quotes.get(kind) ?? 0;
      if (count % 2 === 0) {
        if (language === 'en' && word === "'" && i > 0 && /s$/.test(words[i - 1]!)) {
          out += word;
          prepend = ' ';
        } else {
          out += prepend + word;
          prepend = '';
          quotes.set(kind, count + 1);
        }
      } else {
        out += word;
        prepend = ' ';
        quotes.set(kind, count + 1);
      }
    } else {
      out += prepend + word;
      prepend = ' ';
    }
  }
  out = out.replace(/ +/g, ' ').replace(/^ /, '').replace(/ $/, '');
  if (upper) out = out.replace(/^([\p{P}\s]*)(\p{Alphabetic})/u, (_, lead: string, first: string) => lead + first.toUpperCase());
  return out;
}
