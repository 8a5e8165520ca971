import { rmSync } from 'node:fs';
import type { RecordReader } from './countFiles.js';
import type { DiskWorkspace } from './diskWorkspace.js';
import { compareRecords } from './diskWorkspace.js';
import { check } from './errors.js';
import type { RecordSorter } from './recordSorter.js';
import { RecordWriter } from './recordWriter.js';

/**
 * The count threshold of every order (index n−1 for order n; unigrams 0) from KenLM-style `--prune` thresholds,
 * checked as {@link estimateKneserNey} checks them; `undefined` when nothing is pruned (no threshold above 0).
 * The last threshold repeats for the higher orders.
 * @throws InvalidArgumentError naming `options.prune` (thresholds that decrease) or `options.prune[0]` (above 0).
 */
export function pruneThresholds(prune: readonly number[] | undefined, order: number): number[] | undefined {
  if (prune === undefined) return undefined;
  check.array(prune, 'options.prune');
  prune.forEach((t, i) => check.integer(t, `options.prune[${i}]`, 0));
  if (!prune.some((t) => t > 0)) return undefined;
  for (let n = 1; n < prune.length; n++) {
    if (prune[n]! < prune[n - 1]!) throw check.invalid(prune, 'options.prune', 'thresholds that do not decrease with the order');
  }
  if (prune[0]! > 0) throw check.invalid(prune[0], 'options.prune[0]', '0 (unigrams cannot be pruned)');
  return Array.from({ length: order }, (_, n) => (n === 0 ? 0 : prune[Math.min(n, prune.length - 1)]!));
}

/**
 * Which n-grams of orders 2..N a pruned model keeps, out of core, as {@link estimateKneserNey} decides it: an
 * n-gram is kept when its raw count is above its order's threshold, and kept anyway when a kept n-gram one order
 * up has it as its prefix or its suffix (so the model stays a valid backoff model; the closure runs from the top
 * order down). Writes, per order n ≥ 2, the scratch file `keep-n`: one uint32 (1 kept, 0 pruned) per n-gram, in
 * the order of the count file `counts[n-1]`. The prefixes and suffixes that must stay are sorted and deduplicated
 * into `needed-n` on the way down (removed once read).
 * @returns the number of n-grams kept per order (index 0 = unigrams: `vocabSize`, never pruned).
 */
export function pruneMarksOnDisk(
  workspace: DiskWorkspace,
  counts: readonly string[],
  vocabSize: number,
  thresholds: readonly number[],
  signal: AbortSignal | undefined,
): number[] {
  const order = thresholds.length;
  const kept = Array.from({ length: order }, (_, n) => (n === 0 ? vocabSize : 0));
  for (let n = order; n >= 2; n--) {
    kept[n - 1] = pruneOrder(workspace, counts[n - 1]!, n, order, thresholds[n - 1]!, signal);
    signal?.throwIfAborted();
  }
  return kept;
}

/**
 * The marks of order `n` (`keep-n`) and, above order 2, the n-grams one order down that the kept ones need
 * (`needed-(n−1)`); returns how many are kept. Functions of their own, so that the sort buffer (the cap, less the
 * readers') is referenced by no frame once its merge, and the next order's sorter, start.
 */
function pruneOrder(workspace: DiskWorkspace, counts: string, n: number, order: number, threshold: number, signal: AbortSignal | undefined): number {
  const reader = workspace.open(counts, n + 1);
  const needed = n < order ? workspace.open(workspace.path(`needed-${n}`), n + 1) : undefined;
  let writer: RecordWriter | undefined;
  let sorter: RecordSorter | undefined;
  let kept: number;
  try {
    writer = new RecordWriter(workspace.path(`keep-${n}`), 1, Math.floor(workspace.fileBytes / 4), workspace.budget);
    // The n-grams this order's kept ones need one order down (no order 1: unigrams are all kept).
    if (n > 2) sorter = workspace.sorter(n, n - 1, workspace.budget.cap - workspace.budget.used, `needed-${n - 1}`, true);
    kept = markOrder(reader, needed, writer, sorter, n, threshold, signal);
  } finally {
    workspace.close(reader);
    workspace.close(needed);
    writer?.close();
  }
  if (sorter !== undefined) workspace.finish(sorter, `needed-${n - 1}`);
  if (needed !== undefined) rmSync(workspace.path(`needed-${n}`), { force: true });
  return kept;
}

/** Marks each n-gram `reader` reads (kept: above `threshold`, or `needed`), adding the kept ones' prefixes and suffixes to `sorter`. */
function markOrder(
  reader: RecordReader,
  needed: RecordReader | undefined,
  writer: RecordWriter,
  sorter: RecordSorter | undefined,
  n: number,
  threshold: number,
  signal: AbortSignal | undefined,
): number {
  const buf = reader.buffer;
  let kept = 0;
  let more = needed?.next() ?? false;
  let steps = 0;
  while (reader.next()) {
    const at = reader.at;
    let keep = buf[at + n]! > threshold;
    if (needed !== undefined) {
      let c = -1;
      while (more && (c = compareRecords(needed.buffer, needed.at, buf, at, n)) < 0) more = needed.next();
      if (more && c === 0) keep = true;
    }
    writer.buffer[writer.slot()] = keep ? 1 : 0;
    if (!keep) continue;
    kept++;
    if (sorter !== undefined) {
      const out = sorter.buffer;
      let s = sorter.slot();
      for (let k = 0; k < n - 1; k++) out[s + k] = buf[at + k]!; // prefix
      out[s + n - 1] = 1;
      s = sorter.slot();
      for (let k = 0; k < n - 1; k++) out[s + k] = buf[at + 1 + k]!; // suffix
      out[s + n - 1] = 1;
    }
    if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
  }
  return kept;
}
