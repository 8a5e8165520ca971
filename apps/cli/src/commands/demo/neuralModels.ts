import type { LanguageModel } from '@nlpkit/core';
import type { Progress } from '../../progress.js';
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
  /** Wall-clock seconds the trainer may spend (the quick demo gives less); it should stop early, not overrun. */
  readonly budgetSeconds: number;
  readonly seed: number;
  readonly quick: boolean;
  /** The folder models are saved in (already created). */
  readonly out: string;
  readonly progress: Progress;
}

/** A trained neural model: its row in the perplexity table and what was saved. */
export interface NeuralDemoModel {
  /** The row's name, e.g. `LSTM`. */
  readonly name: string;
  readonly model: LanguageModel;
  /** What it is, for the table: e.g. `1×256, 3 epochs`. */
  readonly detail: string;
  readonly seconds: number;
  readonly saved: readonly SavedFile[];
}

/** The neural rows of the demo, or why there are none. */
export interface NeuralDemoResult {
  readonly models: readonly NeuralDemoModel[];
  /** Said under the table when `models` is empty. */
  readonly note?: string;
}

/**
 * The extension point for the demo's neural rows (issue 16): train the LSTM LM within `budgetSeconds` on
 * `splits.train` (its vocabulary is `splits.vocabulary`, so words line up with the n-gram models) and return it as a
 * `LanguageModel`. The demo then evaluates it, shows its next-word distribution beside KN5's and adds the
 * `LSTM+KN5` row, interpolated with weights tuned on `splits.valid` (core's `tuneInterpolationWeights`).
 *
 * Nothing is trained yet: `@nlpkit/rnn` has the recurrent LM (`recurrentLanguageModel`) but its training loop over
 * a corpus is still being written (issue 14).
 */
export async function trainNeuralModels(context: NeuralDemoContext): Promise<NeuralDemoResult> {
  void context;
  return { models: [], note: 'LSTM rows: not trained yet — the recurrent LM trainer of @nlpkit/rnn is still to come (issue 14)' };
}
