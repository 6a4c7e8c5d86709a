import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { constant } from '../../initializers';
import { Dense } from './dense';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Dense', () => {
  it.each(['linear', 'relu', 'tanh', 'softmax'])('matches tfjs-layers and finite differences (activation %s)', (activation) => {
    const report = runLayerTest({
      layer: () => new Dense({ units: 3, activation }),
      inputs: tf.randomNormal([4, 5], 0, 1, 'float32', 7),
      expectedOutputShape: [4, 3],
      expectedNumTrainableWeights: 2,
      oracle: () => tfl.layers.dense({ units: 3, activation: activation as 'relu' }),
    });
    expect(report.oracleChecked).toBe(true);
    expect(report.gradientsChecked).toBe(3);
    expect(report.finiteDifferenceSamples).toBeGreaterThan(0);
  });

  it('applies to the last axis of rank-3 inputs, without bias', () => {
    runLayerTest({
      layer: () => new Dense({ units: 2, useBias: false }),
      inputs: tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3),
      expectedOutputShape: [2, 3, 2],
      expectedNumTrainableWeights: 1,
      oracle: () => tfl.layers.dense({ units: 2, useBias: false }),
    });
  });

  it('passes a mask through', () => {
    const mask = tf.tensor2d([[1, 1, 0]], [1, 3], 'bool');
    runLayerTest({
      layer: () => new Dense({ units: 2 }),
      inputs: tf.randomNormal([1, 3, 4], 0, 1, 'float32', 3),
      callArgs: { mask },
      expectedOutputMask: mask,
      finiteDifferences: false,
    });
  });

  it('rejects bad arguments and inputs with Keras-style messages', () => {
    expect(() => new Dense({ units: -1 })).toThrow('Received: units=-1');
    const layer = new Dense({ units: 2 });
    layer.apply(tf.zeros([1, 4]));
    expect(() => layer.apply(tf.zeros([1, 5]))).toThrow(/expected axis -1 of size 4. Received: shape=\[1,5\]/);
    expect(() => layer.apply(tf.zeros([4]))).toThrow(/expected rank >= 2/);
    expect(() => layer.apply(tf.tensor(['a', 'b']) as tf.Tensor)).toThrow(/Received: dtype=string/);
  });
});

describe('runLayerTest', () => {
  it('fails when the oracle disagrees', () => {
    expect(() =>
      runLayerTest({
        // A bias of -10 makes every pre-activation negative, so linear and relu must disagree.
        layer: () => new Dense({ units: 3, biasInitializer: constant({ value: -10 }) }),
        inputs: tf.randomNormal([4, 5], 0, 1, 'float32', 7),
        oracle: () => tfl.layers.dense({ units: 3, activation: 'relu' }),
        finiteDifferences: false,
      }),
    ).toThrow(/vs tfjs-layers/);
  });
});
