/**
 * Whether JSON text (a string, or its UTF-8 bytes) nests `{`/`[` deeper than `maxDepth`, by one linear scan that
 * stops as soon as it does; brackets inside strings do not count. Run it on untrusted input before `JSON.parse`:
 * hostile nesting then never reaches the parser, nor any recursive walk of the value (printing, comparing, an
 * error message).
 */
export function jsonNestingExceeds(json: string | Uint8Array, maxDepth: number): boolean {
  const text = typeof json === 'string';
  const n = json.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = text ? (json as string).charCodeAt(i) : (json as Uint8Array)[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
