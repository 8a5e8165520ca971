/**
 * The shortest decimal text that reads back to exactly the same float32, written as KenLM writes ARPA numbers
 * (double-conversion's `ToShortestSingle` with ECMAScript's layout: plain decimals from 1e-6 up, exponent form
 * below, `inf`/`-inf`), so a model written here is byte-identical to lmplz's ARPA. Models store float32: more
 * digits would only grow files, fewer would break the exact write → read round trip.
 */
export function formatFloat32(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const target = Math.fround(value);
  const f = Math.fround;
  // Nine significant digits always round-trip a float32; most values need 7 or 8. Taking fewer digits while the
  // text still reads back to the same float finds the shortest in 2-3 tries (a p-digit decimal is also a
  // (p+1)-digit one, so the nearest (p+1)-digit decimal is never farther: once p fails, fewer fail too).
  let p = 8;
  let digits = target.toPrecision(8);
  if (f(Number(digits)) !== target) {
    p = 9;
    digits = target.toPrecision(9);
  } else {
    while (p > 1) {
      const shorter = target.toPrecision(p - 1);
      if (f(Number(shorter)) !== target) break;
      digits = shorter;
      p--;
    }
  }
  // A float whose exact value lies halfway between two p-digit decimals (…125 → …12 or …13): toPrecision rounds
  // half up, double-conversion (KenLM) to the even digit.
  // Only a float with at most 14 bits after the binary point has an exact value of ≤ 10 significant digits.
  if (Number.isInteger(target * 16384)) digits = halfEven(target, p, digits);
  // Plain notation from toPrecision is already final (the shortest digits end in a nonzero digit). Exponent
  // notation is re-laid out by String() of the same double, as ECMAScript and KenLM write it: plain from 1e-6 up.
  if (!digits.includes('e')) return digits;
  const text = String(Number(digits));
  return text.includes('e+') ? text.replace('e+', 'e') : text;
}

/** `digits` (target to p significant digits, rounded half up) with a tie rounded to the even digit instead. */
function halfEven(target: number, p: number, digits: string): string {
  const longer = target.toPrecision(p + 1);
  const e = longer.indexOf('e');
  const mantissa = e === -1 ? longer : longer.slice(0, e);
  if (mantissa.charCodeAt(mantissa.length - 1) !== 53 /* 5 */ || Number(longer) !== target) return digits;
  const chosen = e === -1 ? digits : digits.slice(0, digits.indexOf('e'));
  if (chosen.charCodeAt(chosen.length - 1) % 2 === 0) return digits;
  const down = mantissa.slice(0, -1) + (e === -1 ? '' : longer.slice(e));
  return Math.fround(Number(down)) === target ? down : digits;
}
