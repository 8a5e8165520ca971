/**
 * The tokens that would repeat an n-gram of size `n` if appended to `ids`: every token `y` such that
 * `ids[-(n-1):] + [y]` already occurs in `ids` (for `n = 1`, every token of `ids`). Empty when `n` is 0 (blocking
 * off) or `ids` is shorter than `n - 1`.
 */
export function blockedTokens(ids: readonly number[], n: number): Set<number> {
  const blocked = new Set<number>();
  if (n <= 0) return blocked;
  const t = ids.length;
  if (t < n - 1) return blocked;
  // Every earlier window ids[j .. j+n-2] equal to the last n-1 tokens blocks the token that followed it.
  for (let j = 0; j + n - 1 < t; j++) {
    let same = true;
    for (let m = 0; m < n - 1; m++) {
      if (ids[j + m] !== ids[t - n + 1 + m]) {
        same = false;
        break;
      }
    }
    if (same) blocked.add(ids[j + n - 1]!);
  }
  return blocked;
}
