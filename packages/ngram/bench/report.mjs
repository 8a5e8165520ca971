// Assembles the parts written by estimate.mjs, query.mjs, external.mjs, sideBySide.mjs and cliStartup.mjs into
// bench/results/ngram.{json,md}.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { machine, partsDir, resultsDir } from './common.mjs';

const part = (name) => (existsSync(`${partsDir}${name}.json`) ? JSON.parse(readFileSync(`${partsDir}${name}.json`, 'utf8')) : undefined);
const estimate = part('estimate');
const query = part('query');
const external = part('external');
const sideBySide = part('sideBySide');
const cliStartup = part('cliStartup');
const result = { package: '@nlpkit/ngram', machine: machine(), estimate, query, external, sideBySide, cliStartup };
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}ngram.json`, `${JSON.stringify(result, null, 2)}\n`);

const f = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '—');
const m = result.machine;
const lines = [
  `### @nlpkit/ngram — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}`,
  '',
  'A shared 2-core VM (load average at report time ' + m.loadAverage.join(' / ') + '): its speed drifts with the host\'s other guests, so compare within a table; bench/notes.md says what else ran.',
  '',
  '| measure | @nlpkit/ngram | KenLM (issue 3) |',
  '|---|---|---|',
];
if (estimate) {
  lines.push(
    `| PTB order-5 estimation only, in process, no model written (read + count + modified KN, median of 3; lmplz has no such mode) | ${f(estimate.estimateSeconds.median)} s | — |`,
    `| … its peak RSS (child process) | ${f(estimate.peakRssMiB.median, 0)} MiB (${f(estimate.peakRssMiB.median * 1.048576, 0)} MB) | — |`,
    `| PTB order-5 estimate + write the ARPA (what a user runs; lmplz timed in another run, issue 3) | ${f(estimate.estimatePlusArpaSeconds)} s, ${f(estimate.peakRssWithArpaMiB, 0)} MiB | 2.67 s, 233 MB (lmplz \`-S 1G\`) |`,
    `| PTB test perplexity, order 5 | ${f(estimate.perplexity, 3)} | 141.19 |`,
  );
}
if (query) {
  const b = query.binary;
  lines.push(
    `| query tokens/s incl. model load (binary, PTB test, 82,430 tokens) | ${f(b.float32.tokensPerSecondIncludingLoad / 1e6)} M (q8: ${f(b.q8.tokensPerSecondIncludingLoad / 1e6)} M) | ~1.7 M |`,
    `| query tokens/s, model warm | ${f(b.float32.tokensPerSecondWarm / 1e6)} M (hash index after ARPA load: ${f(query.arpa.tokensPerSecondWarm / 1e6)} M) | — |`,
    `| binary model load | ${f(b.float32.loadSeconds, 3)} s (ARPA text: ${f(query.arpa.loadSeconds, 1)} s) | — |`,
    `| bytes per n-gram, binary | ${f(b.float32.bytesPerNgram)} (float32), ${f(b.q8.bytesPerNgram)} (8-bit quantized; PPL ${f(b.q8.perplexity, 2)}) | probing 21.6, trie 9.9 |`,
  );
}
if (external) {
  lines.push(
    `| bounded-memory counting, ${(external.tokens / 1e6).toFixed(1)} M tokens (${external.corpus}), order ${external.order} | ${f(external.seconds, 0)} s, ${f(external.tokensPerSecond / 1e6)} M tokens/s, ${external.runs} runs; tables capped at ${external.memoryCapMiB} MiB, process peak RSS ${f(external.maxRssMiB, 0)} MiB | — |`,
  );
}
if (sideBySide) {
  const s = sideBySide;
  const cpu = (r) => (typeof r.cpuSeconds === 'number' ? ` (${f(r.cpuSeconds)} s CPU)` : '');
  const cell = (r) => `${f(r.seconds)} s${cpu(r)}, ${f(r.peakMB, 0)} MB`;
  const cpuRatio = (o, k) => (typeof o.cpuSeconds === 'number' && typeof k.cpuSeconds === 'number' ? `, ${f(o.cpuSeconds / k.cpuSeconds)}× CPU` : '');
  const ratio = (o, k) => `${f(o.seconds / k.seconds)}× time${cpuRatio(o, k)}, ${f(o.peakMB / k.peakMB)}× memory`;
  lines.push(
    '',
    `Side by side with KenLM ${s.kenlm.commit} (built from source outside the repository), one run, interleaved, each a fresh process, best of ${s.rounds}; load average ${s.loadAverageAtEachRound.join(' / ')}:`,
    '',
    '| what a user runs | `nlpkit` CLI | KenLM | ratio |',
    '|---|---|---|---|',
  );
  for (const c of s.corpora) {
    const what = `${c.corpus} (${(c.tokens / 1e6).toFixed(2)} M tokens with \`</s>\`, ${c.vocabulary} words), order ${c.order}`;
    lines.push(
      `| ${what}: \`ngram train --order 5 --arpa\` vs \`${s.kenlm.train}\` (whole process, ARPA written; byte-identical: ${c.arpaIdentical}) | ${cell(c.train.ours)} | ${cell(c.train.kenlm)} | ${ratio(c.train.ours, c.train.kenlm)} |`,
      `| score that text from its ARPA, load included: \`ngram eval\` vs \`${s.kenlm.eval}\` | ${cell(c.evalArpa.ours)} | ${cell(c.evalArpa.kenlm)} | ${ratio(c.evalArpa.ours, c.evalArpa.kenlm)} |`,
      `| same from binary models (\`ngram build-binary\` vs \`${s.kenlm.binary}\`) | ${cell(c.evalBinary.ours)} | ${cell(c.evalBinary.kenlm)} | ${ratio(c.evalBinary.ours, c.evalBinary.kenlm)} |`,
    );
    if (c.evalProbing !== undefined) {
      lines.push(`| same, against KenLM's probing binary (\`${s.kenlm.probing}\`; its hash tables: the memory reference) | ${cell(c.evalProbing.ours)} | ${cell(c.evalProbing.kenlm)} | ${ratio(c.evalProbing.ours, c.evalProbing.kenlm)} |`);
    }
    if (c.queryArpa !== undefined) {
      lines.push(
        `| word by word from the ARPA: \`ngram query\` vs \`${s.kenlm.query}\` (every token's score, load included; output identical: ${c.queryArpa.outputIdentical}) | ${cell(c.queryArpa.ours)} | ${cell(c.queryArpa.kenlm)} | ${ratio(c.queryArpa.ours, c.queryArpa.kenlm)} |`,
      );
    }
  }
}
if (cliStartup) {
  lines.push(
    '',
    `CLI start-up (\`bench/cliStartup.mjs\`): CPU seconds (user + system) and peak RSS, best of ${cliStartup.rounds}, a fresh process each; load average ${cliStartup.loadAverageAtEachRound.join(' / ')}:`,
    '',
    '| command | CPU s | peak MB |',
    '|---|---|---|',
    ...Object.entries(cliStartup.rows).map(([name, r]) => `| \`${name}\` | ${f(r.cpuSeconds)} | ${f(r.peakMB, 0)} |`),
  );
}
lines.push('', 'Reproduce: `pnpm build && pnpm bench` in `packages/ngram` (needs `../shared/data/ptb`); the side-by-side rows: build the CLI, then `node bench/sideBySide.mjs && node bench/report.mjs` (KENLM_BIN: KenLM\'s bin folder).', '');
// Prose about the run (load on the machine, before/after figures measured apart) lives in bench/notes.md, written
// by whoever ran the benchmarks; it is appended as is.
const notes = new URL('./notes.md', import.meta.url);
if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trim(), '');
writeFileSync(`${resultsDir}ngram.md`, lines.join('\n'));
console.log(lines.join('\n'));
