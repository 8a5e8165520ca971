import { InvalidArgumentError } from '@nlpkit/core';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { ARPA_END, arpaHeader, arpaSectionHeader } from './arpaLines.js';
import { appendArpaPiece, arpaPieceMaxBytes, arpaPieceScratch, vocabularyBytes } from './arpaPiece.js';
import { PKG } from './errors.js';
import { suffixOrder } from './suffixOrder.js';
import { largeInt32Array } from './largeArrays.js';

/** Options of {@link arpaByteChunks}. */
export interface ArpaBytesOptions {
  /**
   * Called between orders when large arrays have been dropped: a chance to give their memory back
   * (`collectDroppedArrays` of `@nlpkit/ngram/node`, which `writeArpaFile` passes; lower peak memory).
   */
  readonly collect?: () => void;
}

/** Bytes of text between two calls of `collect`. */
const COLLECT_EVERY = 1 << 25;

/** Lines formatted at a time (at most: fewer where the words are very long). */
const PIECE_LINES = 2048;

/** Room kept free at a block's end for the next piece (a piece has fewer lines where this would not hold it). */
const PIECE_ROOM = 1 << 20;

/** Bytes of text {@link arpaByteChunks} gathers before it copies them out (a block of ~64 KiB). */
const CHUNK_BYTES = 1 << 16;

/**
 * Bytes of text {@link arpaFileBlocks} gathers before it yields a block: at least the 1 MiB from which a file
 * writer (`writeFileAtomic`) writes a chunk as it is, before it asks for the next.
 */
const BLOCK_BYTES = 1 << 22;

/**
 * The ARPA file of `model` as UTF-8 bytes in pieces of about 64 KiB (each a fresh buffer), for writers: the same
 * bytes as {@link arpaChunks}, built without a JavaScript string per line or per number (each word encoded once,
 * numbers written as digits straight into the buffer, see {@link appendArpaPiece}), which is most of what writing
 * an ARPA file costs. `writeArpaFile` writes the same bytes from two reused buffers (`arpaFileBlocks`), and
 * `parallelArpaChunks` (Node) on worker threads.
 */
export function* arpaByteChunks(model: BackoffLanguageModel, options: ArpaBytesOptions = {}): Generator<Uint8Array, void, undefined> {
  yield* arpaBlocks(model, options, false);
}

/**
 * {@link arpaByteChunks}' bytes in blocks of about 4 MiB that are views of two buffers used in turn: a block's
 * bytes are overwritten two blocks later. For a file writer that is done with a block before it asks for the one
 * after the next — as `writeFileAtomic` is: it writes each chunk of 1 MiB or more before it asks for the next,
 * and only the last block may be shorter (a shorter one cut early, by lines of over a megabyte, is a buffer of its
 * own, never reused). No memory is taken per block: a fresh buffer per block would have the system map (and
 * zero) its pages anew, which costs more than formatting the text.
 */
export function* arpaFileBlocks(model: BackoffLanguageModel, options: ArpaBytesOptions = {}): Generator<Uint8Array, void, undefined> {
  yield* arpaBlocks(model, options, true);
}

/** The two forms above: blocks reused (views) or copied out (fresh buffers). */
function* arpaBlocks(model: BackoffLanguageModel, options: ArpaBytesOptions, reuse: boolean): Generator<Uint8Array, void, undefined> {
  const { order, wordIndex, log10Probs, log10Backoffs } = model.data;
  const encoder = new TextEncoder();
  const vocab = vocabularyBytes(wordIndex.words());
  const scratch = arpaPieceScratch();
  const target = reuse ? BLOCK_BYTES : CHUNK_BYTES;
  let block: Uint8Array = new Uint8Array(target + PIECE_ROOM);
  // The buffer not being written (reuse), once there is one.
  let spare: Uint8Array | undefined;
  let at = 0;
  let written = 0;
  /** The text gathered so far, and an empty block of at least `room` bytes to go on in. */
  const cut = (room: number): Uint8Array => {
    const size = Math.max(target + PIECE_ROOM, room);
    let full: Uint8Array;
    if (reuse) {
      full = block.subarray(0, at);
      // A block cut short may be held by the writer beside the next: its buffer is left to it.
      const next = spare !== undefined && spare.length >= size ? spare : new Uint8Array(size);
      spare = at >= BLOCK_BYTES ? block : undefined;
      block = next;
    } else {
      full = block.slice(0, at);
      if (block.length < size) block = new Uint8Array(size);
      // The pieces already written are garbage that V8 would collect late: give their memory back now and then.
      written += full.length;
      if (written >= COLLECT_EVERY) {
        written = 0;
        options.collect?.();
      }
    }
    at = 0;
    return full;
  };
  /** Appends a header's text (short: `encodeInto` writes what fits, so room for 3 bytes a character is made). */
  const text = (line: string): Uint8Array | undefined => {
    const full = block.length - at < 3 * line.length ? cut(3 * line.length) : undefined;
    at += encoder.encodeInto(line, block.subarray(at)).written;
    return full;
  };
  let full = text(arpaHeader(log10Probs.slice(0, order).map((lp) => lp.length)));
  if (full !== undefined) yield full;
  let below: Int32Array = new Int32Array(0);
  let n = 0;
  for (const level of suffixOrder(model.data)) {
    // The order before's sort arrays and the rows of the one below it are dropped by now.
    if (n > 0 && log10Probs[n - 1]!.length >= 1 << 20) options.collect?.();
    full = text(arpaSectionHeader(n + 1));
    if (full !== undefined) yield full;
    const size = log10Probs[n]!.length;
    const top = n + 1 === order;
    // Rows are kept for the order above from bigrams up (unigram rows would be the word ids themselves).
    const rows = largeInt32Array(n >= 1 && !top ? size * (n + 1) : 0);
    const piece = {
      n,
      perm: level.perm,
      prefixRanks: level.prefixRanks,
      wordStarts: level.wordStarts,
      log10Probs: log10Probs[n]!,
      log10Backoffs: top ? new Float32Array(0) : log10Backoffs[n]!,
      below,
      rows,
    };
    const lineBytes = arpaPieceMaxBytes(n, 1, vocab);
    const lines = Math.max(1, Math.min(PIECE_LINES, Math.floor(PIECE_ROOM / lineBytes)));
    const room = lines * lineBytes;
    for (let from = 0; from < size; from += lines) {
      if (block.length - at < room) yield cut(room);
      const end = appendArpaPiece({ ...piece, from, to: Math.min(size, from + lines) }, vocab, scratch, block, at);
      if (end < 0) {
        throw new InvalidArgumentError({
          package: PKG,
          argument: 'block',
          expected: `room for ${lines} ARPA lines of order ${n + 1} (${room} bytes) after byte ${at}`,
          foundText: `${block.length - at} bytes of room`,
        });
      }
      at = end;
      if (at >= target) yield cut(room);
    }
    below = rows;
    n++;
  }
  full = text(ARPA_END);
  if (full !== undefined) yield full;
  if (at > 0) yield cut(0);
}

/**
 * The ARPA text of `model` in pieces (one per ~64 KiB), so a caller can stream a large model to a file without
 * holding the whole text. The layout is lmplz's, byte for byte: n-grams in KenLM's suffix order (see
 * {@link suffixOrder}), numbers as the shortest decimals that read back to the stored float32 values, every
 * backoff of the orders below the highest written (`0` included), and `<s>` with the log10 probability the model
 * holds (0 for estimated models, as lmplz writes it; an SRILM file's -99 is kept as read). Writers to files use
 * {@link arpaByteChunks}, the same text as bytes.
 */
export function* arpaChunks(model: BackoffLanguageModel): Generator<string, void, undefined> {
  const decoder = new TextDecoder();
  for (const bytes of arpaByteChunks(model)) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The whole ARPA text of `model` (see {@link arpaChunks} for the format details). */
export function writeArpa(model: BackoffLanguageModel): string {
  let text = '';
  for (const chunk of arpaChunks(model)) text += chunk;
  return text;
}
