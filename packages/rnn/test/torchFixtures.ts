// A JSON import rather than node:fs, so the same fixtures load in Node and in the Chromium suites (Vite serves them).
import fixtures from './fixtures/torch-parity.json' with { type: 'json' };

/** A tensor as the generator writes it. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** One PyTorch parity case (see scripts/golden/rnn/torch_parity.py). */
export interface TorchCase {
  name: string;
  mode: 'RNN' | 'LSTM' | 'GRU';
  nonlinearity: 'tanh' | 'relu';
  inputSize: number;
  hiddenSize: number;
  projSize: number;
  numLayers: number;
  bidirectional: boolean;
  batch: number;
  steps: number;
  lengths: number[] | null;
  params: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
  x: FixtureTensor;
  h0: FixtureTensor;
  c0?: FixtureTensor;
  gradX: FixtureTensor;
  gradH0: FixtureTensor;
  gradC0?: FixtureTensor;
  gOut: FixtureTensor;
  gH: FixtureTensor;
  gC?: FixtureTensor;
  out: FixtureTensor;
  hN: FixtureTensor;
  cN?: FixtureTensor;
}

/** Reads the committed PyTorch parity fixtures. */
export function loadTorchCases(): TorchCase[] {
  return (fixtures as unknown as { cases: TorchCase[] }).cases;
}
