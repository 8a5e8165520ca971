import { mosesDetokenize, mosesNormalizePunctuation, mosesTokenize } from '@nlpkit/text';
import { Seq2seqOptionError, check } from '../errors.js';
import { SEQ2SEQ_TOKENIZATIONS } from '../recipe/seq2seqRecipe.js';

/**
 * A model's text pipeline: how a raw source line becomes the tokens the model was trained on, and how its target
 * tokens become text again.
 */
export interface TranslationText {
  /** A raw source line → source tokens. */
  source(line: string): string[];
  /** Target tokens → a line of text. */
  target(tokens: readonly string[]): string;
  /** What the pipeline does, in words (for logs and the web demo). */
  readonly description: string;
}

/** What {@link translationText} takes besides the artifact's meta. */
export interface TranslationTextOptions {
  /** Tokens in and out as they are (whitespace-split source, space-joined target), whatever the model's tokenization. */
  readonly tokenized?: boolean;
}

/**
 * The text pipeline of a trained model, from its artifact's `meta` as `nlpkit translate train` writes it:
 * `tokenization` `moses-lc` (lowercase, then Moses punctuation normalization and tokenization in `sourceLanguage`;
 * Moses detokenization in `targetLanguage`) or `none` (whitespace tokens), the default when absent. Works in Node and
 * in browsers. Throws {@link Seq2seqOptionError} for a tokenization this package does not know (unless `tokenized`).
 *
 * @example
 * const text = translationText(artifact.meta);
 * const [t] = await translateSentences(artifact, [text.source('Ein Hund läuft.')], { beamSize: 5 });
 * text.target(t.tokens); // 'a dog is running.'
 */
export function translationText(meta: Readonly<Record<string, string>>, options: TranslationTextOptions = {}): TranslationText {
  check.options(options, 'options', ['tokenized']);
  const split = (line: string): string[] => line.split(/\s+/u).filter((t) => t !== '');
  const join = (tokens: readonly string[]): string => tokens.join(' ');
  const kind = meta['tokenization'] ?? 'none';
  if (options.tokenized === true) return { source: split, target: join, description: 'whitespace tokens in and out' };
  if (!(SEQ2SEQ_TOKENIZATIONS as readonly string[]).includes(kind)) {
    throw new Seq2seqOptionError({
      argument: 'meta.tokenization',
      expected: `one of ${SEQ2SEQ_TOKENIZATIONS.join(', ')} (or options.tokenized, to feed tokens yourself)`,
      found: kind,
    });
  }
  if (kind === 'none') return { source: split, target: join, description: 'whitespace tokens in and out' };
  const sourceLanguage = meta['sourceLanguage'] ?? 'en';
  const targetLanguage = meta['targetLanguage'] ?? 'en';
  return {
    source: (line) => mosesTokenize(mosesNormalizePunctuation(line.toLowerCase(), { language: sourceLanguage }), { language: sourceLanguage }),
    target: (tokens) => mosesDetokenize(tokens, { language: targetLanguage }),
    description: `lowercase + Moses normalize/tokenize (${sourceLanguage}) in, Moses detokenize (${targetLanguage}) out`,
  };
}
