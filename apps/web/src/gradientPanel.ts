import { decodeRecurrentLm, type RecurrentLmArtifact } from '@nlpkit/rnn';
import { wordTokenize } from '@nlpkit/text';
import { el, errorText, fileInput, panelBody } from './dom.js';
import { lmHiddenStateGradientNorms } from './lmGradients.js';
import { hiddenStateGradientNorms } from './hiddenStateGradients.js';
import { lineChart } from './lineChart.js';

/**
 * Panel 4: the vanishing-gradient problem measured, not drawn from a formula: ‖∂loss/∂h_t‖ over t for a tanh RNN
 * and an LSTM of the same size (see {@link hiddenStateGradientNorms}), on a log scale. A trained recurrent LM
 * artifact (`nlpkit lm train`) loads here too: the same measure through its top layer over a typed sentence, with
 * the loss the surprisal of the sentence's last word ({@link lmHiddenStateGradientNorms}).
 */
export function mountGradientPanel(): void {
  const body = panelBody('panel-gradients');
  const steps = el('input', { type: 'number', value: 50, min: 5, max: 200, step: 5 });
  const hidden = el('input', { type: 'number', value: 64, min: 4, max: 256, step: 4 });
  const forget = el('input', { type: 'number', value: 1, min: -2, max: 5, step: 0.5 });
  const run = el('button', { type: 'button', text: 'Compute', 'data-testid': 'gradients-run' });
  const status = el('p', { 'data-testid': 'gradients-status' });
  body.append(
    el('p', { class: 'hint', text: 'The loss is a random projection of the last hidden state h_T; each point is the norm of its gradient with respect to an earlier h_t, by backpropagation through time.' }),
    el('p', {}, el('label', {}, 'time steps ', steps), ' ', el('label', {}, 'hidden units ', hidden), ' ', el('label', {}, 'LSTM forget bias ', forget), ' ', run),
    status,
  );
  const chart = lineChart(body, { title: '‖∂loss/∂h_t‖', xLabel: 't', yLabel: 'gradient norm', series: ['tanh RNN', 'LSTM'], logY: true });

  const compute = async (): Promise<void> => {
    run.disabled = true;
    status.textContent = 'computing…';
    try {
      const common = { steps: Number(steps.value), hiddenSize: Number(hidden.value), inputSize: 16, forgetBias: Number(forget.value), seed: 3 };
      const rnn = await hiddenStateGradientNorms({ ...common, cell: 'tanh' });
      const lstm = await hiddenStateGradientNorms({ ...common, cell: 'lstm' });
      // Log axes cannot show 0: a gradient that underflowed float32 is drawn at the smallest positive float.
      const floor = (xs: number[]): number[] => xs.map((x) => Math.max(x, 1e-38));
      chart.setData(rnn.map((_, t) => t + 1), [floor(rnn), floor(lstm)]);
      const ratio = (xs: number[]): string => (xs.at(-1)! / xs[0]!).toExponential(1);
      status.textContent = `from t = T back to t = 1 the gradient norm shrinks by a factor of ${ratio(rnn)} in the tanh RNN and ${ratio(lstm)} in the LSTM`;
    } catch (error) {
      status.textContent = `failed: ${errorText(error)}`;
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', () => void compute());
  void compute();

  // A trained model, from a file.
  let artifact: RecurrentLmArtifact | undefined;
  const sentence = el('input', { type: 'text', size: 48, value: 'the man who lived in the house near the river was', 'data-testid': 'gradients-sentence' });
  const trainedStatus = el('p', { 'data-testid': 'gradients-trained-status' });
  const trainedRun = el('button', { type: 'button', text: 'Compute through the loaded model', disabled: true });
  const holder = el('div');
  let trainedChart: ReturnType<typeof lineChart> | undefined;
  const computeTrained = async (): Promise<void> => {
    if (artifact === undefined) return;
    const words = wordTokenize(sentence.value).map((t) => t.text.toLowerCase());
    if (words.length < 2) return;
    trainedRun.disabled = true;
    try {
      const norms = await lmHiddenStateGradientNorms(artifact, words);
      trainedChart ??= lineChart(holder, { title: `‖∂loss/∂h_t‖ in the loaded model, loss = −ln p(last word)`, xLabel: 't (input position, <s> = 1)', yLabel: 'gradient norm', series: ['loaded model'], logY: true });
      trainedChart.setData(norms.map((_, t) => t + 1), [norms.map((x) => Math.max(x, 1e-38))]);
      trainedStatus.textContent = `last word "${words.at(-1)}": the gradient at <s> is ${(norms[0]! / norms.at(-1)!).toExponential(1)} times the one at "${words.at(-2)}", the word before it`;
    } catch (error) {
      trainedStatus.textContent = `failed: ${errorText(error)}`;
    } finally {
      trainedRun.disabled = false;
    }
  };
  trainedRun.addEventListener('click', () => void computeTrained());
  body.append(
    fileInput('Or load a trained recurrent LM (.safetensors):', '.safetensors', 'gradients-file', (bytes, name) => {
      try {
        const next = decodeRecurrentLm(bytes);
        artifact?.dispose();
        artifact = next;
        trainedStatus.textContent = `${name}: ${next.config.layers}×${next.config.hiddenSize} ${next.config.cell?.type ?? 'lstm'}`;
        trainedRun.disabled = false;
        void computeTrained();
      } catch (error) {
        trainedStatus.textContent = `not loaded: ${errorText(error)}`;
      }
    }),
    el('p', {}, el('label', {}, 'Sentence: ', sentence), ' ', trainedRun),
    trainedStatus,
    holder,
  );
}
