// Renders bench/results/rnn.json (written by bench/lm.mjs) as the markdown section BENCHMARKS.md shows; used by
// lm.mjs and by scripts/bench-report.mjs. Run directly, it prints the section for a JSON file:
//   node bench/report.mjs [path/to/rnn.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const int = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const ratio = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const range = (xs) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
};

/** Whether `result` is a bench/lm.mjs result this renderer knows (older files were a different shape). */
export function isRnnBenchResult(result) {
  return result !== null && typeof result === 'object' && Array.isArray(result.variants);
}

/** "timed steps × rounds" of one row over the given cases, e.g. `30 × 3` or `1–3 × 1`. */
function stepsCell(row, keys) {
  const steps = keys.flatMap((k) => row.summary[k]?.stepsPerRound ?? []);
  if (steps.length === 0) return '—';
  const rounds = range(keys.map((k) => row.summary[k]?.stepsPerRound.length ?? 0).filter((n) => n > 0));
  const capped = keys.some((k) => row.summary[k]?.capped) ? ' (time cap)' : '';
  const failed = row.runs.filter((r) => r.error !== undefined).length;
  return `${range(steps)} × ${rounds}${capped}${failed > 0 ? ` (+${failed} failed round${failed === 1 ? '' : 's'})` : ''}`;
}

function table(result, mode, title) {
  const keys = result.config.bptts.map((b) => `${mode}-${b}`);
  const head = ['implementation', 'timed steps × rounds'];
  for (const b of result.config.bptts) head.push(`BPTT ${b}${b === 20 ? ' (published)' : ''}: tok/s median (best)`, 'vs PyTorch 2 thr / 1 thr');
  const lines = [title, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const row of result.variants) {
    const cells = [row.label, stepsCell(row, keys)];
    for (const key of keys) {
      const s = row.summary[key];
      const failed = row.runs.find((r) => r.error !== undefined);
      if (s === undefined) {
        cells.push(failed ? `failed: ${failed.error.slice(0, 80).replaceAll('|', '/')}` : '—', '—');
        continue;
      }
      const one = s.roundsTokensPerSecond.length === 1;
      // CPU seconds per step (all threads), where the child reported them: the work, whatever the machine's load.
      const cpu = typeof s.medianCpuSecondsPerStep === 'number' && Number.isFinite(s.medianCpuSecondsPerStep) ? `; ${s.medianCpuSecondsPerStep.toFixed(3)} CPU-s/step` : '';
      cells.push(`${one ? int(s.medianTokensPerSecond) : `${int(s.medianTokensPerSecond)} (${int(s.bestTokensPerSecond)})`}${cpu}`, `${ratio(s.vsTorch2)} / ${ratio(s.vsTorch1)}`);
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The markdown for one bench/lm.mjs result: training and inference tables, then how they were measured. */
export function renderRnnMarkdown(result) {
  const c = result.config;
  const m = result.machine;
  const blas = result.torch?.blas;
  const blasLine = blas
    ? `PyTorch ${result.torch.version} (Debian python3-torch, Python ${result.torch.python}) loaded **${blas.name}**` +
      (blas.openblasConfig ? ` (\`${blas.openblasConfig}\`, ${blas.openblasThreads} thread${blas.openblasThreads === 1 ? '' : 's'} per call)` : '') +
      `, read from /proc/self/maps: ${blas.libraries.map((l) => `\`${l.realpath}\``).join(', ')}.`
    : 'PyTorch did not run in this result.';
  const notes = result.variants.filter((v) => v.note).map((v) => `${v.label}: ${v.note}`);
  const warmup = (spec) => `${spec.warmup}${spec.warmupOnce ? '*' : ''}`;
  const warm = result.variants.map((v) => `${v.id} ${warmup(v.steps.train)}/${warmup(v.steps.infer)}`);
  const load = m.loadAverage1;
  const failures = result.variants.flatMap((v) => v.runs.filter((r) => r.error !== undefined).map((r) => `${v.id} round ${r.round}: ${r.error}`));
  // What each wasm row's matmul actually ran on, as its processes reported it (not what the label intends).
  const gemm = result.variants
    .filter((v) => v.runner === 'nlpkit' && v.backend === 'wasm')
    .map((v) => {
      const g = v.runs.findLast((r) => r.error === undefined)?.wasm?.nlpkitGemm;
      if (g?.blas) return `${v.id} ${g.stats.calls} products on ${g.blas} (${g.threads} thread${g.threads === 1 ? '' : 's'})`;
      return `${v.id} ${g?.threads ? `${g.threads} thread${g.threads === 1 ? '' : 's'} (${g.stats.shared} of ${g.stats.calls} products split)` : 'not used (XNNPACK)'}`;
    });
  return [
    `### LSTM LM, Zaremba-small (V ${c.vocabSize / 1000}k, ${c.layers}×${c.hiddenSize}, batch ${c.batch}, full softmax) — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${result.startedAt.slice(0, 10)}${result.quick ? ' — QUICK MODE (not for comparison)' : ''}`,
    '',
    `One run of \`pnpm bench\` in packages/rnn (${Math.round(result.wallSeconds / 60)} min): ${result.rounds} round${result.rounds === 1 ? '' : 's'} interleaved between implementations, a fresh process per implementation per round, tokens/s per round = timed tokens / timed seconds; median over rounds (best round; a single number where a row ran one round). A row that reached its time cap before its step count shows it (time cap). Tokens per step = batch × BPTT. Ratios: median ÷ PyTorch's median, 2 threads / 1 thread. Goal (issue 12): ≥ 1.0× PyTorch on training.`,
    '',
    table(result, 'train', `**Training** (forward + backward + global-norm clip ${5} + SGD, loss read every step), PTB train tokens:`),
    '',
    table(result, 'infer', '**Inference** (forward + loss, state carried between segments, loss read every step):'),
    '',
    `- ${blasLine}`,
    `- Load average (1 min) before each process: min ${load.min.toFixed(1)}, median ${load.median.toFixed(1)}, max ${load.max.toFixed(1)} on ${m.cores} cores (the bench's own processes count); the bench ran at nice ${m.nice}. ${result.machineNote ?? 'Other jobs on the machine: none recorded (`BENCH_MACHINE_NOTE` says what else ran).'} A shared VM's speed also drifts with the host's other guests: compare within the table, not across runs.`,
    ...(gemm.length > 0 ? [`- what nlpkit's wasm products ran on, as the processes reported it (last round): ${gemm.join('; ')}.`] : []),
    `- Warm-up steps (train/infer) before the timed ones, * at the first BPTT length only: ${warm.join(', ')}.`,
    ...notes.map((n) => `- ${n}`),
    ...(failures.length > 0 ? [`- Failed processes (left out of the medians): ${failures.join('; ')}.`] : []),
    '- tf.layers gets inputs embedded outside the model (its Embedding cannot train on wasm: the gather gradient needs UnsortedSegmentSum) and clips nothing (tf.layers has no global-norm clipping), so it does a little less work than the others; its LSTMs are `stateful` so state is carried as in the others.',
    `- Raw numbers (every round, every step time, loss, loaded libraries): \`bench/results/rnn.json\`.`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2] ?? fileURLToPath(new URL('../../../bench/results/rnn.json', import.meta.url));
  const result = JSON.parse(readFileSync(path, 'utf8'));
  if (!isRnnBenchResult(result)) {
    console.error(`${path} is not a result of bench/lm.mjs (no variants list); run pnpm bench first.`);
    process.exit(1);
  }
  console.log(renderRnnMarkdown(result));
}
