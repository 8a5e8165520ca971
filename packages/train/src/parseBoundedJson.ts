/**
 * Parses JSON read from an untrusted file, refusing nesting deeper than `maxDepth` with one linear scan before
 * `JSON.parse` runs: deep nesting costs the parser (and every later recursive walk of the value: printing,
 * comparing, cloning) time and stack. Returns `undefined` when `text` is not valid JSON or nests too deep; the
 * caller turns that into its own typed error.
 *
 * (A general helper; core would be its natural home.)
 */
export function parseBoundedJson(text: string, maxDepth: number): { readonly value: unknown } | { readonly tooDeep: true } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { tooDeep: true };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
