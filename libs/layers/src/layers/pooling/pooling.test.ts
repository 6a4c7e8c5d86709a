import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import {
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
} from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const x3 = () => tf.randomNormal([2, 7, 3], 0, 1, 'float32', 11);
const x4 = () => tf.randomNormal([2, 5, 4, 2], 0, 1, 'float32', 12);
const x5 = () => tf.randomNormal([1, 4, 4, 3, 2], 0, 1, 'float32', 13);

describe('pooling vs tfjs-layers', () => {
  it.each([
    ['MaxPooling1D valid', () => new MaxPooling1D({ poolSize: 2 }), () => tfl.layers.maxPooling1d({ poolSize: 2 }), x3, [2, 3, 3]],
    ['MaxPooling1D same, strides 1', () => new MaxPooling1D({ poolSize: 3, strides: 1, padding: 'same' }), () => tfl.layers.maxPooling1d({ poolSize: 3, strides: 1, padding: 'same' }), x3, [2, 7, 3]],
    ['AveragePooling1D same', () => new AveragePooling1D({ poolSize: 2, padding: 'same' }), () => tfl.layers.averagePooling1d({ poolSize: 2, padding: 'same' }), x3, [2, 4, 3]],
    ['MaxPooling2D', () => new MaxPooling2D({ poolSize: [2, 2] }), () => tfl.layers.maxPooling2d({ poolSize: [2, 2] }), x4, [2, 2, 2, 2]],
    ['AveragePooling2D same strides 1', () => new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }), () => tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }), x4, [2, 5, 4, 2]],
    ['MaxPooling3D', () => new MaxPooling3D({ poolSize: 2 }), () => tfl.layers.maxPooling3d({ poolSize: 2 }), x5, [1, 2, 2, 1, 2]],
    ['AveragePooling3D valid', () => new AveragePooling3D({ poolSize: 2 }), () => tfl.layers.averagePooling3d({ poolSize: 2 }), x5, [1, 2, 2, 1, 2]],
    ['GlobalMaxPooling1D', () => new GlobalMaxPooling1D(), () => tfl.layers.globalMaxPooling1d({}), x3, [2, 3]],
    ['GlobalAveragePooling1D', () => new GlobalAveragePooling1D(), () => tfl.layers.globalAveragePooling1d({}), x3, [2, 3]],
    ['GlobalMaxPooling2D', () => new GlobalMaxPooling2D(), () => tfl.layers.globalMaxPooling2d({}), x4, [2, 2]],
    ['GlobalAveragePooling2D', () => new GlobalAveragePooling2D(), () => tfl.layers.globalAveragePooling2d({}), x4, [2, 2]],
  ] as const)('%s', (_name, layer, oracle, inputs, shape) => {
    runLayerTest({
      layer,
      inputs: inputs(),
      expectedOutputShape: [...shape],
      expectedNumTrainableWeights: 0,
      oracle: oracle as () => tfl.layers.Layer,
    });
  });
});

it('AveragePooling3D same: outputs match tfjs-layers; gradients by finite differences (tfjs-core gets them wrong)', () => {
  runLayerTest({ layer: () => new AveragePooling3D({ poolSize: 2, padding: 'same' }), inputs: x5(), expectedOutputShape: [1, 2, 2, 2, 2] });
  const y = new AveragePooling3D({ poolSize: 2, padding: 'same' }).apply(x5()) as tf.Tensor;
  const expected = tfl.layers.averagePooling3d({ poolSize: 2, padding: 'same' }).apply(x5()) as tf.Tensor;
  expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-6);
});

describe('masked global pooling (1D)', () => {
  // Sample 0: steps 0 and 2 real; sample 1: every step masked.
  const x = () => tf.tensor3d([[[1, -5], [9, 9], [3, -7]], [[4, 4], [5, 5], [6, 6]]]);
  const mask = () => tf.tensor2d([[1, 0, 1], [0, 0, 0]], [2, 3], 'bool');

  it('GlobalMaxPooling1D ignores masked steps; all-masked samples give zeros', () => {
    const y = new GlobalMaxPooling1D().apply(x(), { mask: mask() }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([3, -5, 0, 0]);
  });

  it('GlobalAveragePooling1D averages the real steps only', () => {
    const y = new GlobalAveragePooling1D({ keepdims: true }).apply(x(), { mask: mask() }) as tf.Tensor;
    expect(y.shape).toEqual([2, 1, 2]);
    expect(Array.from(y.dataSync())).toEqual([2, -6, 0, 0]);
  });

  it.each([
    ['max', () => new GlobalMaxPooling1D()],
    ['average', () => new GlobalAveragePooling1D()],
  ] as const)('%s: gradients with a mask (finite differences), masked steps get none, no output mask', (_n, make) => {
    const inputs = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const m = tf.tensor2d([[1, 1, 0, 1], [0, 1, 1, 0]], [2, 4], 'bool');
    runLayerTest({ layer: make, inputs, callArgs: { mask: m }, expectedOutputMask: null });
    const g = tf.grad((v: tf.Tensor) => tf.sum(make().apply(v, { mask: m }) as tf.Tensor))(inputs);
    const perStep = tf.sum(tf.abs(g), 2).arraySync() as number[][];
    expect([perStep[0][2], perStep[1][0], perStep[1][3]]).toEqual([0, 0, 0]);
  });
});

it('rejects bad pooling arguments', () => {
  expect(() => new MaxPooling2D({ poolSize: [2] })).toThrow('Received: poolSize=[2]');
  expect(() => new AveragePooling1D({ padding: 'causal' as 'same' })).toThrow('Received: padding="causal"');
  expect(() => new GlobalMaxPooling2D({ dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow(/only dataFormat 'channelsLast'/);
});
