import { rmSync } from 'node:fs';
import { ArpaLineBlocks } from './arpaLineBlocks.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { vocabularyBytes } from './arpaPiece.js';
import { type DiskWorkspace, compareRecords } from './diskWorkspace.js';
import { createLog10f } from './log10f.js';
import { BOS_INDEX, EOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';
import { RecordWriter } from './recordWriter.js';

/**
 * The last pass of {@link estimateKneserNeyOnDisk}, as ARPA bytes (the same as every ARPA writer's): the header,
 * then {@link interpolatedArpaSections}' lines under their section headers. `sizes`: the number of n-grams per
 * order (the header's counts).
 */
export async function* interpolatedArpaText(
  workspace: DiskWorkspace,
  order: number,
  words: readonly string[],
  sizes: readonly number[],
  prob1: Float32Array,
): AsyncGenerator<string | Uint8Array, void, undefined> {
  yield arpaHeader(sizes);
  let section = 0;
  for await (const chunk of interpolatedArpaSections(workspace, order, words, prob1)) {
    let headers = '';
    while (section < chunk.order) headers += arpaSectionHeader(++section);
    if (headers !== '') yield headers;
    yield chunk.bytes;
  }
  let end = '';
  while (section < order) end += arpaSectionHeader(++section);
  yield end + ARPA_END;
}

/** The range of last words {@link interpolatedArpaSections} writes: word indexes `from` to `to` (excluded). */
export interface LastWordRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The n-gram lines of an ARPA file, order by order, as chunks `{ order, bytes }` of about 1 MiB (no headers): in
 * KenLM's suffix order, each n-gram's interpolated probability `p = discounted + gamma(context) · p(suffix)` — its
 * suffix's probability read from the order below, whose file (`probabilities-n`, written here) is in the same
 * sequence — and its backoff `log10 gamma` joined from the interpolation weights of the order above (`weights-n`).
 * Reads the scratch files `estimate-n` (n-grams stored last word first: `[wn … w1, discounted, gamma]` as float32
 * bits) and removes them as it goes. `prob1`: the unigrams' interpolated probabilities (`<s>`: 1). The lines are
 * formatted in blocks ({@link ArpaLineBlocks}), byte for byte as the in-memory writer formats them.
 *
 * With `range`, only the n-grams whose last word is in it are written — the scratch files then hold only those
 * (suffix order sorts by the last word first, so the parts of consecutive ranges concatenate, order by order, into
 * the whole file: the distributed estimator writes its ARPA this way).
 */
export async function* interpolatedArpaSections(
  workspace: DiskWorkspace,
  order: number,
  words: readonly string[],
  prob1: Float32Array,
  range: LastWordRange = { from: 0, to: words.length },
): AsyncGenerator<{ order: number; bytes: Uint8Array }, void, undefined> {
  const f = Math.fround;
  const log10f = createLog10f();
  // log10 gamma of a context (-inf where gamma is 0, as lmplz writes); 0 where no n-gram follows (no weights record).
  const backoffOf = (found: boolean, gammaBits: number, last: number): number =>
    found && last !== UNK_INDEX && last !== EOS_INDEX ? log10f(workspace.fromBits(gammaBits)) : 0;
  // Pass 4: interpolation in suffix order, written as ARPA text.
  const lines = new ArpaLineBlocks(vocabularyBytes(words), order);
  const { probs, backoffs, words: lineWords } = lines;
  {
    const weights = order > 1 ? workspace.open(workspace.path('weights-2'), 2) : undefined;
    lines.section(1, weights !== undefined);
    try {
      let more = weights?.next() ?? false;
      for (let id = range.from; id < range.to; id++) {
        const j = lines.count;
        probs[j] = id === BOS_INDEX ? 0 : Math.min(0, log10f(prob1[id]!));
        if (weights !== undefined) {
          while (more && weights.buffer[weights.at]! < id) more = weights.next();
          backoffs[j] = backoffOf(more && weights.buffer[weights.at] === id, weights.buffer[weights.at + 1]!, id);
        }
        lineWords[j] = id;
        if (lines.add()) yield { order: 1, bytes: lines.take()! };
      }
    } finally {
      workspace.close(weights);
    }
  }
  const last = lines.take();
  if (last !== undefined) yield { order: 1, bytes: last };
  for (let n = 2; n <= order; n++) {
    const reader = workspace.open(workspace.path(`estimate-${n}`), n + 2, n);
    const lower = n > 2 ? workspace.open(workspace.path(`probabilities-${n - 1}`), n) : undefined;
    const weights = n < order ? workspace.open(workspace.path(`weights-${n + 1}`), n + 1) : undefined;
    const writer = n < order ? new RecordWriter(workspace.path(`probabilities-${n}`), n + 1, Math.max(16, Math.floor(workspace.fileBytes / 4 / (n + 1))), workspace.budget) : undefined;
    lines.section(n, weights !== undefined);
    try {
      let lowerMore = lower?.next() ?? false;
      let weightsMore = weights?.next() ?? false;
      const buf = reader.buffer;
      while (reader.next()) {
        const at = reader.at;
        let lowerProb: number;
        if (lower === undefined) lowerProb = prob1[buf[at]!]!;
        else {
          while (lowerMore && compareRecords(lower.buffer, lower.at, buf, at, n - 1) < 0) lowerMore = lower.next();
          lowerProb = workspace.fromBits(lower.buffer[lower.at + n - 1]!);
        }
        const p = f(workspace.fromBits(buf[at + n]!) + f(workspace.fromBits(buf[at + n + 1]!) * lowerProb));
        const j = lines.count;
        if (weights !== undefined) {
          while (weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) < 0) weightsMore = weights.next();
          const found = weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) === 0;
          backoffs[j] = backoffOf(found, weights.buffer[weights.at + n]!, buf[at]!);
        }
        if (writer !== undefined) {
          const w = writer.slot();
          for (let k = 0; k < n; k++) writer.buffer[w + k] = buf[at + k]!;
          writer.buffer[w + n] = workspace.toBits(p);
        }
        probs[j] = Math.min(0, log10f(p));
        // Stored last word first; written first word first.
        for (let k = 0, w = j * n + n - 1; k < n; k++, w--) lineWords[w] = buf[at + k]!;
        if (lines.add()) yield { order: n, bytes: lines.take()! };
      }
    } finally {
      workspace.close(reader);
      workspace.close(lower);
      workspace.close(weights);
      writer?.close();
    }
    rmSync(workspace.path(`estimate-${n}`), { force: true });
    if (n > 2) rmSync(workspace.path(`probabilities-${n - 1}`), { force: true });
    if (n < order) rmSync(workspace.path(`weights-${n + 1}`), { force: true });
    const rest = lines.take();
    if (rest !== undefined) yield { order: n, bytes: rest };
  }
}
