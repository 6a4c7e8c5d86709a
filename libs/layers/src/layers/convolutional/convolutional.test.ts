import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Conv1D } from './conv1d';
import { Conv2D } from './conv2d';
import { Conv3D } from './conv3d';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Conv1D', () => {
  it.each([
    { padding: 'valid', strides: 1, dilationRate: 1, out: [2, 5, 4] },
    { padding: 'same', strides: 2, dilationRate: 1, out: [2, 4, 4] },
  ] as const)('padding $padding, strides $strides, dilation $dilationRate matches tfjs-layers', ({ padding, strides, dilationRate, out }) => {
    runLayerTest({
      layer: () => new Conv1D({ filters: 4, kernelSize: 3, padding, strides, dilationRate, activation: 'relu' }),
      inputs: tf.randomNormal([2, 7, 3], 0, 1, 'float32', 1),
      expectedOutputShape: [...out],
      expectedNumTrainableWeights: 2,
      oracle: () => tfl.layers.conv1d({ filters: 4, kernelSize: 3, padding, strides, dilationRate, activation: 'relu' }),
    });
  });

  it('causal padding with dilation: finite differences (tfjs-layers has no causal padding)', () => {
    runLayerTest({
      layer: () => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2 }),
      inputs: tf.randomNormal([2, 7, 3], 0, 1, 'float32', 1),
      expectedOutputShape: [2, 7, 2],
    });
  });

  it('causal output t depends only on inputs up to t', () => {
    const layer = new Conv1D({ filters: 1, kernelSize: 3, padding: 'causal', kernelInitializer: 'ones' });
    const x = tf.tensor3d([1, 2, 4, 8, 16], [1, 5, 1]);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual([1, 3, 7, 14, 28]);
  });

  it('rejects bad arguments', () => {
    expect(() => new Conv1D({ filters: 0, kernelSize: 3 })).toThrow('Received: filters=0');
    expect(() => new Conv1D({ filters: 2, kernelSize: [3, 3] })).toThrow('Received: kernelSize=[3,3]');
    expect(() => new Conv1D({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow('Received: padding="full"');
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'causal' })).toThrow(/one of valid, same/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/strides > 1 together with dilationRate > 1/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3 }).apply(tf.zeros([2, 3]))).toThrow(/expected rank 3/);
  });
});

describe('Conv2D', () => {
  it('same padding, strides 2, no bias, matches tfjs-layers', () => {
    runLayerTest({
      layer: () => new Conv2D({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false }),
      inputs: tf.randomNormal([2, 5, 4, 2], 0, 1, 'float32', 2),
      expectedOutputShape: [2, 3, 2, 3],
      expectedNumTrainableWeights: 1,
      oracle: () => tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false }),
    });
  });

  it.each([
    { rank: 1, padding: 'same', shape: [2, 7, 3] },
    { rank: 2, padding: 'valid', shape: [1, 5, 5, 2] },
  ] as const)('dilation 2 (rank $rank, $padding): outputs match tfjs-layers, gradients finite differences', ({ rank, padding, shape }) => {
    // tfjs-core cannot differentiate dilated convolutions, so tfjs-layers is only a forward oracle here.
    const args = { filters: 2, kernelSize: 2, dilationRate: 2, padding, activation: 'tanh' } as const;
    const make = () => (rank === 1 ? new Conv1D(args) : new Conv2D(args));
    const x = tf.randomNormal([...shape], 0, 1, 'float32', 3);
    runLayerTest({ layer: make, inputs: x });
    const ours = make();
    const y = ours.apply(x) as tf.Tensor;
    const oracle = rank === 1 ? tfl.layers.conv1d(args) : tfl.layers.conv2d(args);
    oracle.apply(x);
    oracle.setWeights(ours.getWeights());
    const expected = oracle.apply(x) as tf.Tensor;
    expect(y.shape).toEqual(expected.shape);
    expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('Conv3D', () => {
  it('matches tfjs-layers', () => {
    runLayerTest({
      layer: () => new Conv3D({ filters: 2, kernelSize: 2, padding: 'same', strides: [1, 2, 1] }),
      inputs: tf.randomNormal([1, 3, 4, 3, 2], 0, 1, 'float32', 4),
      expectedOutputShape: [1, 3, 2, 3, 2],
      oracle: () => tfl.layers.conv3d({ filters: 2, kernelSize: 2, padding: 'same', strides: [1, 2, 1] }),
    });
  });
});
