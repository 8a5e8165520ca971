import { InvalidArgumentError, type NlpkitErrorOptions } from '@nlpkit/core';
import { PKG } from '../errors.js';

/**
 * A shallow-fusion language model that cannot score the target vocabulary: no target token (other than the
 * special ones) is in the model's vocabulary, or the ids cannot be mapped (`ERR_SEQ2SEQ_FUSION_VOCABULARY`).
 */
export class FusionVocabularyError extends InvalidArgumentError {
  constructor(details: Omit<NlpkitErrorOptions, 'package'>) {
    super({ ...details, package: PKG }, 'ERR_SEQ2SEQ_FUSION_VOCABULARY');
  }
}
