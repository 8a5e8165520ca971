import { EmptyInputError } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';
import { argmax, predictTextClassifier } from './evaluateTextClassifier.js';
import type { TextClassifierModel } from './textClassifierArtifact.js';
import { classifierTokens } from './textClassifierConfig.js';

/** One prediction of {@link classifyTexts}. */
export interface TextClassification {
  /** The most probable class name. */
  readonly label: string;
  /** Its probability. */
  readonly probability: number;
  /** Probability of every class, in `model.labels` order. */
  readonly probabilities: readonly number[];
}

/**
 * Classifies raw texts with a model (a decoded artifact, or the result of training with its vocabulary and label
 * names): each text is split into tokens as the model was trained (`classifierTokens`), unknown words become
 * `<unk>`, an empty text one `<unk>`.
 */
export async function classifyTexts(model: TextClassifierModel, texts: readonly string[], batchSize = 64): Promise<TextClassification[]> {
  if (!Array.isArray(texts)) throw new RnnOptionError({ argument: 'texts', expected: 'an array of strings', found: texts });
  if (texts.length === 0) throw new EmptyInputError({ package: PKG, argument: 'texts', expected: 'at least one text' });
  const unk = model.vocabulary.id('<unk>');
  const ids = texts.map((t, i) => {
    if (typeof t !== 'string') throw new RnnOptionError({ argument: `texts[${i}]`, expected: 'a string', found: t });
    const row = classifierTokens(model.config, t).map((w) => model.vocabulary.id(w));
    return row.length === 0 ? [unk] : row;
  });
  const probs = await predictTextClassifier(model.config, model.params, ids, batchSize);
  return probs.map((p) => {
    const k = argmax(p);
    return { label: model.labels[k] as string, probability: p[k] as number, probabilities: Array.from(p) };
  });
}
