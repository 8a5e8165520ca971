import { check } from '../errors.js';

/** Options of {@link mosesNormalizePunctuation}. */
export interface MosesNormalizeOptions {
  /**
   * Language code as Moses takes it (`-l`). It decides the quote/comma order (`en` moves punctuation inside the
   * closing quote, `cs` leaves it, every other language moves it out) and the digit grouping (`de`, `es`, `fr`, `cs`
   * join `1 000` as `1,000`, others as `1.000`). Default `'en'`.
   */
  readonly language?: string;
  /** Keep backticks and `''` (Moses' `-penn`). Default false. */
  readonly penn?: boolean;
}

const NBSP = '\u00a0';
const DECIMAL_COMMA = new Set(['de', 'es', 'cz', 'cs', 'fr']);

/**
 * Moses' `normalize-punctuation.perl`, one line at a time: removes carriage returns and stray spaces around
 * brackets and colons, maps typographic quotes, dashes, ellipses, guillemets and no-break spaces to ASCII, and
 * puts commas and periods on the language's side of a closing quote. The rules and their order are those of
 * mosesdecoder's script (the `‘`/`‚` → `'` mapping of its current version).
 *
 * @example
 * mosesNormalizePunctuation('„Hallo“ – sagte er…', { language: 'de' }); // '"Hallo" - sagte er...'
 */
export function mosesNormalizePunctuation(line: string, options: MosesNormalizeOptions = {}): string {
  check.string(line, 'line');
  check.options(options, 'options', ['language', 'penn']);
  const language = options.language === undefined ? 'en' : check.string(options.language, 'options.language');
  const penn = options.penn === undefined ? false : check.boolean(options.penn, 'options.penn');
  // The Perl script sees each line with its newline, and one rule (`."` → `".`) needs a character after the quote.
  const newline = line.endsWith('\n');
  let s = (newline ? line : `${line}\n`).replace(/\r/g, '');
  // Extra spaces.
  s = s.replace(/\(/g, ' (').replace(/\)/g, ') ').replace(/ +/g, ' ');
  s = s.replace(/\) ([.!:?;,])/g, ')$1').replace(/\( /g, '(').replace(/ \)/g, ')');
  s = s.replace(/(\d) %/g, '$1%').replace(/ :/g, ':').replace(/ ;/g, ';');
  // Unicode punctuation.
  if (!penn) s = s.replace(/`/g, "'").replace(/''/g, ' " ');
  s = s.replace(/„/g, '"').replace(/“/g, '"').replace(/”/g, '"').replace(/–/g, '-');
  s = s.replace(/—/g, ' - ').replace(/ +/g, ' ');
  s = s.replace(/´/g, "'");
  s = s.replace(/([a-z])‘([a-z])/gi, "$1'$2").replace(/([a-z])’([a-z])/gi, "$1'$2");
  s = s.replace(/‘/g, "'").replace(/‚/g, "'").replace(/’/g, '"');
  s = s.replace(/''/g, '"').replace(/´´/g, '"').replace(/…/g, '...');
  // French quotes.
  s = s.replace(new RegExp(`${NBSP}«${NBSP}`, 'g'), ' "').replace(new RegExp(`«${NBSP}`, 'g'), '"').replace(/«/g, '"');
  s = s.replace(new RegExp(`${NBSP}»${NBSP}`, 'g'), '" ').replace(new RegExp(`${NBSP}»`, 'g'), '"').replace(/»/g, '"');
  // Pseudo-spaces.
  s = s.replace(new RegExp(`${NBSP}%`, 'g'), '%').replace(new RegExp(`nº${NBSP}`, 'g'), 'nº ');
  s = s.replace(new RegExp(`${NBSP}:`, 'g'), ':').replace(new RegExp(`${NBSP}ºC`, 'g'), ' ºC');
  s = s.replace(new RegExp(`${NBSP}cm`, 'g'), ' cm').replace(new RegExp(`${NBSP}\\?`, 'g'), '?');
  s = s.replace(new RegExp(`${NBSP}!`, 'g'), '!').replace(new RegExp(`${NBSP};`, 'g'), ';');
  s = s.replace(new RegExp(`,${NBSP}`, 'g'), ', ').replace(/ +/g, ' ');
  // Punctuation and closing quotes.
  if (language === 'en') {
    s = s.replace(/"([,.]+)/g, '$1"');
  } else if (language !== 'cs' && language !== 'cz') {
    s = s.replace(/,"/g, '",');
    s = s.replace(/(\.+)"(\s*[^<])/g, '"$1$2');
  }
  s = DECIMAL_COMMA.has(language) ? s.replace(/(\d) (\d)/g, '$1,$2') : s.replace(/(\d) (\d)/g, '$1.$2');
  return newline ? s : s.slice(0, -1);
}
