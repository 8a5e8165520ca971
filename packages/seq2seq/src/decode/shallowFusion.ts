import { BOS, checkModel, EOS, PAD, UNK, type LanguageModel } from '@nlpkit/core';
import { check, PKG } from '../errors.js';
import { FusionVocabularyError } from './decodeErrors.js';

/**
 * Shallow fusion: a target-side language model whose scores are added to the translation model's during search,
 * `score = ln p_tm + weight · ln 10 · log10 p_lm` (Gulcehre et al. 2015), the LM read through the
 * `@nlpkit/core` {@link LanguageModel} contract (an n-gram model from `@nlpkit/ngram`, a recurrent one from
 * `@nlpkit/rnn`, or their interpolation).
 */
export interface ShallowFusion {
  readonly model: LanguageModel;
  /** λ ≥ 0; 0 decodes as without fusion. */
  readonly weight: number;
  /**
   * The text of a target id, to find it in the LM's vocabulary (`<unk>` when absent there; `</s>` is the LM's
   * `</s>`). Default: target ids are the LM's own ids (the two share one vocabulary).
   */
  readonly targetTokenOf?: (id: number) => string;
}

/** A validated fusion, bound to one target vocabulary: LM scores indexed by target id. */
export interface FusionScorer {
  readonly weight: number;
  startState(): unknown;
  /** log10 p_lm of every target id after `state` (`-Infinity` for ids the LM never predicts). */
  log10ProbsOf(state: unknown): Float64Array;
  /** The LM state after target id `id`. */
  advance(state: unknown, id: number): unknown;
}

/** Validates `fusion` and maps the target vocabulary (`targetVocabularySize` ids, `eosId` its `</s>`) onto the LM's. */
export function prepareFusion(
  fusion: ShallowFusion,
  targetVocabularySize: number,
  ids: { readonly eosId: number; readonly bosId: number; readonly padId: number; readonly unkId: number },
): FusionScorer {
  const options = check.options(fusion, 'options.fusion', ['model', 'weight', 'targetTokenOf']);
  checkModel(options.model, 'options.fusion.model', PKG);
  const weight = check.number(options.weight, 'options.fusion.weight', 0);
  const model = options.model;
  const vocabulary = model.vocabulary;
  let tokenOf: (id: number) => string;
  if (options.targetTokenOf === undefined) {
    if (vocabulary.size !== targetVocabularySize) {
      throw new FusionVocabularyError({
        argument: 'options.fusion.targetTokenOf',
        expected: `given when the model's vocabulary (${vocabulary.size} ids) is not the target vocabulary (${targetVocabularySize} ids)`,
        foundText: 'undefined',
      });
    }
    tokenOf = (id) => vocabulary.token(id);
  } else if (typeof options.targetTokenOf !== 'function') {
    throw check.invalid(options.targetTokenOf, 'options.fusion.targetTokenOf', 'a function from target id to token text');
  } else {
    tokenOf = options.targetTokenOf;
  }
  // lmId[t]: the LM id scoring target id t; -1 for ids the search never emits (<pad>, <s>).
  const lmId = new Int32Array(targetVocabularySize);
  const lmToken: string[] = new Array<string>(targetVocabularySize);
  const unk = vocabulary.lookup(UNK);
  const eos = vocabulary.lookup(EOS);
  let shared = 0;
  for (let t = 0; t < targetVocabularySize; t++) {
    if (t === ids.padId || t === ids.bosId) {
      lmId[t] = -1;
      lmToken[t] = t === ids.padId ? PAD : BOS;
      continue;
    }
    if (t === ids.eosId) {
      lmId[t] = eos;
      lmToken[t] = EOS;
      continue;
    }
    const text = t === ids.unkId ? UNK : tokenOf(t);
    if (typeof text !== 'string') throw check.invalid(text, `options.fusion.targetTokenOf(${t})`, 'a string');
    const found = vocabulary.lookup(text);
    if (found >= 0 && !vocabulary.isSpecial(found)) shared++;
    lmId[t] = found >= 0 ? found : unk;
    lmToken[t] = found >= 0 ? text : UNK;
  }
  if (shared === 0) {
    throw new FusionVocabularyError({
      argument: 'options.fusion.model',
      expected: 'a language model whose vocabulary shares tokens with the target vocabulary',
      foundText: `no shared token among ${targetVocabularySize} target ids and ${vocabulary.size} model ids`,
    });
  }
  return {
    weight,
    startState: () => model.startState(),
    log10ProbsOf(state) {
      const lm = model.nextLog10Probs(state);
      const out = new Float64Array(targetVocabularySize);
      for (let t = 0; t < targetVocabularySize; t++) {
        const id = lmId[t]!;
        out[t] = id < 0 ? -Infinity : (lm[id] ?? -Infinity);
      }
      return out;
    },
    advance: (state, id) => model.scoreToken(state, lmToken[id]!).state,
  };
}
