/**
 * Bytes of typed arrays held by the on-disk counter, against its cap: every array it allocates is counted here
 * (and released when dropped), so `peak` is what the counter really held at its largest; open files likewise.
 * Tests read the peaks.
 */
export class MemoryBudget {
  readonly cap: number;
  used = 0;
  peak = 0;
  /** Files open now and at most (run readers and the file being written). */
  openFiles = 0;
  peakOpenFiles = 0;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** Records `bytes` newly held. */
  hold(bytes: number): void {
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }

  /** Records `bytes` dropped. */
  release(bytes: number): void {
    this.used -= bytes;
  }

  /** Records a file opened (`+1`) or closed (`-1`). */
  files(delta: number): void {
    this.openFiles += delta;
    if (this.openFiles > this.peakOpenFiles) this.peakOpenFiles = this.openFiles;
  }

  uint32(length: number): Uint32Array {
    this.hold(length * 4);
    return new Uint32Array(length);
  }

  int32(length: number): Int32Array {
    this.hold(length * 4);
    return new Int32Array(length);
  }

  float64(length: number): Float64Array {
    this.hold(length * 8);
    return new Float64Array(length);
  }
}
