import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Add } from './add';
import { Average } from './average';
import { Concatenate } from './concatenate';
import { Dot } from './dot';
import { Maximum } from './maximum';
import { Minimum } from './minimum';
import { Multiply } from './multiply';
import { Subtract } from './subtract';

beforeAll(async () => {
  await initBackend('cpu');
});

const pair = (shape: number[]) => [tf.randomNormal(shape, 0, 1, 'float32', 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];

describe('merge layers', () => {
  const cases = [
    ['Add', () => new Add(), () => tfl.layers.add({})],
    ['Multiply', () => new Multiply(), () => tfl.layers.multiply({})],
    ['Average', () => new Average(), () => tfl.layers.average({})],
    ['Maximum', () => new Maximum(), () => tfl.layers.maximum({})],
    ['Minimum', () => new Minimum(), () => tfl.layers.minimum({})],
  ] as const;
  it.each(cases)('%s matches tfjs-layers', (_name, layer, oracle) => {
    runLayerTest({ layer, inputs: pair([3, 4]), expectedOutputShape: [3, 4], oracle });
  });

  it('Subtract computes a - b and takes exactly two inputs', () => {
    const [a, b] = pair([2, 3]);
    runLayerTest({ layer: () => new Subtract(), inputs: [a, b], expectedOutputShape: [2, 3] });
    const y = new Subtract().apply([a, b]) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.sub(a, b).dataSync()));
    expect(() => new Subtract().apply([a, b, a])).toThrow(/list of exactly 2 inputs. Received: 3/);
  });

  it('Concatenate on several axes, and its mask', () => {
    runLayerTest({
      layer: () => new Concatenate({ axis: -1 }),
      inputs: [tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3), tf.randomNormal([2, 3, 2], 0, 1, 'float32', 4)],
      expectedOutputShape: [2, 3, 6],
      oracle: () => tfl.layers.concatenate({ axis: -1 }),
    });
    runLayerTest({
      layer: () => new Concatenate({ axis: 1 }),
      inputs: [tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3), tf.randomNormal([2, 1, 4], 0, 1, 'float32', 4)],
      callArgs: { mask: [tf.tensor2d([[1, 1, 0], [1, 0, 0]], [2, 3], 'bool'), null] },
      expectedOutputShape: [2, 4, 4],
      expectedOutputMask: tf.tensor2d([[1, 1, 0, 1], [1, 0, 0, 1]], [2, 4], 'bool'),
      oracle: () => tfl.layers.concatenate({ axis: 1 }),
      oracleCallArgs: {},
    });
    expect(() => new Concatenate().apply([tf.zeros([2, 3]), tf.zeros([3, 3])])).toThrow(/matching shapes except on the concat axis/);
  });

  it('element-wise merges AND their masks', () => {
    const m1 = tf.tensor2d([[1, 1, 0]], [1, 3], 'bool');
    const m2 = tf.tensor2d([[1, 0, 0]], [1, 3], 'bool');
    runLayerTest({
      layer: () => new Add(),
      inputs: pair([1, 3, 2]),
      callArgs: { mask: [m1, m2] },
      expectedOutputMask: tf.tensor2d([[1, 0, 0]], [1, 3], 'bool'),
      finiteDifferences: false,
    });
  });

  it.each([
    [[3, 4], [3, 4], 1, false, [3, 1]],
    [[2, 3, 4], [2, 5, 4], 2, false, [2, 3, 5]],
    [[2, 4, 3], [2, 4, 5], 1, true, [2, 3, 5]],
  ] as const)('Dot %j . %j on axes %d (normalize %s)', (sa, sb, axes, normalize, out) => {
    runLayerTest({
      layer: () => new Dot({ axes, normalize }),
      inputs: [tf.randomNormal([...sa], 0, 1, 'float32', 5), tf.randomNormal([...sb], 0, 1, 'float32', 6)],
      expectedOutputShape: [...out],
      oracle: () => tfl.layers.dot({ axes, normalize }),
    });
  });

  it('names incompatible shapes', () => {
    expect(() => new Add().apply([tf.zeros([2, 3]), tf.zeros([2, 4])])).toThrow(/cannot merge inputs of shapes \[2,3\] and \[2,4\]/);
    expect(() => new Add().apply(tf.zeros([2, 3]))).toThrow(/list of at least 2 inputs. Received: 1/);
  });
});
