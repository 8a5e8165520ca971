import { CliError } from '../cliInput.js';

/**
 * The model's text pipeline: how raw source lines become tokens and target tokens become text, from the artifact's
 * meta (`tokenization`: `moses-lc` — lowercase, Moses normalize-punctuation and tokenizer — or `none`;
 * `sourceLanguage`, `targetLanguage`). With `tokenized`, tokens go in and out as they are.
 */
export interface TextPipeline {
  source(line: string): string[];
  target(tokens: readonly string[]): string;
  readonly description: string;
}

export async function textPipeline(meta: Readonly<Record<string, string>>, tokenized: boolean): Promise<TextPipeline> {
  const split = (line: string): string[] => line.split(/\s+/u).filter((t) => t !== '');
  const join = (tokens: readonly string[]): string => tokens.join(' ');
  const kind = meta.tokenization ?? 'none';
  if (tokenized || kind === 'none') return { source: split, target: join, description: 'whitespace tokens in and out' };
  if (kind !== 'moses-lc') {
    throw new CliError(`the model's tokenization ${JSON.stringify(kind)} is not one this CLI knows (moses-lc, none); pass --tokenized to feed tokens yourself`);
  }
  const { mosesDetokenize, mosesNormalizePunctuation, mosesTokenize } = await import('@nlpkit/text');
  const sourceLanguage = meta.sourceLanguage ?? 'en';
  const targetLanguage = meta.targetLanguage ?? 'en';
  return {
    source: (line) => mosesTokenize(mosesNormalizePunctuation(line.toLowerCase(), { language: sourceLanguage }), { language: sourceLanguage }),
    target: (tokens) => mosesDetokenize(tokens, { language: targetLanguage }),
    description: `lowercase + Moses normalize/tokenize (${sourceLanguage}) in, Moses detokenize (${targetLanguage}) out`,
  };
}
