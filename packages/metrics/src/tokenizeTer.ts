import { check } from './errors.js';
import { pySplit } from './pythonText.js';

/** How Tercom's tokenizer treats a sentence; the defaults are sacreBLEU's. */
export interface TerTokenizerOptions {
  /** Tercom normalization: unescape XML entities and split punctuation as Tercom does (default false). */
  readonly normalized?: boolean;
  /** Remove the punctuation `.,?:;!"()` (default false). */
  readonly noPunct?: boolean;
  /** Keep case (default false: both sides are lowercased). */
  readonly caseSensitive?: boolean;
  /**
   * Treat CJK text as Tercom does: with `normalized`, split CJK ideographs (and a few other CJK blocks) into
   * single characters; with `noPunct`, also remove CJK and full-width punctuation (default false).
   */
  readonly asianSupport?: boolean;
}

/** Tokenizer options with every default filled in and checked. */
export type ResolvedTerTokenizer = Required<TerTokenizerOptions>;

/** Fills in and checks the tokenizer options (other keys, such as TER's `signature`, are left to the caller). */
export function resolveTerTokenizerOptions(options: TerTokenizerOptions): ResolvedTerTokenizer {
  return {
    normalized: check.boolean(options.normalized ?? false, 'options.normalized'),
    noPunct: check.boolean(options.noPunct ?? false, 'options.noPunct'),
    caseSensitive: check.boolean(options.caseSensitive ?? false, 'options.caseSensitive'),
    asianSupport: check.boolean(options.asianSupport ?? false, 'options.asianSupport'),
  };
}

// Tercom's Western normalization (Normalizer.java), as sacreBLEU's TercomTokenizer writes it.
const RE_SYMBOLS = /([{-~[-`\x20-&(-+:-@/])/g;
const RE_PERIOD_AFTER = /([^0-9])([.,])/g;
const RE_PERIOD_BEFORE = /([.,])([^0-9])/g;
const RE_DASH = /([0-9])(-)/g;
const RE_PUNCT = /[.,?:;!"()]/g;

// Tercom's CJK handling, block by block as sacreBLEU lists them. The kana patterns are anchored at the start of
// the sentence, which (after normalization pads it with a space) means they never fire; kept for fidelity.
const RE_CJK = [
  /([\u4e00-\u9fff\u3400-\u4dbf])/g,
  /([\u31c0-\u31ef\u2e80-\u2eff])/g,
  /([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/g,
  /([\u3200-\u3f22])/g,
];
const RE_KANA = [
  /(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/g,
  /(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/g,
  /(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/g,
];
const RE_ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/g;
const RE_FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/g;

function normalizeAsian(text: string): string {
  let out = text;
  for (const re of RE_CJK) out = out.replace(re, ' $1 ');
  for (const re of RE_KANA) out = out.replace(re, '$1 $2 ');
  return out.replace(RE_ASIAN_PUNCT, ' $1 ').replace(RE_FULL_WIDTH_PUNCT, ' $1 ');
}

/** Tercom's tokenizer: lowercasing, optional normalization and punctuation removal, then single spaces. */
export function tokenizeTer(sentence: string, options: TerTokenizerOptions = {}): string {
  check.string(sentence, 'sentence');
  const opts = resolveTerTokenizerOptions(options);
  if (sentence === '') return '';
  let text = opts.caseSensitive ? sentence : sentence.toLowerCase();
  if (opts.normalized) {
    text = text
      .replaceAll('\n-', '')
      .replaceAll('\n', ' ')
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
    text = ` ${text} `
      .replace(RE_SYMBOLS, ' $1 ')
      .replaceAll("'s ", " 's ")
      .replace(/'s$/, " 's")
      .replace(RE_PERIOD_AFTER, '$1 $2 ')
      .replace(RE_PERIOD_BEFORE, ' $1 $2')
      .replace(RE_DASH, '$1 $2 ');
    if (opts.asianSupport) text = normalizeAsian(text);
  }
  if (opts.noPunct) {
    text = text.replace(RE_PUNCT, '');
    if (opts.asianSupport) text = text.replace(RE_ASIAN_PUNCT, '').replace(RE_FULL_WIDTH_PUNCT, '');
  }
  return pySplit(text).join(' ');
}

