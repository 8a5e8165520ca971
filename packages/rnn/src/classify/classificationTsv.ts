import { EmptyInputError, FormatError, UnknownNameError, type Vocabulary } from '@nlpkit/core';
import { PKG } from '../errors.js';

/** Labelled texts as read from a file: the raw text of each example and its label name. */
export interface LabelledTexts {
  readonly texts: readonly string[];
  readonly labels: readonly string[];
}

/** Examples ready for a classifier: token ids per example and label indices into a label list. */
export interface ClassificationExamples {
  readonly ids: readonly (readonly number[])[];
  readonly labels: readonly number[];
}

/**
 * Reads GLUE-style TSV (`sentence<TAB>label` with that header, as SST-2 ships): the header must name a `sentence`
 * and a `label` column (in any order; other columns are ignored). Blank lines are skipped; the text is trimmed
 * (SST-2 has a space before the tab).
 * @param argument names the input in errors (a file path, `--input`)
 * @throws FormatError (`ERR_FORMAT`, with `line`) for a bad header or a row without the columns; EmptyInputError
 *   for no rows
 */
export function parseClassificationTsv(text: string, argument = 'tsv'): LabelledTexts {
  if (typeof text !== 'string') throw new FormatError({ package: PKG, argument, expected: 'TSV text', found: text });
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim());
  const si = header.indexOf('sentence');
  const li = header.indexOf('label');
  if (si < 0 || li < 0) {
    throw new FormatError({ package: PKG, argument: `${argument} header (line 1)`, expected: 'columns "sentence" and "label" separated by a tab', found: lines[0]?.slice(0, 80) ?? '', line: 1 });
  }
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cols = line.split('\t');
    const label = cols[li]?.trim();
    if (cols.length < header.length || label === undefined || label === '') {
      throw new FormatError({ package: PKG, argument: `${argument} line ${i + 1}`, expected: `${header.length} tab-separated columns with a label`, found: line.slice(0, 80), line: i + 1 });
    }
    texts.push((cols[si] as string).trim());
    labels.push(label);
  }
  if (texts.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one labelled row after the header' });
  return { texts, labels };
}

/** The label names of a training set, sorted (numbers numerically, as `0`, `1`, `2`, …; else by code point). */
export function labelList(labels: readonly string[]): string[] {
  const set = [...new Set(labels)];
  if (set.length === 0) throw new EmptyInputError({ package: PKG, argument: 'labels', expected: 'at least one label' });
  const numeric = set.every((l) => /^-?\d+(\.\d+)?$/.test(l));
  return numeric ? set.sort((a, b) => Number(a) - Number(b)) : set.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Token ids and label indices of labelled texts. Texts are split into tokens by `tokens` (e.g.
 * `(t) => classifierTokens(config, t)`); an empty text becomes one `<unk>` so that every row has a length.
 * @throws UnknownNameError naming the example for a label outside `labels`; EmptyInputError for no examples
 */
export function encodeClassificationExamples(
  data: LabelledTexts,
  vocabulary: Vocabulary,
  labels: readonly string[],
  tokens: (text: string) => string[],
  argument = 'data',
): ClassificationExamples {
  if (data.texts.length === 0) throw new EmptyInputError({ package: PKG, argument, expected: 'at least one example' });
  const index = new Map(labels.map((l, i) => [l, i]));
  const unk = vocabulary.id('<unk>');
  const ids = data.texts.map((t) => {
    const row = tokens(t).map((tok) => vocabulary.id(tok));
    return row.length === 0 ? [unk] : row;
  });
  const out = data.labels.map((l, i) => {
    const k = index.get(l);
    if (k === undefined) throw new UnknownNameError({ package: PKG, argument: `${argument} label of example ${i + 1}`, found: l, allowed: labels });
    return k;
  });
  return { ids, labels: out };
}
