import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Rng } from '@nlpkit/core';
import { glorotUniform, rnnUniform, uniform } from '@nlpkit/tensor';
import { checkTextClassifierConfig, textClassifierShapes, type TextClassifierConfig } from './textClassifierConfig.js';

/** A text classifier's weights: a flat state dict named as {@link textClassifierShapes} lists them. */
export type TextClassifierParams = Readonly<Record<string, Tensor>>;

/**
 * Fresh weights for `config`, drawn from `rng` in the order of {@link textClassifierShapes}: embeddings
 * U(±embeddingScale) (default 0.1), recurrent cells PyTorch's U(±1/√H), dense and convolution weights Glorot
 * uniform, biases 0.
 */
export function initTextClassifier(config: TextClassifierConfig, rng: Rng, embeddingScale = 0.1): Record<string, Tensor> {
  checkTextClassifierConfig(config, 'config');
  const shapes = textClassifierShapes(config);
  return tf.tidy(() => {
    const out: Record<string, Tensor> = {};
    for (const [name, shape] of shapes) {
      if (name === 'embedding') out[name] = uniform(shape, rng, -embeddingScale, embeddingScale);
      else if (name.startsWith('rnn.') && config.kind === 'rnn') out[name] = rnnUniform(shape, config.hiddenSize, rng);
      else if (shape.length === 1) out[name] = tf.zeros(shape);
      else out[name] = glorotUniform(shape, rng);
    }
    return out;
  });
}
