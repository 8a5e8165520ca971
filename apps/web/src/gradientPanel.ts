import { el, errorText, panelBody } from './dom.js';
import { hiddenStateGradientNorms } from './hiddenStateGradients.js';
import { lineChart } from './lineChart.js';

/**
 * Panel 4: the vanishing-gradient problem measured, not drawn from a formula: ‖∂loss/∂h_t‖ over t for a tanh RNN
 * and an LSTM of the same size (see {@link hiddenStateGradientNorms}), on a log scale.
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
}
