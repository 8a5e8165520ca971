import { check, withRegexStack } from './errors.js';
import { checkLines, formatError, parse, splitWhitespace, type Lines, type ReadResult } from './lines.js';

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
 * sentence must have the same number of columns (`FormatError` (`@nlpkit/core`) with the line number otherwise).
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
  const separator = options.separator;
  if (separator !== undefined && typeof separator !== 'string' && !(separator instanceof RegExp)) {
    throw check.invalid(separator, 'options.separator', 'a string or a RegExp');
  }
  const skipDocStart = check.boolean(options.skipDocStart ?? true, 'options.skipDocStart');
  let rows: string[][] = [];
  let first = 0;
  const flush = (): ConllSentence | undefined => {
    if (rows.length === 0) return undefined;
    const width = rows[0]?.length ?? 0;
    // Plain loops into arrays made at their size: a line of a million fields makes a million columns.
    const columns: string[][] = new Array<string[]>(width);
    for (let c = 0; c < width; c++) {
      const column = new Array<string>(rows.length);
      for (let r = 0; r < rows.length; r++) column[r] = (rows[r] as string[])[c] as string;
      columns[c] = column;
    }
    const sentence = { columns, line: first };
    rows = [];
    return sentence;
  };
  return parse(lines, {
    line(line, n) {
      const trimmed = line.trim();
      if (trimmed === '' || (skipDocStart && trimmed.startsWith('-DOCSTART-'))) return flush();
      const fields = separator === undefined ? splitWhitespace(trimmed) : withRegexStack('options.separator', () => trimmed.split(separator));
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
