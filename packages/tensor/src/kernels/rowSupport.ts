/**
 * What some kernels know of the tensors they write: that the data is zero outside a few rows. An embedding's
 * gradient (`scatterRows`) is a `[V, D]` matrix with a row for each id of the batch and zeros in the other
 * thousands, and `globalNorm` then reads only those rows instead of the whole matrix (for a classifier's 4.4 M-value
 * embedding, ~4 ms of a ~60 ms training step went to reading its zeros).
 *
 * Kept by the data's id (tfjs's `dataId`, an object that is never reused), so a clone or reshape of the tensor,
 * which shares its data, shares what is known of it; nothing keeps the data alive. Data written over in place
 * (`adamUpdate`) has its entry removed first.
 */
export interface RowSupport {
  /** Floats per row. */
  readonly rowLength: number;
  /** The rows that may be non-zero, ascending, each once: every other float of the data is 0. */
  readonly rows: Int32Array;
}

const supports = new WeakMap<object, RowSupport>();

/** Records that the data of `dataId` is zero outside `support`'s rows. */
export function setRowSupport(dataId: object, support: RowSupport): void {
  supports.set(dataId, support);
}

/** What is known of the data of `dataId`, if anything. */
export function rowSupportOf(dataId: object): RowSupport | undefined {
  return supports.get(dataId);
}

/** Forgets it (the data is about to change). */
export function forgetRowSupport(dataId: object): void {
  supports.delete(dataId);
}
