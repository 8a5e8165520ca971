import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { NgramWordIndex } from './ngramWordIndex.js';
import { SuffixTrieLevel, suffixTrieLookups } from './suffixTrie.js';
import { type Utf8WordTable, utf8WordTable } from './utf8WordTable.js';

/**
 * A model read into shared memory by the fast ARPA reader (`readArpaFile`'s lmplz layout, asked to share), as
 * another thread gets it: posting this object shares its arrays (no copy) and copies only the word list. Orders
 * n ≥ 2 are at index n − 2 of `firstWords` and `childStart`, as the model's suffix levels hold them.
 */
export interface SharedSuffixModel {
  readonly order: number;
  readonly words: readonly string[];
  readonly firstWords: readonly (Uint16Array | Uint32Array | Int32Array)[];
  readonly childStart: readonly (Uint32Array | Int32Array)[];
  readonly log10Probs: readonly Float32Array[];
  readonly log10Backoffs: readonly Float32Array[];
}

/**
 * The parts of `model` another thread needs to score with it, when it is a model of reversed levels whose every
 * array is in shared memory; undefined otherwise (a model of another reader, or not shared: posting it would copy).
 */
export function sharedSuffixModel(model: BackoffLanguageModel): SharedSuffixModel | undefined {
  const { order, suffixLevels, log10Probs, log10Backoffs, wordIndex } = model.data;
  if (suffixLevels === undefined) return undefined;
  const levels = suffixLevels.slice(1) as SuffixTrieLevel[];
  const arrays = [...levels.flatMap((level) => [level.firstWords, level.childStart]), ...log10Probs, ...log10Backoffs];
  if (!arrays.every((array) => array.buffer instanceof SharedArrayBuffer)) return undefined;
  return {
    order,
    words: wordIndex.words(),
    firstWords: levels.map((level) => level.firstWords),
    childStart: levels.map((level) => level.childStart),
    log10Probs,
    log10Backoffs,
  };
}

/**
 * The model of {@link sharedSuffixModel}'s parts, on the thread that received them (its arrays are not copied).
 * `table`: this thread's byte-keyed table of the same words, when it has one.
 */
export function suffixModelFromShared(parts: SharedSuffixModel, table?: Utf8WordTable): BackoffLanguageModel {
  const wordIndex = new NgramWordIndex();
  for (const word of parts.words) wordIndex.add(word);
  const levels: (SuffixTrieLevel | undefined)[] = [undefined];
  for (let n = 2; n <= parts.order; n++) levels.push(new SuffixTrieLevel(parts.firstWords[n - 2]!, parts.childStart[n - 2]!));
  return new BackoffLanguageModel({
    order: parts.order,
    wordIndex,
    indexes: suffixTrieLookups(levels),
    log10Probs: parts.log10Probs,
    log10Backoffs: parts.log10Backoffs,
    suffixLevels: levels,
    utf8Words: table !== undefined && table.size === parts.words.length ? table : utf8WordTable(parts.words),
  });
}
