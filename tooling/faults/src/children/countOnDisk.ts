// Counts a corpus on disk (countNgramsOnDisk) and in memory (countNgrams), compares every n-gram's count, and
// prints one JSON line. Run under `ulimit -n`: the merge must keep within the file-handle limit. argv: corpus,
// order, memoryBytes, directory, maxOpenFiles ('default' to leave it out).
import { readFileSync } from 'node:fs';
import { countNgrams } from '@nlpkit/ngram';
import { countNgramsOnDisk, readCountFile } from '@nlpkit/ngram/node';

const [corpus, orderText, memoryText, directory, maxOpenText] = process.argv.slice(2) as [string, string, string, string, string];
const order = Number(orderText);
const sentences = readFileSync(corpus, 'utf8')
  .split('\n')
  .map((line) => line.split(' ').filter((w) => w !== ''))
  .filter((s) => s.length > 0);
const disk = countNgramsOnDisk(sentences, {
  order,
  memoryBytes: Number(memoryText),
  directory,
  ...(maxOpenText === 'default' ? {} : { maxOpenFiles: Number(maxOpenText) }),
});

// The in-memory counts as "w1 w2 …" → count per order.
const counts = countNgrams(sentences, { order });
const v = counts.wordIndex;
const text: string[][] = [v.words().slice()];
const expected: Map<string, number>[] = [new Map()];
counts.counts[0]!.forEach((c, id) => c > 0 && expected[0]!.set(v.word(id), c));
for (let n = 1; n < order; n++) {
  const index = counts.indexes[n]!;
  const names: string[] = [];
  const map = new Map<string, number>();
  for (let id = 0; id < index.size; id++) {
    names[id] = `${text[n - 1]![index.parents[id]!]} ${v.word(index.words[id]!)}`;
    map.set(names[id]!, counts.counts[n]![id]!);
  }
  text.push(names);
  expected.push(map);
}

let mismatches = 0;
let compared = 0;
for (let n = 1; n <= order; n++) {
  const want = expected[n - 1]!;
  let seen = 0;
  for (const { words, count } of readCountFile(disk.files[n - 1]!, n)) {
    if (want.get(Array.from(words, (w) => disk.wordIndex.word(w)).join(' ')) !== count) mismatches++;
    seen++;
  }
  if (seen !== want.size) mismatches += Math.abs(want.size - seen);
  compared += seen;
}
process.stdout.write(`${JSON.stringify({ runs: disk.runs, distinct: disk.distinct, compared, mismatches, directory: disk.directory, runsDirectory: disk.runsDirectory, files: disk.files })}\n`);
