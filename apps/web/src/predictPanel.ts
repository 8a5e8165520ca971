import { topK, type LanguageModel } from '@nlpkit/core';
import { decodeRecurrentLm, type RecurrentLmArtifact } from '@nlpkit/rnn';
import { wordTokenize } from '@nlpkit/text';
import { el, errorText, fileInput, panelBody } from './dom.js';
import { ngramModelFromBytes } from './modelFiles.js';
import type { SyncReads } from './syncReads.js';

/** Models the panel starts with (the demo models), each absent when it was not built. */
export interface PredictModels {
  readonly ngram?: { readonly model: LanguageModel; readonly about: string };
  readonly lstm?: { readonly artifact: RecurrentLmArtifact; readonly about: string };
}

const SHOWN = 8;

/** What other panels may do with the prediction panel. */
export interface PredictPanel {
  /** Shows `model` in the LSTM column (a model trained in the page); `dispose` frees it when it is replaced. */
  setNeuralModel(model: LanguageModel, about: string, dispose: () => void): void;
}

interface Column {
  readonly title: string;
  model: LanguageModel | undefined;
  about: string;
  readonly aboutLine: HTMLElement;
  readonly list: HTMLElement;
}

/**
 * Panel 2: the next words after a typed prompt from a Kneser-Ney model and an LSTM LM side by side. Both are
 * `LanguageModel`s (`@nlpkit/core`), so one function serves both: `topK(model, context, k)`, which runs the model
 * over the context with `stateAfter` and ranks `nextLog10Probs`. Each column also loads a model file from the
 * CLI: ARPA text or the binary n-gram format (`@nlpkit/ngram`), or a recurrent LM artifact (`decodeRecurrentLm`).
 * The LSTM reads its tensors synchronously, so it is decoded and run through `syncReads`.
 */
export function mountPredictPanel(models: PredictModels, syncReads: SyncReads): PredictPanel {
  const body = panelBody('panel-predict');
  const prompt = el('input', { type: 'text', value: 'the president of the', size: 48, 'data-testid': 'predict-input' });
  const lowercase = el('input', { type: 'checkbox', checked: true });
  body.append(el('p', {}, el('label', {}, 'Prompt (from the start of a sentence): ', prompt), ' ', el('label', {}, lowercase, ' lowercase')));
  const columns = el('div', { class: 'columns' });
  body.append(columns);

  const lstmArtifact = models.lstm?.artifact;
  let disposeLstm = (): void => lstmArtifact?.dispose();
  const make = (title: string, testId: string, model: LanguageModel | undefined, about: string, load: (bytes: Uint8Array, name: string) => LanguageModel, accept: string): Column => {
    const column: Column = { title, model, about, aboutLine: el('p', { class: 'about' }), list: el('ol', { class: 'predictions', 'data-testid': testId }) };
    const error = el('p', { class: 'error' });
    const input = fileInput('Load a model file:', accept, `${testId}-file`, (bytes, name) => {
      error.textContent = '';
      try {
        column.model = syncReads.run(() => load(bytes, name));
        column.about = name;
        update();
      } catch (e) {
        error.textContent = errorText(e);
      }
    });
    columns.append(el('div', { class: 'column' }, el('h3', { text: title }), column.aboutLine, input, error, column.list));
    return column;
  };
  const ngram = make('Kneser-Ney n-gram', 'predict-ngram', models.ngram?.model, models.ngram?.about ?? '', (bytes) => ngramModelFromBytes(bytes), '.arpa,.bin,.lm,.txt');
  const lstm = make('LSTM', 'predict-lstm', lstmArtifact?.model, models.lstm?.about ?? '', (bytes) => {
    const artifact = decodeRecurrentLm(bytes);
    disposeLstm();
    disposeLstm = () => artifact.dispose();
    return artifact.model;
  }, '.safetensors');

  const show = (column: Column, context: readonly string[]): void => {
    column.aboutLine.textContent = column.model === undefined ? 'no model loaded: build the demo models or load a file' : `${column.about} (vocabulary ${column.model.vocabulary.size})`;
    column.list.replaceChildren();
    if (column.model === undefined) return;
    const unknown = context.filter((w) => !column.model!.vocabulary.has(w));
    for (const next of topK(column.model, context, SHOWN)) {
      const p = 10 ** next.log10Prob;
      column.list.append(el('li', {}, el('span', { class: 'word', text: next.token }), el('span', { class: 'bar', style: `width: ${Math.max(1, Math.round(p * 300))}px` }), el('span', { class: 'prob', text: `${(100 * p).toFixed(1)}%` })));
    }
    if (unknown.length > 0) column.list.append(el('li', { class: 'hint', text: `read as <unk>: ${unknown.join(' ')}` }));
  };
  const update = (): void => {
    const words = wordTokenize(prompt.value).map((t) => (lowercase.checked ? t.text.toLowerCase() : t.text));
    for (const column of [ngram, lstm]) {
      try {
        syncReads.run(() => show(column, words));
      } catch (e) {
        column.list.replaceChildren(el('li', { class: 'error', text: errorText(e) }));
      }
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  prompt.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  lowercase.addEventListener('change', update);
  update();
  return {
    setNeuralModel(model, about, dispose) {
      disposeLstm();
      disposeLstm = dispose;
      lstm.model = model;
      lstm.about = about;
      update();
    },
  };
}
