import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, isAsyncIterable } from '@nlpkit/core';
import { inputFileError } from '@nlpkit/core/node';
import { LineTooLongError, PKG, check } from './errors.js';

/**
 * Where {@link readLines} reads from: a file path, a `file:` URL, `'-'` for standard input, or a Node `Readable`
 * stream (of bytes or of strings; `process.stdin`, a socket, `fs.createReadStream(...)`, a gunzip stream).
 */
export type LineSource = string | URL | NodeJS.ReadableStream;

/** Options for {@link readLines}. */
export interface ReadLinesOptions {
  /** Text encoding of bytes read, as a WHATWG label (`'utf-8'`, the default; `'utf-16le'`, `'latin1'`...). */
  readonly encoding?: string;
  /**
   * The longest line accepted, in UTF-16 code units (default {@link DEFAULT_MAX_LINE_LENGTH}, 2^26 ≈ 67 million:
   * a line of that length takes 128 MB as a string). A longer line throws a `LineTooLongError` (code
   * `ERR_LINE_TOO_LONG`, with the line number) as soon as that much of it has been read, so memory stays bounded
   * whatever the input; `Infinity` turns the check off.
   */
  readonly maxLineLength?: number;
}

/** The default `maxLineLength` of {@link readLines}: 2^26 UTF-16 code units. */
export const DEFAULT_MAX_LINE_LENGTH = 2 ** 26;

type Chunks = AsyncIterable<unknown>;

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  return (
    isAsyncIterable(value) &&
    typeof (value as { pipe?: unknown }).pipe === 'function' &&
    typeof (value as { on?: unknown }).on === 'function'
  );
}

function decoderFor(encoding: unknown): TextDecoder {
  const label = check.string(encoding, 'options.encoding');
  try {
    return new TextDecoder(label);
  } catch (cause) {
    throw new InvalidArgumentError({ package: PKG, argument: 'options.encoding', expected: 'a text encoding label such as "utf-8"', found: label, cause });
  }
}

function fileError(path: string, cause: unknown): InvalidArgumentError {
  return inputFileError(path, cause, { package: PKG, argument: 'source' });
}

/**
 * Splits decoded chunks into lines without their endings (LF or CRLF); a last line without one is kept. Linear:
 * each chunk is searched once, and the pieces of a line spanning chunks are joined once, when it ends.
 */
async function* splitLines(chunks: Chunks, decoder: TextDecoder, maxLineLength: number): AsyncGenerator<string, void, undefined> {
  // The current line's text so far, in pieces (a rope that is never searched again).
  const parts: string[] = [];
  let partsLength = 0;
  let lineNumber = 0;
  let first = true;
  const finish = (tail: string): string => {
    lineNumber++;
    let line = tail;
    if (parts.length > 0) {
      parts.push(tail);
      line = parts.join('');
      parts.length = 0;
      partsLength = 0;
    }
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length > maxLineLength) throw new LineTooLongError({ line: lineNumber, limit: maxLineLength });
    return line;
  };
  const take = function* (text: string): Generator<string, void, undefined> {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      yield finish(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) {
      parts.push(start === 0 ? text : text.slice(start));
      partsLength += text.length - start;
      // One more code unit than the limit may be a CR of a CRLF still to come.
      if (partsLength > maxLineLength + 1) throw new LineTooLongError({ line: lineNumber + 1, limit: maxLineLength });
    }
  };
  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) text = decoder.decode(chunk, { stream: true });
    else throw check.invalid(chunk, 'source', 'a stream of strings or bytes');
    if (first && text.length > 0) {
      // A byte-order mark is not text (TextDecoder drops it from bytes; string streams keep it).
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    yield* take(text);
  }
  yield* take(decoder.decode());
  if (parts.length > 0) yield finish('');
}

async function* fileLines(path: string, decoder: TextDecoder, maxLineLength: number): AsyncGenerator<string, void, undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileError(path, cause);
  }
  // The stream closes the file when it ends or when the consumer stops early.
  const stream = handle.createReadStream();
  try {
    yield* splitLines(stream, decoder, maxLineLength);
  } catch (cause) {
    // Errors of the file itself (a directory, a failing disk), not of the consumer.
    if (typeof (cause as { syscall?: unknown } | null)?.syscall === 'string') throw fileError(path, cause);
    throw cause;
  } finally {
    stream.destroy();
  }
}

function streamLines(stream: NodeJS.ReadableStream, decoder: TextDecoder, maxLineLength: number): AsyncGenerator<string, void, undefined> {
  // Leave the caller's stream (or stdin) open when the consumer stops early: it is theirs to close.
  const iterator = (stream as { iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterable<unknown> }).iterator;
  const chunks: Chunks = typeof iterator === 'function' ? iterator.call(stream, { destroyOnReturn: false }) : stream;
  return splitLines(chunks, decoder, maxLineLength);
}

/**
 * Streams the lines of a file, of standard input or of a Node stream, without their line endings (LF or CRLF;
 * a byte-order mark is dropped), so the readers of `@nlpkit/text` and every corpus consumer of nlpkit can process
 * files larger than memory. Node only: import it from `@nlpkit/text/node`. Time is linear in the input and memory
 * is bounded by one line, at most `options.maxLineLength` (a `LineTooLongError`, code `ERR_LINE_TOO_LONG`, beyond).
 *
 * The source is checked at once (an `InvalidArgumentError`); a missing file is reported when iteration starts, as
 * an `InvalidArgumentError` with code `ERR_FILE_NOT_FOUND` naming the path (its `cause` is Node's `ENOENT`
 * error); other file errors have code `ERR_FILE_UNREADABLE`.
 *
 * @param source a file path, a `file:` URL, `'-'` for standard input, or a Node `Readable`
 * @example
 * import { readSentencePerLine } from '@nlpkit/text';
 * import { readLines } from '@nlpkit/text/node';
 * import { estimateKneserNey } from '@nlpkit/ngram';
 * const { model } = await estimateKneserNey(readSentencePerLine(readLines('train.txt')), { order: 3 });
 * for await (const line of readLines('-')) console.log(line.length); // stdin
 */
export function readLines(source: LineSource, options: ReadLinesOptions = {}): AsyncGenerator<string, void, undefined> {
  check.options(options, 'options', ['encoding', 'maxLineLength']);
  const decoder = decoderFor(options.encoding ?? 'utf-8');
  const max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const maxLineLength = max === Infinity ? Infinity : check.integer(max, 'options.maxLineLength', 1);
  if (source === '-') return streamLines(process.stdin, decoder, maxLineLength);
  if (typeof source === 'string') {
    if (source === '') throw check.invalid(source, 'source', "a file path, a file: URL, '-' or a Readable stream");
    return fileLines(source, decoder, maxLineLength);
  }
  if (source instanceof URL) {
    if (source.protocol !== 'file:') throw check.invalid(source.href, 'source', 'a file: URL');
    return fileLines(fileURLToPath(source), decoder, maxLineLength);
  }
  if (isReadable(source)) return streamLines(source, decoder, maxLineLength);
  throw check.invalid(source, 'source', "a file path, a file: URL, '-' or a Readable stream");
}
