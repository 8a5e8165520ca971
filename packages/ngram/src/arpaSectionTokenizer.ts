import { closeSync, openSync, readSync } from 'node:fs';
import { type ArpaSectionJob, ByteLines, CHUNK, NgramLineParser } from './suffixOrderedArpa.js';
import { Utf8WordTable } from './utf8WordTable.js';

/** Lines between two heartbeats. */
const BEAT_LINES = 1 << 16;
/** Lines between two reports of progress (a power of two, at most {@link BEAT_LINES}). */
const PROGRESS_LINES = 1 << 13;

/**
 * Runs an {@link ArpaSectionJob} on this thread (a worker's; Node only), unless the reading thread took the job
 * back (it reached the job's first line before this thread started): finds which section its first line is in
 * (from the next line starting with a backslash), then reads from there to the end as the fast reader does (the
 * same checks, see `NgramLineParser`), writing each line's word ids and numbers to the job's arrays and setting its
 * status as each section is done; whatever is not in lmplz's layout, and any error, sets −1 for the sections not
 * done. Never throws. Returns the word table it built (the thread's scoring can use it).
 */
export function tokenizeArpaSections(job: ArpaSectionJob): Utf8WordTable {
  const { status, order } = job;
  const table = Utf8WordTable.fromSpellings(job.spellings, job.starts);
  let n = 2;
  let fd: number | undefined;
  try {
    // The reading thread got there first: it reads the part itself.
    if (Atomics.compareExchange(status, order + 2, 0, 1) !== 0) return table;
    fd = openSync(job.path, 'r');
    const file = fd;
    const first = sectionAt(file, job.start, order, status);
    if (first < 0) return table;
    Atomics.store(status, 1, first);
    n = first;
    let position = job.start;
    const reader = new ByteLines((into, offset, length) => {
      const read = readSync(file, into, offset, length, position);
      position += read;
      return read;
    }, CHUNK);
    for (; n <= order; n++) {
      if (n > first && reader.nextHeader() !== `\\${n}-grams:`) return table;
      const lines = tokenizeSection(reader, new NgramLineParser(n, order, table), job, n, n === first ? 0 : job.counts[n - 1]!);
      if (lines < 0) return table;
      // The line that ended the last section must be \end\, with nothing but blank lines after it.
      if (n === order) {
        if (!reader.atEnd()) return table;
      } else {
        reader.again();
      }
      // The final count before the state: a reader that sees the state done reads it after.
      Atomics.store(job.progress, n, lines);
      Atomics.store(status, n, 1);
      Atomics.notify(status, n);
      Atomics.notify(job.progress, n);
    }
  } catch {
    // Reported below as the sections not done.
  } finally {
    if (fd !== undefined) closeSync(fd);
    for (let k = n; k <= order; k++) {
      if (Atomics.compareExchange(status, k, 0, -1) === 0) {
        Atomics.notify(status, k);
        Atomics.notify(job.progress, k);
      }
    }
  }
  return table;
}

/**
 * Lines of order n into the job's arrays until one starting with a backslash (left current): their number, or −1
 * when a line is not in lmplz's layout, they are more than the section's count, or the text ends first. `expected`:
 * the number there must be (0: a section's tail, any number up to its count).
 */
function tokenizeSection(reader: ByteLines, line: NgramLineParser, job: ArpaSectionJob, n: number, expected: number): number {
  const count = job.counts[n - 1]!;
  const tokens = job.tokens[n - 2]!;
  const probs = job.probs[n - 2]!;
  const backoffs = job.backoffs[n - 2]!;
  const top = n === job.order;
  const words = line.words;
  const values = line.values;
  const status = job.status;
  const progress = job.progress;
  const beat = job.order + 1;
  let seen = 0;
  while (reader.nextContent()) {
    const buf = reader.buffer;
    const s = reader.start;
    const e = reader.end;
    if (buf[s] === 92) return expected === 0 || seen === expected ? seen : -1;
    if (seen === count) return -1;
    if (!line.parse(buf, s, e, reader.generation)) return -1;
    const base = seen * n;
    for (let i = 0; i < n; i++) tokens[base + i] = words[i]!;
    probs[seen] = values[0]!;
    if (!top) backoffs[seen] = values[1]!;
    seen++;
    if ((seen & (PROGRESS_LINES - 1)) === 0) {
      // The lines so far, for the reading thread to link while this one reads on.
      Atomics.store(progress, n, seen);
      Atomics.notify(progress, n);
      if ((seen & (BEAT_LINES - 1)) === 0) Atomics.add(status, beat, 1);
    }
  }
  return -1;
}

/**
 * The section of the line at byte `start`: from the next line that starts with a backslash (`\\k-grams:` ends
 * section k − 1, `\\end\\` the highest), or −1.
 */
function sectionAt(fd: number, start: number, order: number, status: Int32Array): number {
  const chunk = Buffer.allocUnsafe(CHUNK);
  const marker = Buffer.from('\n\\', 'latin1');
  let base = start;
  let kept = 0;
  for (;;) {
    const read = readSync(fd, chunk, kept, CHUNK - kept, base + kept);
    const filled = kept + read;
    const found = chunk.subarray(0, filled).indexOf(marker);
    if (found >= 0) {
      // The header line itself (it may straddle the chunk's end: read it whole).
      const head = Buffer.alloc(32);
      const got = readSync(fd, head, 0, head.length, base + found + 1);
      const text = head.toString('latin1', 0, got).split('\n')[0]!.trim();
      if (text === '\\end\\') return order;
      const m = /^\\(\d+)-grams:$/.exec(text);
      const k = m ? Number(m[1]) : 0;
      return k >= 3 && k <= order ? k - 1 : -1;
    }
    if (read === 0) return -1;
    kept = Math.min(marker.length - 1, filled);
    chunk.copyWithin(0, filled - kept, filled);
    base += filled - kept;
    Atomics.add(status, order + 1, 1);
  }
}

/**
 * The offset of the first line at or after byte `at` of the file that is neither blank nor starts with a
 * backslash (an n-gram line, in an ARPA file's sections); −1 when there is none within a few reads.
 */
export function ngramLineFrom(path: string, at: number): number {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const chunk = new Uint8Array(1 << 16);
    // Find the start of the next line, then skip header and blank lines.
    let lineStart = -1;
    for (let base = at, reads = 0; reads < 64; reads++) {
      const read = readSync(fd, chunk, 0, chunk.length, base);
      if (read === 0) return -1;
      for (let i = 0; i < read; i++) {
        const c = chunk[i]!;
        if (lineStart < 0) {
          if (c === 10) lineStart = base + i + 1;
          continue;
        }
        if (c === 32 || c === 9 || c === 13) continue;
        if (c === 10) {
          lineStart = base + i + 1;
          continue;
        }
        if (c !== 92) return lineStart;
        // A header line: the next line then.
        lineStart = -1;
      }
      base += read;
    }
    return -1;
  } catch {
    return -1;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

