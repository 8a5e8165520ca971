import type { Token } from '@nlpkit/core';
import { checkText } from './errors.js';

/** Options for {@link characterTokenize}. */
export interface CharacterTokenizeOptions {
  /** Drop whitespace characters instead of returning them as tokens (default false). */
  readonly skipWhitespace?: boolean;
  /** Locale for grapheme segmentation (default: the runtime's). Grapheme rules barely vary by locale. */
  readonly locale?: string;
}

const WHITESPACE_RE = /^\s+$/u;

/**
 * Splits text into user-perceived characters (extended grapheme clusters, via `Intl.Segmenter`): `é` written
 * as `e` + U+0301, a flag, or a family emoji joined with ZWJ each come back as one token.
 *
 * @param text the input; must be a well-formed string
 * @example
 * characterTokenize('ne\u0301 🇫🇷').map((t) => t.text) // → ['n', 'é', ' ', '🇫🇷']
 */
export function characterTokenize(text: string, options: CharacterTokenizeOptions = {}): Token[] {
  checkText(text, 'text');
  const segmenter = new Intl.Segmenter(options.locale, { granularity: 'grapheme' });
  const tokens: Token[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    if (options.skipWhitespace && WHITESPACE_RE.test(segment)) continue;
    tokens.push({ text: segment, start: index, end: index + segment.length });
  }
  return tokens;
}
