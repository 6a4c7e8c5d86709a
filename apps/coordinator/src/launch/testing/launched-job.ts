import { tf } from '@weft/tensor';
import { Sequential, layers, type FitArgs } from '@weft/layers';

/** The same small job in every process: an MLP from fixed weights, its data, fit's arguments. */
export function launchedJob(): { model: Sequential; x: tf.Tensor; y: tf.Tensor; args: FitArgs } {
  const model = new Sequential({
    layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i)));
  const x = tf.randomNormal([44, 5], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', 2)), -1), 3);
  return { model, x, y, args: { batchSize: 16, epochs: 2, seed: 7 } };
}
