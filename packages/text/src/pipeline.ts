import { isAsyncIterable, isIterable } from '@nlpkit/core';
import { check } from './errors.js';

/** One step of a {@link pipeline}: any one-argument function. */
export type Step<I, O> = (input: I) => O;

/**
 * A composed pipeline: call it on one value, or map it lazily over a sync or async iterable (a stream of lines,
 * a corpus reader).
 */
export interface Pipeline<I, O> {
  (input: I): O;
  /** Applies the pipeline to each item of an iterable, lazily. */
  map(source: Iterable<I>): IterableIterator<O>;
  /** Applies the pipeline to each item of an async iterable, lazily. */
  map(source: AsyncIterable<I>): AsyncIterableIterator<O>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the variadic fallback cannot be typed step by step */
export function pipeline<A>(): Pipeline<A, A>;
export function pipeline<A, B>(s1: Step<A, B>): Pipeline<A, B>;
export function pipeline<A, B, C>(s1: Step<A, B>, s2: Step<B, C>): Pipeline<A, C>;
export function pipeline<A, B, C, D>(s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>): Pipeline<A, D>;
export function pipeline<A, B, C, D, E>(s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>): Pipeline<A, E>;
export function pipeline<A, B, C, D, E, F>(
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
): Pipeline<A, F>;
export function pipeline<A, B, C, D, E, F, G>(
  s1: Step<A, B>,
  s2: Step<B, C>,
  s3: Step<C, D>,
  s4: Step<D, E>,
  s5: Step<E, F>,
  s6: Step<F, G>,
): Pipeline<A, G>;
export function pipeline(...steps: Step<any, any>[]): Pipeline<any, any>;
/**
 * Composes steps left to right into one function: `pipeline(nfc, lowercase, wordTokenize)(text)` equals
 * `wordTokenize(lowercase(nfc(text)))`. The result also has `.map(source)` to run over a sync or async
 * iterable without loading it whole.
 *
 * @example
 * const clean = pipeline(nfkc, lowercase, stripAccents, collapseWhitespace);
 * clean('  Ｃrème   BRÛLÉE ') // → 'creme brulee'
 * for await (const line of clean.map(readLines(file))) { ... }
 */
export function pipeline(...steps: Step<any, any>[]): Pipeline<any, any> {
  steps.forEach((step, i) => {
    if (typeof step !== 'function') throw check.invalid(step, `steps[${i}]`, 'a function');
  });
  const run = (input: unknown): unknown => {
    let value = input;
    // Call with exactly one argument so steps with optional parameters (lowercase's locale) keep their defaults.
    for (const step of steps) value = step(value);
    return value;
  };
  const map = (source: Iterable<unknown> | AsyncIterable<unknown>): any => {
    if (isAsyncIterable(source)) {
      return (async function* () {
        for await (const item of source) yield run(item);
      })();
    }
    if (isIterable(source)) {
      return (function* () {
        for (const item of source) yield run(item);
      })();
    }
    throw check.invalid(source, 'source', 'an iterable or async iterable');
  };
  return Object.assign(run, { map }) as Pipeline<any, any>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
