import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Rng } from '@nlpkit/core';
import { glorotUniform, rnnUniform, uniform } from '@nlpkit/tensor';
import { checkSeq2seqConfig, seq2seqShapes, type Seq2seqConfig } from './seq2seqConfig.js';

/** A seq2seq model's parameters: a flat state dict named as {@link seq2seqShapes} lists. */
export type Seq2seqParams = Readonly<Record<string, Tensor>>;

/**
 * Fresh parameters for `config`, drawn from `rng` (same seed, same weights on every backend): recurrent weights
 * PyTorch's U(±1/√H), embeddings U(±0.1), attention, bridge, combine and output weights Glorot-uniform, their
 * biases zero. Tensors are new; the caller owns them.
 */
export function initSeq2seq(config: Seq2seqConfig, rng: Rng): Record<string, Tensor> {
  const c = checkSeq2seqConfig(config);
  const shapes = seq2seqShapes(c);
  return tf.tidy(() => {
    const out: Record<string, Tensor> = {};
    for (const [name, shape] of shapes) {
      const last = name.slice(name.lastIndexOf('.') + 1);
      if (name.endsWith('embedding')) out[name] = uniform(shape, rng, -0.1, 0.1);
      else if (name.startsWith('encoder.') || name.startsWith('decoder.')) {
        // Per-direction width: the recurrent weight's first dimension.
        const hidden = (shapes.get(name.replace(/\.[^.]+$/, '.wHh')) as number[])[0] as number;
        out[name] = rnnUniform(shape, hidden, rng);
      } else if (last === 'b') out[name] = tf.zeros(shape);
      else out[name] = glorotUniform(shape, rng);
    }
    return out;
  });
}
