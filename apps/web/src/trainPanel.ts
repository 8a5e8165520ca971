import { buildVocabulary, type Vocabulary } from '@nlpkit/core';
import { lmStream, recurrentLanguageModel, trainRecurrentLm, type TrainRecurrentLmResult } from '@nlpkit/rnn';
import type { ParamTree } from '@nlpkit/train';
import { copyForSyncReads, disposeParams } from './cpuCopy.js';
import { wordTokenize } from '@nlpkit/text';
import { el, errorText, fileInput, panelBody } from './dom.js';
import { lineChart } from './lineChart.js';
import type { PredictPanel } from './predictPanel.js';
import type { SyncReads } from './syncReads.js';

/** Vocabulary of the live model, specials included: small, so a step is quick on any backend. */
const VOCABULARY_SIZE = 1000;

/** Sentences of a text file: one per line, words by `wordTokenize`, lowercased. */
function sentencesOf(text: string): string[][] {
  return text.split('\n').map((line) => wordTokenize(line).map((t) => t.text.toLowerCase())).filter((s) => s.length > 0);
}

/**
 * Panel 3: trains a small LSTM LM in the page with `trainRecurrentLm` from `@nlpkit/rnn` (Zaremba's recipe: SGD,
 * learning rate 1, loss summed over time, clipping at 5) on Brown sentences or a text file, plots the training
 * loss as it reports (`onEvent`, every `logEvery` steps: one device read each) and stops through an AbortSignal.
 * The trained model can then replace the LSTM of the next-word panel, as a `recurrentLanguageModel`.
 */
export function mountTrainPanel(defaultText: string | undefined, predict: PredictPanel, syncReads: SyncReads): void {
  const body = panelBody('panel-train');
  let sentences = defaultText === undefined ? [] : sentencesOf(defaultText);
  const data = el('p', { class: 'about' });
  const describe = (source: string): void => {
    data.textContent = sentences.length === 0 ? 'no training text: build the demo models or load a text file (one sentence per line)' : `${sentences.length} sentences of ${source}`;
  };
  describe('the Brown corpus');
  const hidden = el('select', {}, ...[32, 64, 128].map((h) => el('option', { value: h, text: `${h} units`, selected: h === 64 })));
  const start = el('button', { type: 'button', text: 'Train', 'data-testid': 'train-start' });
  const stop = el('button', { type: 'button', text: 'Stop', disabled: true, 'data-testid': 'train-stop' });
  const status = el('p', { 'data-testid': 'train-status', text: 'not started' });
  const use = el('button', { type: 'button', text: 'Use it for next words (panel 2)', disabled: true, 'data-testid': 'train-use' });
  body.append(
    data,
    fileInput('Train on a text file instead:', '.txt', 'train-file', (bytes, name) => {
      sentences = sentencesOf(new TextDecoder().decode(bytes));
      describe(name);
    }),
    el('p', {}, el('label', {}, 'LSTM size: ', hidden), ' ', start, ' ', stop, ' ', use),
    status,
  );
  const chart = lineChart(body, { title: 'training loss (nats per token)', xLabel: 'step', yLabel: 'loss', series: ['loss'] });

  let abort: AbortController | undefined;
  let trained: { result: TrainRecurrentLmResult; vocabulary: Vocabulary } | undefined;
  stop.addEventListener('click', () => abort?.abort());
  use.addEventListener('click', () => {
    if (trained === undefined) return;
    const { result, vocabulary } = trained;
    use.disabled = true;
    void copyForSyncReads(result.params as unknown as ParamTree, syncReads).then((copy) => {
      const params = copy as unknown as typeof result.params;
      const model = syncReads.run(() => recurrentLanguageModel({ config: result.config, params, vocabulary }));
      predict.setNeuralModel(model, `trained here: 1×${result.config.hiddenSize} LSTM, ${result.position.step} steps`, () => disposeParams(copy));
    });
  });
  start.addEventListener('click', () => {
    if (sentences.length === 0) return;
    abort = new AbortController();
    trained?.result.dispose();
    trained = undefined;
    use.disabled = true;
    start.disabled = true;
    stop.disabled = false;
    const steps: number[] = [];
    const losses: number[] = [];
    chart.setData(steps, [losses]);
    status.textContent = 'starting…';
    const vocabulary = buildVocabulary(sentences, { maxSize: VOCABULARY_SIZE });
    const hiddenSize = Number(hidden.value);
    void trainRecurrentLm({
      config: { vocabSize: vocabulary.size, embeddingSize: 32, hiddenSize, layers: 1 },
      train: lmStream(sentences, vocabulary),
      seed: 1,
      initScale: 0.1,
      batchSize: 16,
      bptt: 20,
      epochs: 50,
      loss: 'sumOverTime',
      lr: 1,
      clipNorm: 5,
      // A live chart wants every step; the read is asynchronous, so the page stays responsive.
      logEvery: 1,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type !== 'step') return;
        steps.push(e.step);
        losses.push(e.loss);
        chart.setData(steps, [losses]);
        status.textContent = `epoch ${e.epoch + 1}, step ${e.step} of ${e.stepsPerEpoch} per epoch: loss ${e.loss.toFixed(3)} (perplexity ${e.perplexity.toFixed(1)}), ${Math.round(e.tokensPerSecond)} tokens/s`;
      },
    })
      .then((result) => {
        status.textContent = `${result.stopped} after ${result.position.step} steps${losses.length > 0 ? `; last loss ${losses.at(-1)!.toFixed(3)}` : ''}`;
        trained = { result, vocabulary };
        use.disabled = false;
      })
      .catch((error: unknown) => {
        status.textContent = `training failed: ${errorText(error)}`;
      })
      .finally(() => {
        start.disabled = false;
        stop.disabled = true;
      });
  });
}
