export { EmptyInputError, InvalidNumberError, InvalidTagError, LengthMismatchError, UnknownNameError } from './errors.js';
export { SACREBLEU_VERSION, formatSignature, type SignatureField, type SignatureFormat } from './signature.js';
export type { ReferenceStreams } from './corpusInput.js';
export { BLEU_TOKENIZERS, tokenize13a, tokenizeBleu, tokenizeChar, tokenizeIntl, tokenizeZh, type BleuTokenizerName } from './tokenizeBleu.js';
export {
  BLEU_SMOOTHING,
  bleuFromStatistics,
  bleuSignature,
  formatBleu,
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
} from './bleuScore.js';
export { bleuSegmentStatistics, corpusBleu, createBleu, sentenceBleu, type BleuMetric, type BleuResult } from './bleu.js';
export {
  chrfFromStatistics,
  chrfSegmentStatistics,
  chrfSignature,
  corpusChrf,
  createChrf,
  formatChrf,
  sentenceChrf,
  type ChrfMetric,
  type ChrfOptions,
  type ChrfResult,
} from './chrf.js';
export { TAG_SCHEMES, detectScheme, strictEntities, type Entity, type TagScheme } from './tagSchemes.js';
export { createLenientChunker, lenientEntities, type LenientChunker } from './lenientEntities.js';
export { prfAverages, type ClassCounts, type PrfAverages, type PrfRow, type ZeroDivision } from './prf.js';
export {
  ENTITY_MODES,
  createEntityF1,
  entityF1,
  extractEntities,
  tokenAccuracy,
  type EntityF1Metric,
  type EntityF1Options,
  type EntityF1Result,
  type EntityMode,
} from './entityF1.js';
export { formatEntityReport } from './formatEntityReport.js';
export { translationEditRate, type TerEdits } from './translationEditRate.js';
export {
  corpusTer,
  createTer,
  formatTer,
  sentenceTer,
  terFromStatistics,
  terSignature,
  tokenizeTer,
  type TerMetric,
  type TerOptions,
  type TerResult,
} from './ter.js';
export {
  createPerplexity,
  perplexity,
  type LogBase,
  type Padding,
  type PerplexityMetric,
  type PerplexityOptions,
  type PerplexityResult,
  type PerplexityScore,
} from './perplexity.js';
export {
  accuracy,
  classificationReport,
  confusionMatrix,
  createClassification,
  type ClassificationMetric,
  type ClassificationOptions,
  type ClassificationResult,
  type Label,
} from './classification.js';
export {
  bootstrapConfidence,
  createRng,
  pairedBootstrap,
  type BootstrapOptions,
  type BootstrapResult,
  type PairedBootstrapResult,
  type ScoreFromStatistics,
} from './bootstrap.js';
