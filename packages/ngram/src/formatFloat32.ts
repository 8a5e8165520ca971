/**
 * Short decimal text that reads back to exactly the same float32 (models store float32: more digits would only
 * grow files, fewer would break the exact write → read round trip). Eight significant digits suffice for most
 * values and nine for all; trailing zeros are dropped.
 */
export function formatFloat32(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const target = Math.fround(value);
  const short = target.toPrecision(8);
  let text = Math.fround(Number(short)) === target ? short : target.toPrecision(9);
  if (!text.includes('e') && text.includes('.')) {
    let end = text.length;
    while (text.charCodeAt(end - 1) === 48) end--;
    if (text.charCodeAt(end - 1) === 46) end--;
    text = text.slice(0, end);
  }
  return text;
}
