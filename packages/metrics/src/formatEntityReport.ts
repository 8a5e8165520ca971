import type { EntityF1Result } from './entityF1.js';
import type { PrfRow } from './prf.js';
import { pyFixed } from './pythonText.js';

/** Right-aligns by code points, as Python's `{:>N}` does. */
function padStart(text: string, width: number): string {
  const length = Array.from(text).length;
  return length >= width ? text : ' '.repeat(width - length) + text;
}

/**
 * seqeval's text classification report (`classification_report(..., digits=digits)`): one row per entity type,
 * a blank line, then the micro, macro and weighted averages.
 */
export function formatEntityReport(result: EntityF1Result, digits = 2): string {
  const names = Object.keys(result.types);
  const width = Math.max(...names.map((n) => Array.from(n).length), 'weighted avg'.length, digits);
  const line = (name: string, row: PrfRow): string =>
    `${padStart(name, width)} ` +
    [row.precision, row.recall, row.f1].map((v) => ` ${padStart(pyFixed(v, digits), 9)}`).join('') +
    ` ${padStart(String(row.support), 9)}`;
  const header = `${padStart('', width)} ` + ['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${padStart(h, 9)}`).join('');
  const rows = [
    ...names.map((name) => line(name, result.types[name] as PrfRow)),
    '',
    line('micro avg', result.micro),
    line('macro avg', result.macro),
    line('weighted avg', result.weighted),
    '',
  ];
  return `${header}\n\n${rows.join('\n')}`;
}
