/**
 * A valid order-2 ARPA text of about `bytes` characters (unigrams w0…, then bigrams in trie order), built without
 * estimating a model, for the complexity tests.
 */
export function syntheticArpa(bytes: number): string {
  const lineLength = 24;
  const lines = Math.max(10, Math.floor(bytes / lineLength));
  const vocab = Math.max(4, Math.ceil(Math.sqrt(lines)));
  const bigrams = Math.max(1, lines - vocab);
  const perWord = Math.ceil(bigrams / vocab);
  const out: string[] = ['\\data\\', `ngram 1=${vocab + 3}`, `ngram 2=${bigrams}`, '', '\\1-grams:', '-1.5\t<unk>', '-99\t<s>\t-0.5', '-1.25\t</s>'];
  for (let i = 0; i < vocab; i++) out.push(`-${(2 + (i % 97) / 100).toFixed(6)}\tw${i}\t-0.${(i % 89) + 10}`);
  out.push('', '\\2-grams:');
  let written = 0;
  for (let i = 0; i < vocab && written < bigrams; i++) {
    for (let j = 0; j < perWord && written < bigrams; j++, written++) out.push(`-0.${((i * 31 + j) % 9000) + 1000}\tw${i}\tw${j}`);
  }
  out.push('', '\\end\\', '');
  return out.join('\n');
}
