import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Cropping1D } from './cropping1d';
import { UpSampling1D } from './up-sampling1d';
import { ZeroPadding1D } from './zero-padding1d';

beforeAll(async () => {
  await initBackend('cpu');
});

const x = () => tf.randomNormal([2, 5, 3], 0, 1, 'float32', 31);

// tfjs-layers has no 1D versions of these: finite differences and hand-checked values.
describe('1D sequence reshaping', () => {
  it('UpSampling1D', () => {
    runLayerTest({
      layer: () => new UpSampling1D({ size: 3 }),
      inputs: x(),
      expectedOutputShape: [2, 15, 3],
    });
  });

  it('ZeroPadding1D [before, after]', () => {
    runLayerTest({
      layer: () => new ZeroPadding1D({ padding: [2, 1] }),
      inputs: x(),
      expectedOutputShape: [2, 8, 3],
    });
  });

  it('Cropping1D', () => {
    runLayerTest({
      layer: () => new Cropping1D({ cropping: [1, 2] }),
      inputs: x(),
      expectedOutputShape: [2, 2, 3],
    });
  });

  it('hand-checked values and argument errors', () => {
    const seq = tf.tensor3d([1, 2, 3], [1, 3, 1]);
    expect(Array.from((new UpSampling1D().apply(seq) as tf.Tensor).dataSync())).toEqual([1, 1, 2, 2, 3, 3]);
    expect(Array.from((new ZeroPadding1D().apply(seq) as tf.Tensor).dataSync())).toEqual([0, 1, 2, 3, 0]);
    expect(Array.from((new Cropping1D({ cropping: [0, 1] }).apply(seq) as tf.Tensor).dataSync())).toEqual([1, 2]);
    expect(() => new ZeroPadding1D({ padding: -1 })).toThrow('Received: padding=-1');
    expect(() => new UpSampling1D({ size: 0 })).toThrow('Received: size=0');
    expect(() => new Cropping1D({ cropping: 2 }).apply(seq)).toThrow(/would crop every step/);
  });
});
