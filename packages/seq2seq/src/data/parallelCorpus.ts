import { buildVocabulary, EmptyInputError, LengthMismatchError, type TokenLike, type Vocabulary, type VocabularyOptions } from '@nlpkit/core';
import { check, PKG, Seq2seqOptionError } from '../errors.js';
import type { Seq2seqPair } from './seq2seqBatch.js';

/** Sentence pairs as tokens: `source[i]` translates to `target[i]`. */
export interface ParallelCorpus {
  readonly source: readonly (readonly TokenLike[])[];
  readonly target: readonly (readonly TokenLike[])[];
}

/** The two vocabularies of a translation model. */
export interface Seq2seqVocabularies {
  readonly source: Vocabulary;
  readonly target: Vocabulary;
}

function lines(text: string, argument: string): string[] {
  if (typeof text !== 'string') throw check.invalid(text, argument, 'a string (the file text)');
  const out = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start an empty one.
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Line-aligned parallel text (one sentence per line, tokens separated by whitespace, as Multi30k's `tok/` files):
 * line `i` of `sourceText` translates to line `i` of `targetText`.
 * @throws LengthMismatchError when the line counts differ; EmptyInputError for an empty source line (naming it) or
 *   no lines at all
 */
export function parseParallelText(sourceText: string, targetText: string): ParallelCorpus {
  const src = lines(sourceText, 'sourceText');
  const tgt = lines(targetText, 'targetText');
  if (src.length !== tgt.length) {
    throw new LengthMismatchError({ package: PKG, argument: 'targetText', expectedLength: src.length, foundLength: tgt.length, items: 'lines' });
  }
  if (src.length === 0) throw new EmptyInputError({ package: PKG, argument: 'sourceText', expected: 'at least one line' });
  const split = (line: string): string[] => line.trim().split(/\s+/).filter((t) => t !== '');
  const source = src.map((line, i) => {
    const tokens = split(line);
    if (tokens.length === 0) throw new EmptyInputError({ package: PKG, argument: `sourceText line ${i + 1}`, expected: 'at least one token' });
    return tokens;
  });
  return { source, target: tgt.map(split) };
}

function checkCorpus(corpus: ParallelCorpus, argument: string): void {
  if (corpus === null || typeof corpus !== 'object' || !Array.isArray(corpus.source) || !Array.isArray(corpus.target)) {
    throw new Seq2seqOptionError({ argument, expected: '{ source, target } arrays of token arrays', found: corpus });
  }
  if (corpus.source.length !== corpus.target.length) {
    throw new LengthMismatchError({ package: PKG, argument: `${argument}.target`, expectedLength: corpus.source.length, foundLength: corpus.target.length, items: 'sentences' });
  }
}

/** A source and a target vocabulary built from a training corpus (`buildVocabulary` of `@nlpkit/core`, same options for both). */
export function buildSeq2seqVocabularies(corpus: ParallelCorpus, options: Pick<VocabularyOptions, 'minCount' | 'maxSize'> = {}): Seq2seqVocabularies {
  checkCorpus(corpus, 'corpus');
  check.options(options, 'options', ['minCount', 'maxSize']);
  return { source: buildVocabulary(corpus.source, options), target: buildVocabulary(corpus.target, options) };
}

/**
 * Source ids as the encoder reads them: the tokens' ids (`<unk>` for unknown ones) followed by `</s>`.
 * @throws EmptyInputError for an empty sentence
 */
export function encodeSourceSentence(vocabulary: Vocabulary, tokens: readonly TokenLike[], argument = 'tokens'): number[] {
  if (!Array.isArray(tokens) || tokens.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one token' });
  return vocabulary.encode(tokens, { eos: true });
}

/** Options of {@link encodeParallel}. */
export interface EncodeParallelOptions {
  /** Drop pairs with more than this many tokens on either side (training only; evaluation keeps every pair). */
  readonly maxLength?: number;
}

/**
 * Token ids of a parallel corpus: sources with `</s>` ({@link encodeSourceSentence}), targets as plain ids (the
 * batches add `<s>` and `</s>`); unknown tokens become `<unk>`.
 */
export function encodeParallel(corpus: ParallelCorpus, vocabularies: Seq2seqVocabularies, options: EncodeParallelOptions = {}): Seq2seqPair[] {
  checkCorpus(corpus, 'corpus');
  check.options(options, 'options', ['maxLength']);
  const max = options.maxLength === undefined ? Infinity : check.integer(options.maxLength, 'options.maxLength', 1);
  const out: Seq2seqPair[] = [];
  corpus.source.forEach((src, i) => {
    const tgt = corpus.target[i] as readonly TokenLike[];
    if (src.length > max || tgt.length > max) return;
    out.push({ source: encodeSourceSentence(vocabularies.source, src, `corpus.source[${i}]`), target: vocabularies.target.encode(tgt) });
  });
  return out;
}
