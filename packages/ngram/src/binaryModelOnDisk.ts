import { closeSync, openSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '@nlpkit/core/node';
import { fileChunks } from './arpaFile.js';
import {
  BINARY_CHECKSUM_START,
  BINARY_CHECKSUM_WORD,
  binaryChecksumEnd,
  binaryChecksumUpdate,
  binaryModelHeader,
} from './binaryModel.js';
import { type DiskWorkspace, compareRecords } from './diskWorkspace.js';
import { ArpaFormatError, PKG } from './errors.js';
import { NgramWordIndex } from './ngramWordIndex.js';
import type { RecordSorter } from './recordSorter.js';

/** Bytes per chunk handed to the file writer (a multiple of 4: sections are 4-byte aligned). */
const CHUNK = 1 << 16;

/** What {@link sortArpaOnDisk} keeps in memory (vocabulary-sized) beside the sorted files `trie-n` (n ≥ 2). */
interface ArpaTables {
  readonly order: number;
  readonly sizes: number[];
  readonly wordIndex: NgramWordIndex;
  readonly log10Probs: Float32Array;
  readonly log10Backoffs: Float32Array;
}

/**
 * Writes the float32 binary model (`toBinaryModel` without quantization) of an ARPA file our estimators wrote,
 * out of core: the ARPA is streamed once, each order's n-grams sorted into trie order — lexicographic by word id,
 * which is the binary format's order (by prefix position, then word) — with their values, then the sections are
 * written from the sorted files, twice: a first pass computes the checksum the header holds, the second writes the
 * file (atomically). The same bytes as `writeBinaryModelFile(readArpaFile(arpa))`; in memory only the vocabulary,
 * the unigrams' values and buffers counted against the workspace's cap. The ARPA must list every prefix of its
 * n-grams (ours do).
 */
export async function writeBinaryModelOnDisk(workspace: DiskWorkspace, arpa: string, output: string, signal: AbortSignal | undefined): Promise<void> {
  const tables = sortArpaOnDisk(workspace, arpa, signal);
  try {
    let h = BINARY_CHECKSUM_START;
    let length = 0;
    for (const chunk of binaryChunks(workspace, tables, 0, signal)) {
      const words = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 4);
      h = binaryChecksumUpdate(h, words, length, BINARY_CHECKSUM_WORD);
      length += words.length;
    }
    const checksum = binaryChecksumEnd(h, length);
    await writeFileAtomic(output, binaryChunks(workspace, tables, checksum, signal), { package: PKG, ...(signal ? { signal } : {}) });
  } finally {
    for (let n = 2; n <= tables.order; n++) rmSync(workspace.path(`trie-${n}`), { force: true });
  }
}

/** Reads the ARPA file: the unigrams into memory, each higher order sorted into the scratch file `trie-n`. */
function sortArpaOnDisk(workspace: DiskWorkspace, arpa: string, signal: AbortSignal | undefined): ArpaTables {
  const sizes: number[] = [];
  const wordIndex = new NgramWordIndex();
  let log10Probs = new Float32Array(0);
  let log10Backoffs = new Float32Array(0);
  let section = 0;
  let sorter: RecordSorter | undefined;
  let lineNo = 0;
  const endSection = (): void => {
    if (sorter !== undefined) workspace.finish(sorter, `trie-${section}`);
    sorter = undefined;
  };
  const f = Math.fround;
  const ids = new Uint32Array(10);
  const entry = (line: string): void => {
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    const lp = f(Number(line.slice(0, t1)));
    const bo = t2 < 0 ? 0 : f(Number(line.slice(t2 + 1)));
    const text = t2 < 0 ? line.slice(t1 + 1) : line.slice(t1 + 1, t2);
    if (section === 1) {
      const id = wordIndex.add(text);
      log10Probs[id] = lp;
      log10Backoffs[id] = bo;
      return;
    }
    const words = text.split(' ');
    for (let k = 0; k < section; k++) {
      const id = wordIndex.lookup(words[k] ?? '');
      if (id < 0 || words.length !== section) throw new ArpaFormatError(`expected ${section} known words, found ${JSON.stringify(text)}`, lineNo);
      ids[k] = id;
    }
    const s = sorter!.slot();
    const out = sorter!.buffer;
    for (let k = 0; k < section; k++) out[s + k] = ids[k]!;
    out[s + section] = workspace.toBits(lp);
    out[s + section + 1] = workspace.toBits(bo);
  };
  const handle = (line: string): void => {
    lineNo++;
    if ((lineNo & 0xffff) === 0) signal?.throwIfAborted();
    if (line === '' || line === '\\data\\') return;
    if (line.startsWith('ngram ')) {
      sizes.push(Number(line.slice(line.indexOf('=') + 1)));
      return;
    }
    if (line.startsWith('\\')) {
      endSection();
      if (line === '\\end\\') return;
      section++;
      if (line !== `\\${section}-grams:`) throw new ArpaFormatError(`expected \\${section}-grams:, found ${JSON.stringify(line)}`, lineNo);
      if (section === 1) {
        log10Probs = new Float32Array(sizes[0]!);
        log10Backoffs = new Float32Array(sizes[0]!);
      } else sorter = workspace.sorter(section + 2, section, workspace.budget.cap - workspace.budget.used, `trie-${section}`, false);
      return;
    }
    entry(line);
  };
  const fd = openSync(arpa, 'r');
  try {
    let rest = '';
    for (const chunk of fileChunks(fd, 1 << 20)) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') handle(rest);
  } finally {
    closeSync(fd);
  }
  if (wordIndex.size !== sizes[0]) throw new ArpaFormatError(`expected ${sizes[0]} unigrams, found ${wordIndex.size}`, lineNo);
  return { order: sizes.length, sizes, wordIndex, log10Probs, log10Backoffs };
}

/** A fixed buffer of bytes written as uint16 and uint32 words, handed out in 4-byte aligned chunks. */
class ChunkBuffer {
  readonly #bytes = new Uint8Array(CHUNK);
  readonly #u16 = new Uint16Array(this.#bytes.buffer);
  readonly #u32 = new Uint32Array(this.#bytes.buffer);
  at = 0;

  u16(x: number): boolean {
    this.#u16[this.at >> 1] = x;
    this.at += 2;
    return this.at === CHUNK;
  }

  /** Writes `x` (the buffer is 4-byte aligned here); true when the buffer is full. */
  u32(x: number): boolean {
    this.#u32[this.at >> 2] = x;
    this.at += 4;
    return this.at === CHUNK;
  }

  /** A copy of what is buffered, padded with zeros to 4 bytes (the end of a section); empties the buffer. */
  take(): Uint8Array {
    while (this.at % 4 !== 0) this.#bytes[this.at++] = 0;
    const chunk = this.#bytes.slice(0, this.at);
    this.at = 0;
    return chunk;
  }
}

/** The binary model's bytes, in chunks whose lengths are multiples of 4, with `checksum` in the header. */
function* binaryChunks(workspace: DiskWorkspace, tables: ArpaTables, checksum: number, signal: AbortSignal | undefined): Generator<Uint8Array> {
  const { order, sizes, wordIndex } = tables;
  const header = binaryModelHeader(order, false, sizes);
  header[BINARY_CHECKSUM_WORD] = checksum;
  yield new Uint8Array(header.buffer);
  const vocab = new TextEncoder().encode(wordIndex.words().join('\0'));
  const padded = new Uint8Array((vocab.length + 4 + 3) & ~3);
  new DataView(padded.buffer).setUint32(0, vocab.length, true);
  padded.set(vocab, 4);
  yield padded;
  yield new Uint8Array(tables.log10Probs.buffer);
  if (order > 1) yield new Uint8Array(tables.log10Backoffs.buffer);
  const out = new ChunkBuffer();
  const wide = sizes[0]! > 65536;
  for (let n = 2; n <= order; n++) {
    const file = workspace.path(`trie-${n}`);
    // Word ids (the last word of each n-gram).
    yield* section(workspace, file, n, out, signal, (buf, at) => (wide ? out.u32(buf[at + n - 1]!) : out.u16(buf[at + n - 1]!)));
    // First-child offsets: for each prefix in the order below (trie order too), where its children start.
    const children = workspace.open(file, n + 2, n);
    const prefixes = n > 2 ? workspace.open(workspace.path(`trie-${n - 1}`), n + 1, n - 1) : undefined;
    try {
      let more = children.next();
      let count = 0;
      for (let p = 0; prefixes === undefined ? p < sizes[0]! : prefixes.next(); p++) {
        if (out.u32(count)) yield out.take();
        if (prefixes === undefined) {
          while (more && children.buffer[children.at] === p) {
            count++;
            more = children.next();
          }
        } else {
          while (more && compareRecords(children.buffer, children.at, prefixes.buffer, prefixes.at, n - 1) === 0) {
            count++;
            more = children.next();
          }
        }
      }
      if (count !== sizes[n - 1]) throw new ArpaFormatError(`${sizes[n - 1]! - count} ${n}-grams have no prefix among the ${n - 1}-grams`, 1);
      if (out.u32(count)) yield out.take();
      if (out.at > 0) yield out.take();
    } finally {
      workspace.close(children);
      workspace.close(prefixes);
    }
    yield* section(workspace, file, n, out, signal, (buf, at) => out.u32(buf[at + n]!));
    if (n < order) yield* section(workspace, file, n, out, signal, (buf, at) => out.u32(buf[at + n + 1]!));
  }
}

/** One section from the sorted file of order n: `put` writes a record's part (true when the buffer is full). */
function* section(
  workspace: DiskWorkspace,
  file: string,
  n: number,
  out: ChunkBuffer,
  signal: AbortSignal | undefined,
  put: (buffer: Uint32Array, at: number) => boolean,
): Generator<Uint8Array> {
  const reader = workspace.open(file, n + 2, n);
  try {
    let steps = 0;
    while (reader.next()) {
      if (put(reader.buffer, reader.at)) yield out.take();
      if ((++steps & 0xffff) === 0) signal?.throwIfAborted();
    }
    if (out.at > 0) yield out.take();
  } finally {
    workspace.close(reader);
  }
}
