export { NgramInputError, ArpaFormatError, BinaryModelFormatError, WrongFormatError } from './errors.js';
export type { DetectedFormat } from './errors.js';
export { NgramWordIndex } from './ngramWordIndex.js';
export { kenlmWords } from './kenlmWords.js';
export type { KenlmSplit } from './kenlmWords.js';
export { NgramIndex } from './ngramIndex.js';
export { countNgrams, NgramCounter } from './countNgrams.js';
export type { UpperOrdersSink } from './countNgrams.js';
export type { NgramCounts, CountOptions } from './countNgrams.js';
export { kneserNeyDiscounts, checkDiscount, checkDiscountOptions, DEFAULT_DISCOUNT_FALLBACK } from './kneserNeyDiscounts.js';
export type { KneserNeyDiscount, NgramWarning } from './kneserNeyDiscounts.js';
export { estimateKneserNey } from './estimateKneserNey.js';
export type { KneserNeyOptions, KneserNeyResult } from './estimateKneserNey.js';
export { BackoffLanguageModel } from './backoffLanguageModel.js';
export type {
  BackoffModelData,
  BackoffState,
  BackoffTokenScore,
  BackoffSentenceScore,
  NgramLookup,
  TokenScores,
  WordScore,
} from './backoffLanguageModel.js';
export { writeArpa, arpaChunks, arpaByteChunks } from './writeArpa.js';
export { readArpa, readArpaLines } from './readArpa.js';
export { Utf8TextScorer } from './utf8TextScorer.js';
export { KenlmQueryText } from './kenlmQueryText.js';
export { KenlmQueryOutput } from './kenlmQueryOutput.js';
export type { ScoredLine, SentenceTotals, Utf8TextScorerOptions } from './utf8TextScorer.js';
export { SuffixTrieLevel } from './suffixTrie.js';
export type { ReadArpaOptions } from './readArpa.js';
export { collectNgramStatistics } from './ngramStatistics.js';
export type { NgramStatistics, StatisticsOptions, SentencePadding } from './ngramStatistics.js';
export { CountLanguageModel } from './countLanguageModel.js';
export type { Smoothing } from './countLanguageModel.js';
export type { FamilyInput, FamilyOptions } from './withStatistics.js';
export { mle } from './mle.js';
export { lidstone, laplace } from './lidstone.js';
export type { LidstoneOptions } from './lidstone.js';
export { wittenBell } from './wittenBell.js';
export { absoluteDiscounting } from './absoluteDiscounting.js';
export type { DiscountOptions } from './absoluteDiscounting.js';
export { kneserNeyInterpolated } from './kneserNeyInterpolated.js';
export { katzBackoff, goodTuringCounts } from './katzBackoff.js';
export type { KatzOptions } from './katzBackoff.js';
export { stupidBackoff } from './stupidBackoff.js';
export type { ScoringModel, StupidBackoffModel, StupidBackoffOptions } from './stupidBackoff.js';
export { toBinaryModel, loadBinaryModel, bytesPerNgram } from './binaryModel.js';
export type { BinaryModelOptions, LoadBinaryModelOptions, Quantization } from './binaryModel.js';
export type { StupidBackoffCounts } from './stupidBackoff.js';
export { StupidBackoffFormatError } from './errors.js';
export { stupidBackoffByteChunks, writeStupidBackoff } from './stupidBackoffWriter.js';
export { readStupidBackoff, readStupidBackoffChunks } from './stupidBackoffReader.js';
export type { ReadStupidBackoffOptions } from './stupidBackoffReader.js';
export type { StupidBackoffHeader } from './stupidBackoffFormat.js';
