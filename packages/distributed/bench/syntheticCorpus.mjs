// A seeded synthetic corpus for scale benchmarks, at the pessimistic end for n-gram counting: words drawn i.i.d. from
// a Zipf(1) distribution over `--vocab` words (w1 … wV), sentences of 5–35 words, so that nearly every trigram of a
// large corpus is new (real text repeats far more). Usage:
//   node bench/syntheticCorpus.mjs --tokens 50000000 --vocab 60000 --seed 1 > corpus.txt
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const tokens = arg('tokens', 10_000_000);
const vocab = arg('vocab', 60_000);
let state = arg('seed', 1) >>> 0 || 1;
// xorshift32: fast, seeded, good enough to draw words.
const random = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
};
const cumulative = new Float64Array(vocab);
let sum = 0;
for (let r = 0; r < vocab; r++) cumulative[r] = sum += 1 / (r + 1);
const words = Array.from({ length: vocab }, (_, r) => `w${r + 1}`);
const draw = () => {
  const u = random() * sum;
  let lo = 0;
  let hi = vocab - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return words[lo];
};
let written = 0;
let buffer = '';
while (written < tokens) {
  const length = Math.min(5 + Math.floor(random() * 31), tokens - written);
  const line = new Array(length);
  for (let i = 0; i < length; i++) line[i] = draw();
  buffer += `${line.join(' ')}\n`;
  written += length;
  if (buffer.length > 1 << 20) {
    if (!process.stdout.write(buffer)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    buffer = '';
  }
}
process.stdout.write(buffer);
