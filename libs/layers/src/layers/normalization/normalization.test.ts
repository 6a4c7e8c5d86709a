import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { BatchNormalization } from './batch-normalization';
import { LayerNormalization } from './layer-normalization';

beforeAll(async () => {
  await initBackend('cpu');
});

// Non-trivial gamma/beta so their gradients and effect are checked.
const randomize = (layer: LayerNormalization | BatchNormalization) => {
  layer.apply(tf.zeros([2, 3, 4]));
  layer.setWeights(layer.weights.map((w, i) => (w.trainable ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i) : tf.randomUniform(w.shape, 0.5, 1, 'float32', 9 + i))));
  return layer;
};

describe('normalization layers', () => {
  it('LayerNormalization matches tfjs-layers', () => {
    runLayerTest({
      layer: () => randomize(new LayerNormalization({ epsilon: 1e-3 })),
      inputs: tf.randomNormal([2, 3, 4], 1, 2, 'float32', 4),
      expectedNumTrainableWeights: 2,
      oracle: () => tfl.layers.layerNormalization({ epsilon: 1e-3 }),
      tolerance: { rtol: 1e-4, atol: 1e-4 },
    });
  });

  it('BatchNormalization at inference matches tfjs-layers', () => {
    runLayerTest({
      layer: () => randomize(new BatchNormalization()),
      inputs: tf.randomNormal([2, 3, 4], 1, 2, 'float32', 4),
      expectedNumTrainableWeights: 2,
      expectedNumNonTrainableWeights: 2,
      oracle: () => tfl.layers.batchNormalization({}),
      tolerance: { rtol: 1e-4, atol: 1e-4 },
    });
  });

  it('BatchNormalization in training uses batch statistics and moves the moving ones', () => {
    const x = tf.randomNormal([6, 4], 3, 2, 'float32', 8);
    runLayerTest({
      layer: () => new BatchNormalization({ momentum: 0.9 }),
      inputs: x,
      callArgs: { training: true },
      oracle: () => tfl.layers.batchNormalization({ momentum: 0.9 }),
      tolerance: { rtol: 1e-3, atol: 1e-4 },
    });
    const layer = new BatchNormalization({ momentum: 0.9 });
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = tf.moments(x, 0);
    const yMoments = tf.moments(y, 0);
    expect(Math.max(...Array.from(tf.abs(yMoments.mean).dataSync()))).toBeLessThan(1e-5);
    const expectedMean = tf.mul(mean, 0.1);
    const expectedVar = tf.add(0.9, tf.mul(variance, 0.1));
    expect(Array.from(layer.movingMean!.read().dataSync())).toEqual(Array.from(expectedMean.dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(layer.movingVariance!.read().dataSync())).toEqual(Array.from(expectedVar.dataSync()).map((v) => expect.closeTo(v, 5)));
  });
});
