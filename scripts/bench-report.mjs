// Rebuilds BENCHMARKS.md from the per-package tables the benchmarks wrote under bench/results/.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../bench/results/', import.meta.url);
const order = ['ngram', 'text', 'metrics', 'rnn', 'tensor', 'packages'];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .sort((a, b) => {
    const rank = (f) => (order.indexOf(f.replace(/\.md$/, '')) + order.length + 1) % (order.length + 1);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
const sections = files.map((f) => readFileSync(new URL(f, dir), 'utf8').trim());
writeFileSync(
  new URL('../BENCHMARKS.md', import.meta.url),
  `# Benchmarks\n\nThe latest numbers from \`pnpm bench\`, with the machine they came from. Raw results: \`bench/results/*.json\`.\n\n${sections.join('\n\n')}\n`,
);
console.log(`BENCHMARKS.md: ${files.length} sections (${files.join(', ')})`);
