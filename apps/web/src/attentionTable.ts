import { el } from './dom.js';

/**
 * An attention heatmap as a table: one row per output token, one column per source token, each cell shaded by
 * its weight (the exact weight in its tooltip). A table rather than a chart: the cells carry words on both axes,
 * and screen readers can read it.
 */
export function attentionTable(sourceTokens: readonly string[], outputTokens: readonly string[], rows: readonly Float32Array[]): HTMLTableElement {
  const head = el('tr', {}, el('th', { text: '' }), ...sourceTokens.map((t) => el('th', { class: 'source', text: t })));
  const body = rows.map((weights, r) =>
    el(
      'tr',
      {},
      el('th', { class: 'output', text: outputTokens[r] ?? '</s>' }),
      ...sourceTokens.map((_, c) => {
        const w = weights[c] ?? 0;
        return el('td', { class: 'weight', 'data-weight': w.toFixed(3), title: `${outputTokens[r] ?? '</s>'} ← ${sourceTokens[c]}: ${w.toFixed(3)}`, style: `background: rgba(31, 119, 180, ${w.toFixed(3)}); color: ${w > 0.5 ? '#fff' : '#333'}`, text: w.toFixed(2) });
      }),
    ),
  );
  return el('table', { class: 'attention', 'data-testid': 'attention-heatmap' }, el('thead', {}, head), el('tbody', {}, ...body));
}
