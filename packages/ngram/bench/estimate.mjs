// PTB order-5 estimation: wall time (read + count + modified Kneser-Ney) and peak RSS, each run in a fresh child.
import { child, machine, median, requirePtb, savePart } from './common.mjs';

requirePtb();
const runs = [];
for (let i = 0; i < 3; i++) runs.push(child('./estimateChild.mjs', ['5']));
const withArpa = child('./estimateChild.mjs', ['5', 'arpa']);
const result = {
  machine: machine(),
  order: 5,
  estimateSeconds: { median: median(runs.map((r) => r.estimateMs)) / 1000, runs: runs.map((r) => r.estimateMs / 1000) },
  peakRssMiB: { median: median(runs.map((r) => r.maxRssMiB)), runs: runs.map((r) => r.maxRssMiB) },
  arpaWriteSeconds: withArpa.arpaMs / 1000,
  estimatePlusArpaSeconds: (withArpa.estimateMs + withArpa.arpaMs) / 1000,
  peakRssWithArpaMiB: withArpa.maxRssMiB,
  perplexity: runs[0].perplexity,
  counts: runs[0].counts,
  kenlm: { lmplzSeconds: 2.67, lmplzPeakMB: 233, perplexity: 141.19, note: 'lmplz -o 5 -S 1G, as quoted in issue 3' },
};
savePart('estimate', result);
console.table({
  'ours (read+count+estimate)': { seconds: result.estimateSeconds.median, 'peak RSS MiB': result.peakRssMiB.median },
  'ours + ARPA write': { seconds: result.estimatePlusArpaSeconds, 'peak RSS MiB': result.peakRssWithArpaMiB },
  'KenLM lmplz (issue)': { seconds: 2.67, 'peak RSS MiB': 233 / 1.048576 },
});
