import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { Dense } from '../layers/core/dense';
import { Sequential } from '../models/sequential';

beforeAll(async () => {
  await initBackend('cpu');
});

// Whole training runs against tfjs-layers' fit from the same initial weights and data order:
// losses, gradients and optimizer updates all have to agree for the weights to match.
// Adam's epsilon sits differently in Keras 3 (on sqrt(v) before bias correction) and tfjs (after):
// a few 1e-5 over 9 steps of size ~1e-3, so its weight tolerance is wider.
describe.each([['sgd', 1e-5], ['adam', 5e-5]] as const)('fit vs tfjs-layers (%s)', (optimizer, weightTolerance) => {
  it('gives the same weights and epoch losses', async () => {
    const x = tf.randomNormal([24, 4], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => (i * 7) % 3), 'int32'), 3);
    const ours = new Sequential({ layers: [new Dense({ units: 5, activation: 'tanh', inputShape: [4] }), new Dense({ units: 3, activation: 'softmax' })] });
    ours.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const theirs = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
    theirs.compile({ optimizer, loss: 'categoricalCrossentropy' });
    theirs.setWeights(ours.getWeights());

    const h1 = await ours.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    const h2 = await theirs.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    (h2.history.loss as number[]).forEach((l, i) => expect(h1.history.loss[i]).toBeCloseTo(l, 5));
    const a = ours.getWeights();
    const b = theirs.getWeights();
    a.forEach((w, i) => {
      expect(tf.max(tf.abs(tf.sub(w, b[i]))).dataSync()[0]).toBeLessThan(weightTolerance);
    });
  });
});
