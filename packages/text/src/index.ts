export { LineTooLongError, MalformedTextError } from './errors.js';
export { wordTokenize, wordSpans } from './wordTokenize.js';
export { whitespaceTokenize } from './whitespaceTokenize.js';
export { regexTokenize, type RegexTokenizeOptions } from './regexTokenize.js';
export { characterTokenize, type CharacterTokenizeOptions } from './characterTokenize.js';
export { treebankTokenize, type TreebankToken } from './treebankTokenize.js';
export {
  splitSentences,
  DEFAULT_ABBREVIATIONS,
  DEFAULT_FINAL_ABBREVIATIONS,
  type SplitSentencesOptions,
} from './splitSentences.js';
export {
  nfc,
  nfkc,
  lowercase,
  stripAccents,
  removePunctuation,
  normalizeNumbers,
  collapseWhitespace,
  expandAbbreviations,
  type RemovePunctuationOptions,
  type ExpandAbbreviationsOptions,
} from './normalizers.js';
export { stopWords, removeStopWords, STOP_WORD_LANGUAGES, type StopWordLanguage } from './stopWords.js';
export { pipeline, type Pipeline, type Step } from './pipeline.js';
export { padSequences, type PadOptions, type PaddedBatch } from './padSequences.js';
export { batch } from './batch.js';
export { ngrams, everygrams, skipgrams, type NgramOptions } from './ngrams.js';
export { windows, type Window } from './windows.js';
export { tagsToSpans, spansToTags, convertTags, type Malformed, type TagOptions } from './tagsToSpans.js';
export { trainBpe, bpeTokenizer, type BpeModel, type BpeTokenizer, type BpeTrainOptions } from './bpe.js';
export { hfTokenizer, type HfTokenizer, type HfEncoding } from './hfTokenizer.js';
export { readConll, type ConllSentence, type ConllOptions } from './readConll.js';
export { readConllu, type ConlluSentence, type ConlluToken } from './readConllu.js';
export { readSentencePerLine } from './readSentencePerLine.js';
export { readParallel } from './readParallel.js';
export { readBrown, type TaggedSentence } from './readBrown.js';
export type { Lines, ReadResult } from './lines.js';
export { mosesNormalizePunctuation, type MosesNormalizeOptions } from './moses/mosesNormalizePunctuation.js';
export { mosesTokenize, type MosesTokenizeOptions } from './moses/mosesTokenize.js';
export { mosesDetokenize, type MosesDetokenizeOptions } from './moses/mosesDetokenize.js';
export { mosesEscape, mosesUnescape } from './moses/mosesEscape.js';
