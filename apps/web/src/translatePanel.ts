import { el, panelBody } from './dom.js';

/**
 * Panel 6: translation with an attention heatmap. `@nlpkit/seq2seq` does not export a model and decoding API yet,
 * so the panel says that no translation model is loaded and keeps the file input a seq2seq artifact will use.
 */
export function mountTranslatePanel(): void {
  const body = panelBody('panel-translate');
  const status = el('p', { 'data-testid': 'translate-status', text: 'no translation model loaded' });
  const input = el('input', { type: 'file', accept: '.safetensors', 'data-testid': 'translate-file' });
  input.addEventListener('change', () => {
    status.textContent = 'no translation model loaded: this build of the demo has no seq2seq decoder yet (@nlpkit/seq2seq exports none)';
  });
  body.append(status, el('label', { class: 'file' }, 'Load a translation model: ', input));
}
