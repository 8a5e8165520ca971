export {
  NlpkitError,
  InvalidArgumentError,
  UnknownNameError,
  LengthMismatchError,
  EmptyInputError,
  FormatError,
  ShapeError,
  UnsupportedError,
  type NlpkitErrorOptions,
} from './errors.js';
export { OutputError } from './outputError.js';
export { describeValue } from './describeValue.js';
export { jsonNestingExceeds } from './jsonNestingExceeds.js';
export { validators, type Validators } from './validators.js';
export { tokenText, type Token, type TokenLike } from './token.js';
export { isAsyncIterable, isIterable, toAsyncIterable, collect, type AnyIterable } from './iterables.js';
export { sentenceTokens, tokenTexts } from './sentenceTokens.js';
export {
  PAD_ID,
  UNK_ID,
  BOS_ID,
  EOS_ID,
  PAD,
  UNK,
  BOS,
  EOS,
  SPECIAL_TOKENS,
  buildVocabulary,
  countTokens,
  vocabularyFromTokens,
  vocabularyFromJSON,
  type Vocabulary,
  type VocabularyJSON,
  type VocabularyOptions,
} from './vocabulary.js';
export { createRng, type Rng, type RngState } from './rng.js';
export {
  TAG_SCHEMES,
  TAG_SCHEME_ALIASES,
  parseTagScheme,
  type TagScheme,
  type TagSchemeName,
  type Span,
} from './tagScheme.js';
export {
  scoreSentenceByTokens,
  type LanguageModel,
  type SentenceScore,
  type TokenScore,
  type TokenLog10Prob,
} from './languageModel.js';
export { evaluatePerplexity, checkModel, type ModelPerplexity } from './evaluatePerplexity.js';
export { interpolateModels, tuneInterpolationWeights, type InterpolationFit, type TuneOptions } from './interpolateModels.js';
export { generate, topK, stateAfter, type GenerateOptions, type NextToken } from './generate.js';
