import { readFile } from 'node:fs/promises';
import { inputFileError } from '@nlpkit/core/node';
import type { Token } from '@nlpkit/core';
import { characterTokenize, splitSentences, treebankTokenize, whitespaceTokenize, wordTokenize } from '@nlpkit/text';
import { type Command, InvalidArgumentError } from 'commander';
import { CLI_PACKAGE, guarded } from '../cliErrors.js';
import { type CliIo, stdinOf } from '../cliIo.js';

/** A token as `tokenize` prints it: `text` in the tokenizer's spelling (treebank: `` `` `` for `"`), offsets into the input. */
interface OutputToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The tokenizers `--tokenizer` takes, from `@nlpkit/text`; offsets are UTF-16 code units into the input. */
export const TOKENIZERS = {
  treebank: (text: string): OutputToken[] => treebankTokenize(text).map((t) => ({ text: t.form, start: t.start, end: t.end })),
  word: (text: string): Token[] => wordTokenize(text),
  whitespace: (text: string): Token[] => whitespaceTokenize(text),
  char: (text: string): Token[] => characterTokenize(text, { skipWhitespace: true }),
} as const;

export type TokenizerName = keyof typeof TOKENIZERS;
const NAMES = Object.keys(TOKENIZERS) as TokenizerName[];

/** One sentence of the output: its span in the input and its tokens. */
export interface TokenizedSentence {
  readonly start: number;
  readonly end: number;
  readonly tokens: readonly OutputToken[];
}

/**
 * Splits `text` into sentences (`@nlpkit/text`'s `splitSentences`, or one per non-blank line with `lines`) and
 * tokenizes each; every offset is into `text`.
 */
export function tokenizeText(text: string, tokenizer: TokenizerName, options: { lines?: boolean } = {}): TokenizedSentence[] {
  const spans = options.lines === true ? lineSpans(text) : splitSentences(text);
  return spans.map((span) => ({
    start: span.start,
    end: span.end,
    tokens: TOKENIZERS[tokenizer](span.text).map((t) => ({ text: t.text, start: t.start + span.start, end: t.end + span.start })),
  }));
}

/** Each non-blank line, as a span of `text`. */
function lineSpans(text: string): Token[] {
  const spans: Token[] = [];
  const pattern = /[^\r\n]+/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].trim() !== '') spans.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/** The whole input as one string: a file, or standard input for `-`. */
async function readText(path: string, io: CliIo): Promise<string> {
  if (path !== '-') {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw inputFileError(path, error, { package: CLI_PACKAGE, argument: 'file' });
    }
  }
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of stdinOf(io)) chunks.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
  chunks.push(decoder.decode());
  return chunks.join('');
}

function tokenizerName(value: string): TokenizerName {
  if (!(NAMES as string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${NAMES.join(', ')}, got ${JSON.stringify(value)}.`);
  return value as TokenizerName;
}

/** `nlpkit tokenize`: raw text in, one tokenized sentence per line out (what `ngram train` and `lm train` read). */
export function registerTokenizeCommand(program: Command, io: CliIo): void {
  program
    .command('tokenize')
    .description('split text into sentences and tokens: one sentence per line, tokens separated by spaces')
    .argument('[file]', 'text to tokenize (- or left out: standard input)', '-')
    .option('--tokenizer <name>', `tokenizer from @nlpkit/text: ${NAMES.join(', ')}`, tokenizerName, 'treebank')
    .option('--lines', 'take each input line as one sentence (no sentence splitting)')
    .option('--lowercase', 'lowercase the tokens')
    .option('--json', 'print one JSON object per sentence: {"start", "end", "tokens": [{"text", "start", "end"}]} (UTF-16 offsets into the input)')
    .action((file: string, options: { tokenizer: TokenizerName; lines?: boolean; lowercase?: boolean; json?: boolean }) =>
      guarded(io, 'tokenize', async () => {
        const text = await readText(file, io);
        const lower = options.lowercase === true ? (s: string) => s.toLowerCase() : (s: string) => s;
        const out: string[] = [];
        for (const sentence of tokenizeText(text, options.tokenizer, { lines: options.lines === true })) {
          if (sentence.tokens.length === 0) continue;
          const tokens = sentence.tokens.map((t) => ({ ...t, text: lower(t.text) }));
          out.push(options.json === true ? JSON.stringify({ ...sentence, tokens }) : tokens.map((t) => t.text).join(' '));
        }
        io.stdout(out.length === 0 ? '' : `${out.join('\n')}\n`);
      }),
    );
}
