import { relative, sep } from 'node:path';
import Table from 'cli-table3';
import { SAMPLING_TEMPERATURE, type DemoResult } from './runDemo.js';

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (p: number): string => `${(100 * p).toFixed(1)}%`;

/** A table with plain borders and no colours, so the text is the same on a terminal, in a pipe and in a test. */
function table(head: string[], colAligns: ('left' | 'right')[]): Table.Table {
  return new Table({ head, colAligns, style: { head: [], border: [], compact: true } });
}

/** A byte count as people read it (`99.5 MB`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A path as the user can type it: relative to the working folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

/** The demo's report: the data, the perplexity table, next words, generated sentences and what was saved. */
export function formatDemo(result: DemoResult): string {
  const { corpus } = result;
  const lines: string[] = [];
  lines.push(`Language models on the Brown corpus${result.quick ? ' (--quick: a fifth of it)' : ''}: ${corpus.files} files of American English from 1961, split by file`);
  lines.push(
    `  train ${count(corpus.train.sentences)} sentences (${count(corpus.train.words)} words), valid ${count(corpus.valid.sentences)}, test ${count(corpus.test.sentences)} (${count(corpus.test.words)} words)`,
  );
  lines.push(`  vocabulary: the ${count(corpus.vocabulary)} most frequent training words; the rest read as <unk> (${percent(corpus.testUnknownRate)} of test words)`);
  lines.push('');

  lines.push('Perplexity (lower is better; </s> counted, as KenLM)');
  const perplexities = table(['model', '', 'valid', 'test', 'train time'], ['left', 'left', 'right', 'right', 'right']);
  for (const row of result.rows) {
    perplexities.push([row.model, row.detail, row.validPerplexity.toFixed(1), row.testPerplexity.toFixed(1), row.seconds === 0 ? '' : `${row.seconds.toFixed(1)} s`]);
  }
  lines.push(perplexities.toString());
  lines.push('  KN: modified Kneser-Ney of order n (@nlpkit/ngram, identical to KenLM\'s lmplz)');
  for (const note of result.notes) lines.push(`  ${note}`);
  lines.push('');

  const names = Object.keys(result.next);
  lines.push(`Next word after "${result.prompt.join(' ')}"`);
  const next = table(['', ...names.flatMap((name) => [name, ''])], ['right', ...names.flatMap(() => ['left', 'right'] as const)]);
  const depth = Math.max(...names.map((name) => result.next[name]!.length));
  for (let rank = 0; rank < depth; rank++) {
    next.push([`${rank + 1}`, ...names.flatMap((name) => {
      const word = result.next[name]![rank];
      return word === undefined ? ['', ''] : [word.word, percent(word.probability)];
    })]);
  }
  lines.push(next.toString());
  lines.push('');

  lines.push(`Sentences sampled from KN5 (seed ${result.seed}, temperature ${SAMPLING_TEMPERATURE}, at least 6 words)`);
  for (const [i, sentence] of result.generated.entries()) lines.push(`  ${i + 1}. ${sentence}`);
  lines.push('');

  lines.push('Saved');
  const saved = table(['file', 'size', 'what'], ['left', 'right', 'left']);
  for (const file of result.saved) saved.push([shown(file.path), formatBytes(file.bytes), file.what]);
  lines.push(saved.toString());
  lines.push(`Done in ${result.seconds.toFixed(1)} s.`);
  return `${lines.join('\n')}\n`;
}
