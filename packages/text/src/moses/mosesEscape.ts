/** Moses' escapes for characters its tools reserve (XML, factor separator, syntax brackets), in its order. */
const ESCAPES: readonly (readonly [RegExp, string])[] = [
  [/&/g, '&amp;'],
  [/\|/g, '&#124;'],
  [/</g, '&lt;'],
  [/>/g, '&gt;'],
  [/'/g, '&apos;'],
  [/"/g, '&quot;'],
  [/\[/g, '&#91;'],
  [/\]/g, '&#93;'],
];

const UNESCAPES: readonly (readonly [RegExp, string])[] = [
  [/&bar;/g, '|'],
  [/&#124;/g, '|'],
  [/&lt;/g, '<'],
  [/&gt;/g, '>'],
  [/&bra;/g, '['],
  [/&ket;/g, ']'],
  [/&quot;/g, '"'],
  [/&apos;/g, "'"],
  [/&#91;/g, '['],
  [/&#93;/g, ']'],
  [/&amp;/g, '&'],
];

/** Escapes `& | < > ' " [ ]` as Moses' tokenizer does (`&amp;`, `&#124;`, `&lt;`, ...). */
export function mosesEscape(text: string): string {
  let s = text;
  for (const [pattern, replacement] of ESCAPES) s = s.replace(pattern, replacement);
  return s;
}

/** Undoes {@link mosesEscape} (and Moses' legacy `&bar;`, `&bra;`, `&ket;`), as its detokenizer does. */
export function mosesUnescape(text: string): string {
  let s = text;
  for (const [pattern, replacement] of UNESCAPES) s = s.replace(pattern, replacement);
  return s;
}
