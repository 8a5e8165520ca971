export { InvalidTagError } from './errors.js';
export { SACREBLEU_VERSION, formatSignature, type SignatureField, type SignatureFormat } from './signature.js';
export type { CorpusMetric, ReferenceStreams } from './corpusMetric.js';
export { BLEU_TOKENIZERS, tokenize13a, tokenizeBleu, tokenizeChar, tokenizeIntl, tokenizeZh, type BleuTokenizerName } from './tokenizeBleu.js';
export {
  BLEU_SMOOTHING,
  bleuFromStatistics,
  bleuSegmentStatistics,
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
} from './bleuStatistics.js';
export { bleuSignature, corpusBleu, createBleu, formatBleu, sentenceBleu, type BleuMetric, type BleuResult } from './bleu.js';
export { chrfFromStatistics, chrfSegmentStatistics, type ChrfOptions } from './chrfStatistics.js';
export { chrfSignature, corpusChrf, createChrf, formatChrf, sentenceChrf, type ChrfMetric, type ChrfResult } from './chrf.js';
export { tokenizeTer, type TerTokenizerOptions } from './tokenizeTer.js';
export { translationEditRate, type TerEdits } from './translationEditRate.js';
export { terFromStatistics, terSegmentStatistics, type TerOptions } from './terStatistics.js';
export { corpusTer, createTer, formatTer, sentenceTer, terSignature, type TerMetric, type TerResult } from './ter.js';
export { strictEntities } from './strictEntities.js';
export { detectScheme } from './detectScheme.js';
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
export {
  createPerplexity,
  perplexity,
  perplexityFromScores,
  type LogBase,
  type LogProbRow,
  type Padding,
  type PerplexityMetric,
  type PerplexityOptions,
  type PerplexityResult,
  type PerplexityScore,
  type SentenceScoreOptions,
} from './perplexity.js';
export {
  accuracy,
  classificationReport,
  confusionMatrix,
  createClassification,
  type ClassificationMetric,
  type ClassificationOptions,
  type ClassificationResult,
  type ConfusionMatrix,
  type Label,
} from './classification.js';
export {
  bootstrapConfidence,
  pairedBootstrap,
  type BootstrapOptions,
  type BootstrapResult,
  type PairedBootstrapResult,
  type ScoreFromStatistics,
} from './bootstrap.js';
