import { rmSync } from 'node:fs';
import { ArpaLineBlocks } from './arpaLineBlocks.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { vocabularyBytes } from './arpaPiece.js';
import { type DiskWorkspace, compareRecords } from './diskWorkspace.js';
import { BOS_INDEX, EOS_INDEX, UNK_INDEX } from './ngramWordIndex.js';
import type { RecordReader } from './countFiles.js';
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
 * The lines of one section of order n ≥ 2 ({@link interpolatedArpaSections}), joined from its scratch files. The
 * per-line work is in a method, not in the generator: V8 does not compile a generator from inside its loop, so a
 * generator that yields once per block ran its lines in the interpreter, a heap object per float.
 */
class SectionInterpolation {
  #lowerMore: boolean;
  #weightsMore: boolean;
  readonly #float = new Float32Array(1);
  readonly #bits = new Uint32Array(this.#float.buffer);

  constructor(
    readonly n: number,
    readonly reader: RecordReader,
    readonly lower: RecordReader | undefined,
    readonly weights: RecordReader | undefined,
    readonly writer: RecordWriter | undefined,
    readonly prob1: Float32Array,
    readonly lines: ArpaLineBlocks,
  ) {
    this.#lowerMore = lower?.next() ?? false;
    this.#weightsMore = weights?.next() ?? false;
  }

  /** Lines into `lines` until a chunk of text is ready (true) or the section has no more (false). */
  fill(): boolean {
    const { n, reader, lower, weights, writer, prob1, lines } = this;
    const { probs, backoffs, words } = lines;
    const float = this.#float;
    const bits = this.#bits;
    const f = Math.fround;
    const buf = reader.buffer;
    while (reader.next()) {
      const at = reader.at;
      let lowerProb: number;
      if (lower === undefined) lowerProb = prob1[buf[at]!]!;
      else {
        while (this.#lowerMore && compareRecords(lower.buffer, lower.at, buf, at, n - 1) < 0) this.#lowerMore = lower.next();
        bits[0] = lower.buffer[lower.at + n - 1]!;
        lowerProb = float[0]!;
      }
      bits[0] = buf[at + n + 1]!;
      const gamma = float[0]!;
      bits[0] = buf[at + n]!;
      const p = f(float[0]! + f(gamma * lowerProb));
      const j = lines.count;
      if (weights !== undefined) {
        while (this.#weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) < 0) this.#weightsMore = weights.next();
        const last = buf[at]!;
        // Gamma of the context (its log10 is -inf where gamma is 0, as lmplz writes); 1 (log10: 0) where no n-gram
        // follows it.
        if (this.#weightsMore && compareRecords(weights.buffer, weights.at, buf, at, n) === 0 && last !== UNK_INDEX && last !== EOS_INDEX) {
          bits[0] = weights.buffer[weights.at + n]!;
          backoffs[j] = float[0]!;
        } else backoffs[j] = 1;
      }
      if (writer !== undefined) {
        const w = writer.slot();
        for (let k = 0; k < n; k++) writer.buffer[w + k] = buf[at + k]!;
        float[0] = p;
        writer.buffer[w + n] = bits[0]!;
      }
      probs[j] = p;
      // Stored last word first; written first word first.
      for (let k = 0, w = j * n + n - 1; k < n; k++, w--) words[w] = buf[at + k]!;
      if (lines.add()) return true;
    }
    return false;
  }
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
  // Gamma of a context (its log10 is -inf where gamma is 0, as lmplz writes); 1 (log10: 0) where no n-gram follows
  // it (no weights record).
  const backoffOf = (found: boolean, gammaBits: number, last: number): number =>
    found && last !== UNK_INDEX && last !== EOS_INDEX ? workspace.fromBits(gammaBits) : 1;
  // Pass 4: interpolation in suffix order, written as ARPA text (numbers given linear, see ArpaLineBlocks).
  const lines = new ArpaLineBlocks(vocabularyBytes(words), order, true);
  const { probs, backoffs, words: lineWords } = lines;
  {
    const weights = order > 1 ? workspace.open(workspace.path('weights-2'), 2) : undefined;
    lines.section(1, weights !== undefined);
    try {
      let more = weights?.next() ?? false;
      for (let id = range.from; id < range.to; id++) {
        const j = lines.count;
        probs[j] = id === BOS_INDEX ? 1 : prob1[id]!;
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
      const section = new SectionInterpolation(n, reader, lower, weights, writer, prob1, lines);
      while (section.fill()) yield { order: n, bytes: lines.take()! };
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
