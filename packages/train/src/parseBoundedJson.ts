import { jsonNestingExceeds } from '@nlpkit/core';

/**
 * Parses JSON read from an untrusted file, refusing nesting deeper than `maxDepth` with one linear scan before
 * `JSON.parse` runs: deep nesting costs the parser (and every later recursive walk of the value: printing,
 * comparing, cloning) time and stack. Returns `undefined` when `text` is not valid JSON or nests too deep; the
 * caller turns that into its own typed error.
 */
export function parseBoundedJson(text: string, maxDepth: number): { readonly value: unknown } | { readonly tooDeep: true } | undefined {
  if (jsonNestingExceeds(text, maxDepth)) return { tooDeep: true };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
