import { type DetectedFormat, WrongFormatError } from './errors.js';

/** Magic of {@link toBinaryModel}'s files, "NNGM" as bytes. */
export const BINARY_MAGIC_TEXT = 'NNGM';
/** Start of a KenLM binary model (`build_binary` output). */
const KENLM_MAGIC = 'mmap lm ';
/** Start of a stupid-backoff counts file (`stupidBackoffByteChunks`; scores, not probabilities). */
export const STUPID_BACKOFF_MAGIC = 'nlpkit-stupid-backoff ';

/**
 * What the first bytes of some input look like, as latin1/UTF-8 text (the checks only use ASCII and the gzip
 * marker, which decodes as U+FFFD in UTF-8): a format other than ARPA text, or undefined for text.
 */
export function sniffText(head: string): DetectedFormat | undefined {
  const c0 = head.charCodeAt(0);
  const c1 = head.charCodeAt(1);
  if (c0 === 0x1f && (c1 === 0x8b || c1 === 0xfffd)) return 'gzip';
  if (head.startsWith(BINARY_MAGIC_TEXT) && head.charCodeAt(5) === 0) return 'ngram-binary';
  if (head.startsWith(KENLM_MAGIC)) return 'kenlm-binary';
  if (head.startsWith(STUPID_BACKOFF_MAGIC)) return 'stupid-backoff';
  const probe = head.length > 4096 ? head.slice(0, 4096) : head;
  if (probe.includes('\0')) return 'binary';
  return undefined;
}

/** The error for input in `format` given to the ARPA reader. */
export function notArpaError(format: DetectedFormat): WrongFormatError {
  switch (format) {
    case 'gzip':
      return new WrongFormatError(format, 'ARPA line 1: this is gzip data: decompress it first (readArpaFile reads .gz files itself)', 1);
    case 'ngram-binary':
      return new WrongFormatError(format, 'ARPA line 1: this is an @nlpkit/ngram binary model, not ARPA text: load it with loadBinaryModel', 1);
    case 'kenlm-binary':
      return new WrongFormatError(format, "ARPA line 1: this is a KenLM binary model, not ARPA text: write it as ARPA with KenLM's tools first", 1);
    case 'stupid-backoff':
      return new WrongFormatError(
        format,
        'ARPA line 1: this is a stupid-backoff counts file, not ARPA: its numbers are scores, not probabilities, so it is no ' +
          'language model (no perplexity, no interpolation); read it with readStupidBackoff',
        1,
      );
    default:
      return new WrongFormatError('binary', 'ARPA line 1: this is binary data (it holds NUL bytes), not ARPA text', 1);
  }
}

/**
 * Chunks of text, unchanged, after checking that the text starts like ARPA text (at most its first 4 KiB are
 * looked at); throws a {@link WrongFormatError} for gzip, binary models and other binary data.
 */
export function* checkedArpaChunks(chunks: Iterable<string>): Generator<string, void, undefined> {
  const held: string[] = [];
  let head = '';
  let checked = false;
  for (const chunk of chunks) {
    if (checked) {
      yield chunk;
      continue;
    }
    held.push(chunk);
    head += chunk.length > 4096 ? chunk.slice(0, 4096) : chunk;
    if (head.length < 4096) continue;
    const format = sniffText(head);
    if (format !== undefined) throw notArpaError(format);
    checked = true;
    yield* held.splice(0);
  }
  if (!checked) {
    const format = sniffText(head);
    if (format !== undefined) throw notArpaError(format);
    yield* held;
  }
}
