import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, isAsyncIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';

/**
 * Where {@link readLines} reads from: a file path, a `file:` URL, `'-'` for standard input, or a Node `Readable`
 * stream (of bytes or of strings; `process.stdin`, a socket, `fs.createReadStream(...)`, a gunzip stream).
 */
export type LineSource = string | URL | NodeJS.ReadableStream;

/** Options for {@link readLines}. */
export interface ReadLinesOptions {
  /** Text encoding of bytes read, as a WHATWG label (`'utf-8'`, the default; `'utf-16le'`, `'latin1'`...). */
  readonly encoding?: string;
}

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
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new InvalidArgumentError(
      { package: PKG, argument: 'source', expected: 'an existing file', foundText: `${JSON.stringify(path)}, which does not exist`, cause },
      'ERR_FILE_NOT_FOUND',
    );
  }
  return new InvalidArgumentError(
    { package: PKG, argument: 'source', expected: 'a readable file', foundText: `${JSON.stringify(path)} (${String(code ?? cause)})`, cause },
    'ERR_FILE_UNREADABLE',
  );
}

/** Splits decoded chunks into lines without their endings (LF or CRLF); a last line without one is kept. */
async function* splitLines(chunks: Chunks, decoder: TextDecoder): AsyncGenerator<string, void, undefined> {
  let pending = '';
  let first = true;
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
    pending += text;
    let start = 0;
    let nl: number;
    while ((nl = pending.indexOf('\n', start)) !== -1) {
      yield pending.charCodeAt(nl - 1) === 13 && nl > start ? pending.slice(start, nl - 1) : pending.slice(start, nl);
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}

async function* fileLines(path: string, decoder: TextDecoder): AsyncGenerator<string, void, undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw fileError(path, cause);
  }
  // The stream closes the file when it ends or when the consumer stops early.
  const stream = handle.createReadStream();
  try {
    yield* splitLines(stream, decoder);
  } catch (cause) {
    // Errors of the file itself (a directory, a failing disk), not of the consumer.
    if (typeof (cause as { syscall?: unknown } | null)?.syscall === 'string') throw fileError(path, cause);
    throw cause;
  } finally {
    stream.destroy();
  }
}

function streamLines(stream: NodeJS.ReadableStream, decoder: TextDecoder): AsyncGenerator<string, void, undefined> {
  // Leave the caller's stream (or stdin) open when the consumer stops early: it is theirs to close.
  const iterator = (stream as { iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterable<unknown> }).iterator;
  const chunks: Chunks = typeof iterator === 'function' ? iterator.call(stream, { destroyOnReturn: false }) : stream;
  return splitLines(chunks, decoder);
}

/**
 * Streams the lines of a file, of standard input or of a Node stream, without their line endings (LF or CRLF;
 * a byte-order mark is dropped), so the readers of `@nlpkit/text` and every corpus consumer of nlpkit can process
 * files larger than memory. Node only: import it from `@nlpkit/text/node`.
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
  check.options(options, 'options', ['encoding']);
  const decoder = decoderFor(options.encoding ?? 'utf-8');
  if (source === '-') return streamLines(process.stdin, decoder);
  if (typeof source === 'string') {
    if (source === '') throw check.invalid(source, 'source', "a file path, a file: URL, '-' or a Readable stream");
    return fileLines(source, decoder);
  }
  if (source instanceof URL) {
    if (source.protocol !== 'file:') throw check.invalid(source.href, 'source', 'a file: URL');
    return fileLines(fileURLToPath(source), decoder);
  }
  if (isReadable(source)) return streamLines(source, decoder);
  throw check.invalid(source, 'source', "a file path, a file: URL, '-' or a Readable stream");
}
