import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Flatten } from './flatten';
import { Permute } from './permute';
import { RepeatVector } from './repeat-vector';
import { Reshape } from './reshape';

beforeAll(async () => {
  await initBackend('cpu');
});

const x3 = () => tf.randomNormal([2, 3, 4], 0, 1, 'float32', 11);

describe('reshaping layers', () => {
  it('Flatten', () => {
    runLayerTest({ layer: () => new Flatten(), inputs: x3(), expectedOutputShape: [2, 12], oracle: () => tfl.layers.flatten() });
  });

  it('Reshape with an inferred axis', () => {
    runLayerTest({
      layer: () => new Reshape({ targetShape: [-1, 2] }),
      inputs: x3(),
      expectedOutputShape: [2, 6, 2],
      oracle: () => tfl.layers.reshape({ targetShape: [-1, 2] }),
    });
    const layer = new Reshape({ targetShape: [5] });
    expect(() => layer.apply(x3())).toThrow(/cannot reshape \[2,3,4\] \(12 values per sample\) to targetShape=\[5\]/);
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow('Received: targetShape=[-1,-1]');
  });

  it('Permute', () => {
    runLayerTest({
      layer: () => new Permute({ dims: [2, 1] }),
      inputs: x3(),
      expectedOutputShape: [2, 4, 3],
      oracle: () => tfl.layers.permute({ dims: [2, 1] }),
    });
    expect(() => new Permute({ dims: [0, 1] })).toThrow('Received: dims=[0,1]');
  });

  it('RepeatVector', () => {
    runLayerTest({
      layer: () => new RepeatVector({ n: 3 }),
      inputs: tf.randomNormal([2, 4], 0, 1, 'float32', 5),
      expectedOutputShape: [2, 3, 4],
      oracle: () => tfl.layers.repeatVector({ n: 3 }),
    });
    expect(() => new RepeatVector({ n: 3 }).apply(x3())).toThrow(/expected rank 2/);
  });
});
