import { FormatError, isAsyncIterable, isIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';

/** Lines from a file, a stream or an array: anything iterable, sync or async. */
export type Lines = AsyncIterable<string> | Iterable<string>;

/**
 * What a reader returns: a sync generator for sync lines (an array), an async one for async lines (a file read
 * with `readLines`), so sync input stays sync all the way down a pipeline.
 */
export type ReadResult<L, T> = L extends AsyncIterable<string> ? AsyncGenerator<T, void, undefined> : Generator<T, void, undefined>;

/** A line-by-line parser: `line` may complete one item, `end` flushes the last one. @internal */
export interface LineParser<T> {
  line(text: string, n: number): T | undefined;
  end(): T | undefined;
}

/** A line's text without a trailing `\r`; an error naming the line for anything but a string. @internal */
export function lineText(line: unknown, n: number): string {
  if (typeof line !== 'string') throw check.invalid(line, `line ${n}`, 'a string');
  // Tolerate CRLF files read by a splitter that keeps the \r.
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function* parseSync<T>(lines: Iterable<unknown>, parser: LineParser<T>): Generator<T, void, undefined> {
  let n = 0;
  for (const line of lines) {
    n++;
    const item = parser.line(lineText(line, n), n);
    if (item !== undefined) yield item;
  }
  const last = parser.end();
  if (last !== undefined) yield last;
}

async function* parseAsync<T>(lines: AsyncIterable<unknown>, parser: LineParser<T>): AsyncGenerator<T, void, undefined> {
  let n = 0;
  for await (const line of lines) {
    n++;
    const item = parser.line(lineText(line, n), n);
    if (item !== undefined) yield item;
  }
  const last = parser.end();
  if (last !== undefined) yield last;
}

/** Throws unless `lines` is a (non-string) sync or async iterable. @internal */
export function checkLines(lines: unknown, argument: string): void {
  if (isAsyncIterable(lines)) return;
  if (isIterable(lines) && typeof lines !== 'string') return;
  throw check.invalid(
    lines,
    argument,
    typeof lines === 'string' ? 'an iterable of lines (split the string first)' : 'an iterable or async iterable of lines',
  );
}

/** Runs `parser` over `lines`: a sync generator for sync lines, an async one for async lines. @internal */
export function parse<T>(lines: Lines, parser: LineParser<T>): Generator<T, void, undefined> | AsyncGenerator<T, void, undefined> {
  checkLines(lines, 'lines');
  return isAsyncIterable(lines) ? parseAsync(lines, parser) : parseSync(lines, parser);
}

/** A `FormatError` for line `line` of the input. @internal */
export function formatError(line: number, message: string, found?: string): FormatError {
  return new FormatError({ package: PKG, argument: `line ${line}`, message, line, ...(found === undefined ? {} : { foundText: found }) });
}

/** Whether UTF-16 unit `c` is whitespace for JavaScript's `\s` (all of it lies in the BMP). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * `line.split(/\s+/u)` without empty fields, in one linear pass (a regex split can overflow V8's regex stack on a
 * run of millions of non-ASCII spaces). @internal
 */
export function splitWhitespace(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (isSpace(line.charCodeAt(i))) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** A field of the input for a message, shortened when long (a hostile file may hold a megabyte-long "token"). @internal */
export function quote(field: string): string {
  return field.length <= 80 ? JSON.stringify(field) : `${JSON.stringify(field.slice(0, 60))}… (${field.length} characters)`;
}
