import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { Dense } from '../layers/core/dense';
import { Sequential } from '../models/sequential';
import { Adam, SGD, type Optimizer } from '../optimizers';

beforeAll(async () => {
  await initBackend('cpu');
});

// Whole training runs against tfjs-layers' fit from the same initial weights and data order:
// losses, gradients and optimizer updates all have to agree for the weights to match.
// Adam's epsilon sits differently in Keras 3 (on sqrt(v) before bias correction) and tfjs (after),
// so both run with an epsilon too small to matter; the update rules then coincide.
const optimizerPairs = {
  sgd: () => ({ ours: new SGD({ learningRate: 0.01 }) as Optimizer, theirs: tf.train.sgd(0.01) as tf.Optimizer }),
  adam: () => ({ ours: new Adam({ learningRate: 0.001, epsilon: 1e-12 }), theirs: tf.train.adam(0.001, 0.9, 0.999, 1e-12) }),
};

describe.each(['sgd', 'adam'] as const)('fit vs tfjs-layers (%s)', (optimizerName) => {
  it('gives the same weights and epoch losses', async () => {
    const optimizer = optimizerPairs[optimizerName]();
    const x = tf.randomNormal([24, 4], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => (i * 7) % 3), 'int32'), 3);
    const ours = new Sequential({ layers: [new Dense({ units: 5, activation: 'tanh', inputShape: [4] }), new Dense({ units: 3, activation: 'softmax' })] });
    ours.compile({ optimizer: optimizer.ours, loss: 'categoricalCrossentropy' });
    const theirs = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
    theirs.compile({ optimizer: optimizer.theirs, loss: 'categoricalCrossentropy' });
    theirs.setWeights(ours.getWeights());

    const h1 = await ours.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    const h2 = await theirs.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    (h2.history.loss as number[]).forEach((l, i) => expect(h1.history.loss[i]).toBeCloseTo(l, 5));
    const a = ours.getWeights();
    const b = theirs.getWeights();
    a.forEach((w, i) => {
      expect(tf.max(tf.abs(tf.sub(w, b[i]))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });
});
