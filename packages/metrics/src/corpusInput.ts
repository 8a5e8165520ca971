import { EmptyInputError, LengthMismatchError, describe, expectArray, expectString } from './errors.js';

/**
 * References in sacreBLEU's layout: a list of reference *streams*, each holding one line per hypothesis
 * (`references[k][i]` is the k-th reference of segment i). A `null` line means "segment i has no k-th
 * reference", which allows a variable number of references per segment (the signature then says `nrefs:var`).
 */
export type ReferenceStreams = readonly (readonly (string | null)[])[];

/** Hypotheses and references checked and regrouped per segment. */
export interface CorpusSegments {
  /** `refs[i]` lists the references of segment i, nulls removed. */
  readonly refs: readonly (readonly string[])[];
  /** The distinct reference counts seen, for the signature's `nrefs`. */
  readonly refCounts: ReadonlySet<number>;
}

/**
 * Checks a batch of hypotheses against its reference streams and regroups the references per segment.
 * Throws a LengthMismatchError when a stream does not hold one line per hypothesis.
 */
export function corpusSegments(hypotheses: readonly string[], references: ReferenceStreams): CorpusSegments {
  expectArray('hypotheses', hypotheses);
  expectArray('references', references);
  hypotheses.forEach((hyp, i) => expectString(`hypotheses[${i}]`, hyp));
  if (references.length === 0) throw new EmptyInputError('references (a list of reference streams)');
  references.forEach((stream, k) => {
    expectArray(`references[${k}]`, stream);
    if (stream.length !== hypotheses.length) {
      throw new LengthMismatchError(`references[${k}]`, hypotheses.length, stream.length, 'lines (one per hypothesis)');
    }
  });
  const refs: string[][] = [];
  const refCounts = new Set<number>();
  for (let i = 0; i < hypotheses.length; i++) {
    const lines: string[] = [];
    for (let k = 0; k < references.length; k++) {
      const line = (references[k] as readonly (string | null)[])[i];
      if (line === null) continue;
      if (typeof line !== 'string') {
        throw new TypeError(`@nlpkit/metrics: references[${k}][${i}] must be a string or null, got ${describe(line)}`);
      }
      lines.push(line);
    }
    if (lines.length === 0) throw new EmptyInputError(`references for hypotheses[${i}]`);
    refs.push(lines);
    refCounts.add(lines.length);
  }
  return { refs, refCounts };
}

/** Checks the references of a single sentence (a plain list of strings). */
export function sentenceReferences(references: readonly string[]): readonly string[] {
  expectArray('references', references);
  if (references.length === 0) throw new EmptyInputError('references');
  references.forEach((ref, k) => expectString(`references[${k}]`, ref));
  return references;
}

/** Adds segment statistics column by column (sacreBLEU's `sum_of_lists`), left to right. */
export function sumStatistics(segments: readonly (readonly number[])[], width: number): number[] {
  const total = new Array<number>(width).fill(0);
  for (const stats of segments) {
    for (let j = 0; j < width; j++) total[j] = (total[j] as number) + (stats[j] as number);
  }
  return total;
}
