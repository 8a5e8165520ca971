export type { DecodedSequence } from './decodedSequence.js';
export { DEFAULT_MAX_LENGTH, type LengthLimit } from './lengthLimit.js';
export { greedyDecode, type GreedyDecodeOptions } from './greedyDecode.js';
export { beamSearch, type BeamSearchOptions } from './beamSearch.js';
export { sampleDecode, type SampleDecodeOptions } from './sampleDecode.js';
export type { ShallowFusion } from './shallowFusion.js';
export { lengthPenalty, coveragePenalty, LENGTH_PENALTIES, type LengthPenaltyKind } from './penalties.js';
export { blockedTokens } from './ngramBlocking.js';
export { FusionVocabularyError } from './decodeErrors.js';
