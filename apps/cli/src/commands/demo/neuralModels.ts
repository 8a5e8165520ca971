import { join } from 'node:path';
import type { LanguageModel } from '@nlpkit/core';
import type { Progress } from '../../progress.js';
import { batchedSentenceScores, withSentenceScores, type TensorModules } from './batchedSentenceScores.js';
import type { BrownSplits } from './brownSplits.js';

/** A file the demo wrote: what it holds and where. */
export interface SavedFile {
  readonly what: string;
  readonly path: string;
  readonly bytes: number;
}

/** What a neural model's trainer gets from the demo. */
export interface NeuralDemoContext {
  readonly splits: BrownSplits;
  /** Wall-clock seconds training may take (the quick demo gives less); it stops early, never overruns. */
  readonly budgetSeconds: number;
  readonly seed: number;
  /** The folder models are saved in (already created). */
  readonly out: string;
  readonly progress: Progress;
}

/** A trained neural model: its row in the perplexity table and what was saved. */
export interface NeuralDemoModel {
  /** The row's name, e.g. `LSTM`. */
  readonly name: string;
  /**
   * The model; `scoreSentence` of the valid and test sentences is precomputed in batches (see
   * `batchedSentenceScores`), so evaluating and interpolating it is fast.
   */
  readonly model: LanguageModel;
  /** What it is, for the table: e.g. `1×64 LSTM, 0.3 epochs`. */
  readonly detail: string;
  readonly seconds: number;
  /** Paths of what was saved (their sizes are read by the demo). */
  readonly saved: readonly { readonly what: string; readonly path: string }[];
  /** The tensor backend it ran on. */
  readonly backend: string;
  /** Frees its tensors. */
  dispose(): void;
}

/** The neural rows of the demo, or why there are none. */
export interface NeuralDemoResult {
  readonly models: readonly NeuralDemoModel[];
  /** Said under the table: how the neural models were trained, or why there are none. */
  readonly note?: string;
}

/** The LSTM of the demo: small enough to learn something in a couple of minutes on 2 CPU cores (wasm). */
export const LSTM_SHAPE = { embeddingSize: 64, hiddenSize: 64, layers: 1 } as const;

/**
 * The demo's neural rows: a one-layer LSTM LM (`@nlpkit/rnn`'s `trainRecurrentLm`, Zaremba et al.'s recipe: SGD,
 * learning rate 1, loss summed over time, clipping at 5) trained on `splits.train` for `budgetSeconds`, over the
 * demo's vocabulary so that its words line up with the n-gram models. The demo evaluates it, shows its next
 * words beside KN5's and adds the `LSTM+KN5` row (weights tuned on `splits.valid`). Saved as `lstm.safetensors`
 * (`nlpkit lm eval|generate --model`, `readRecurrentLmFile` from `@nlpkit/rnn/node`).
 */
export async function trainNeuralModels(context: NeuralDemoContext): Promise<NeuralDemoResult> {
  const { splits, progress } = context;
  // Loaded here, not at import: tfjs is large and the rest of the CLI does not need it.
  const [{ initBackend }, tf, rnn, rnnNode] = await Promise.all([
    import('@nlpkit/tensor'),
    import('@tensorflow/tfjs-core'),
    import('@nlpkit/rnn'),
    import('@nlpkit/rnn/node'),
  ]);
  const modules: TensorModules = { tf, rnn };
  const { name: backend } = await initBackend();
  const config = { vocabSize: splits.vocabulary.size, ...LSTM_SHAPE };
  const train = rnn.lmStream(splits.train, splits.vocabulary);
  const batchSize = 32;
  const bptt = 20;
  const stepsPerEpoch = Math.floor((train.targets.length - 1) / batchSize / bptt);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), context.budgetSeconds * 1000);
  const started = performance.now();
  progress.stage(`training the LSTM (${context.budgetSeconds} s budget)`, Math.round(context.budgetSeconds));
  const ticker = setInterval(() => progress.update(Math.min(context.budgetSeconds, (performance.now() - started) / 1000)), 500);
  let result: Awaited<ReturnType<typeof rnn.trainRecurrentLm>>;
  try {
    result = await rnn.trainRecurrentLm({
      config,
      train,
      seed: context.seed,
      initScale: 0.1,
      batchSize,
      bptt,
      epochs: 100,
      loss: 'sumOverTime',
      lr: 1,
      clipNorm: 5,
      logEvery: 10,
      signal: abort.signal,
    });
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  try {
    const epochs = result.position.step / Math.max(1, stepsPerEpoch);
    const held = [...splits.valid, ...splits.test];
    progress.stage('scoring held-out text with the LSTM', held.length);
    const scores = batchedSentenceScores(modules, { config: result.config, params: result.params, vocabulary: splits.vocabulary }, held, {
      onBatch: (done) => progress.update(done),
    });
    const lstm = rnn.recurrentLanguageModel({ config: result.config, params: result.params, vocabulary: splits.vocabulary });
    const path = join(context.out, 'lstm.safetensors');
    await rnnNode.writeRecurrentLmFile(path, { config: result.config, params: result.params, vocabulary: splits.vocabulary }, {
      dtype: 'float16',
      meta: { trainedBy: 'nlpkit demo', seconds: seconds.toFixed(1), epochs: epochs.toFixed(2) },
    });
    const model: NeuralDemoModel = {
      name: 'LSTM',
      model: withSentenceScores(lstm, held, scores),
      detail: `1×${LSTM_SHAPE.hiddenSize} LSTM, ${epochs.toFixed(2)} epochs`,
      seconds,
      saved: [{ what: 'LSTM (float16; nlpkit lm eval|generate --model)', path }],
      backend,
      dispose: () => result.dispose(),
    };
    return {
      models: [model],
      note: `LSTM: ${context.budgetSeconds} s of training on ${backend} (${epochs.toFixed(2)} epochs; more time, a bigger model and several epochs lower its perplexity a lot)`,
    };
  } catch (error) {
    result.dispose();
    throw error;
  }
}
