import { check } from './errors.js';

/** The three modified Kneser-Ney discounts of one order (Chen & Goodman's D1, D2, D3+). */
export interface KneserNeyDiscount {
  d1: number;
  d2: number;
  d3: number;
}

/** A note from estimation that the user should see (no console output from the library: callers print). */
export interface NgramWarning {
  /** Machine-readable kind. */
  code: 'discount-fallback' | 'missing-unk' | 'missing-prefix';
  /** Human-readable sentence naming the order and the reason. */
  message: string;
  /** The n-gram order concerned, when there is one. */
  order?: number;
}

/** KenLM's `--discount_fallback` default. */
export const DEFAULT_DISCOUNT_FALLBACK: KneserNeyDiscount = { d1: 0.5, d2: 1, d3: 1.5 };

/**
 * Validates one order's discounts given by the caller: an object `{ d1, d2, d3 }` with D_j a number in [0, j] (the
 * range KenLM accepts; outside it an n-gram's discounted count could turn negative).
 *
 * @throws InvalidArgumentError naming `argument` (or its field) with what was expected and found.
 */
export function checkDiscount(value: unknown, argument: string): KneserNeyDiscount {
  if (value === undefined) throw check.invalid(value, argument, 'an object { d1, d2, d3 }');
  const d = check.options(value as KneserNeyDiscount, argument, ['d1', 'd2', 'd3']);
  return { d1: check.number(d.d1, `${argument}.d1`, 0, 1), d2: check.number(d.d2, `${argument}.d2`, 0, 2), d3: check.number(d.d3, `${argument}.d3`, 0, 3) };
}

/**
 * Validates the discount options every modified Kneser-Ney estimator takes (`options.discountFallback`, and
 * `options.discounts`: an array with one entry per order, undefined for an order to estimate), so that a
 * misshapen value is an error before any work rather than NaN probabilities in the model.
 */
export function checkDiscountOptions(options: { readonly discountFallback?: unknown; readonly discounts?: unknown }): void {
  if (options.discountFallback !== undefined) checkDiscount(options.discountFallback, 'options.discountFallback');
  if (options.discounts === undefined) return;
  const discounts = check.array(options.discounts, 'options.discounts');
  for (let n = 0; n < discounts.length; n++) if (discounts[n] !== undefined) checkDiscount(discounts[n], `options.discounts[${n}]`);
}

/**
 * Modified Kneser-Ney discounts from counts-of-counts `n[1..4]` of one order (equation 26 of Chen & Goodman),
 * computed in single precision step by step as KenLM's lmplz does, so that printed values agree digit for digit.
 * Returns the fallback and a warning when a discount is undefined (some n_j is 0, typical of toy corpora) or out
 * of its range [0, j] — the case where KenLM stops with "Could not calculate Kneser-Ney discounts".
 */
export function kneserNeyDiscounts(
  n: readonly number[],
  order: number,
  fallback: KneserNeyDiscount = DEFAULT_DISCOUNT_FALLBACK,
): { discount: KneserNeyDiscount; warning?: NgramWarning } {
  const f = Math.fround;
  const fallbackNote = `using fallback discounts D1=${fallback.d1} D2=${fallback.d2} D3+=${fallback.d3}`;
  const useFallback = (reason: string) => ({
    discount: { ...fallback },
    warning: { code: 'discount-fallback' as const, order, message: `@nlpkit/ngram: ${reason}; ${fallbackNote}` },
  });
  for (let j = 1; j <= 3; j++) {
    if (!(n[j]! > 0)) {
      return useFallback(
        `cannot compute Kneser-Ney discounts for order ${order}: no ${order}-grams have ` +
          `adjusted count ${j}, so D${j === 3 ? '3+' : j} is undefined (small or artificial data?)`,
      );
    }
  }
  const n1 = f(n[1]!);
  const y = f(n1 / f(n[1]! + 2 * n[2]!));
  const amounts: number[] = [];
  for (let j = 1; j <= 3; j++) {
    const d = f(f(j) - f(f(f(f(j + 1) * y) * f(n[j + 1]!)) / f(n[j]!)));
    if (!(d >= 0 && d <= j)) {
      return useFallback(
        `Kneser-Ney discount D${j === 3 ? '3+' : j} for order ${order} is ${d}, outside ` +
          `[0, ${j}] (the counts-of-counts are unusual)`,
      );
    }
    amounts.push(d);
  }
  return { discount: { d1: amounts[0]!, d2: amounts[1]!, d3: amounts[2]! } };
}

/**
 * The discounted share of an n-gram of adjusted count `a` in a context whose adjusted counts sum to `total`:
 * `(a − D(a)) / total` (0 for a = 0), in float32 step by step as lmplz computes it. `d1`, `d2`, `d3` are D1, D2,
 * D3+ as float32 values. Every estimator (in memory, on disk, pruned, distributed) computes it here: the same bits.
 */
export function discountedShare(a: number, total: number, d1: number, d2: number, d3: number): number {
  const f = Math.fround;
  return a === 0 ? 0 : f(f(a - (a === 1 ? d1 : a === 2 ? d2 : d3)) / f(total));
}

/**
 * A context's interpolation weight gamma: `(D1·n1 + D2·n2 + D3+·n3+ + pruned) / total`, summed in that order in
 * float32 as lmplz sums it (`pruned`: the adjusted counts of its pruned n-grams, 0 without pruning); 0 when
 * `total` is 0. nK: the context's (kept) n-grams with adjusted count K (3 and more for n3).
 */
export function interpolationWeight(n1: number, n2: number, n3: number, pruned: number, total: number, d1: number, d2: number, d3: number): number {
  if (total === 0) return 0;
  const f = Math.fround;
  let g = f(d1 * n1);
  g = f(g + f(d2 * n2));
  g = f(g + f(d3 * n3));
  g = f(g + f(pruned));
  return f(g / f(total));
}
