import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Masking } from './masking';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Masking', () => {
  it('masks and zeroes timesteps equal to maskValue', () => {
    const x = tf.tensor3d([[[1, 2], [-1, -1], [3, -1]], [[-1, -1], [-1, -1], [0.5, 0.25]]]);
    runLayerTest({
      layer: () => new Masking({ maskValue: -1 }),
      inputs: x,
      expectedOutputShape: [2, 3, 2],
      expectedOutputMask: tf.tensor2d([[1, 0, 1], [0, 0, 1]], [2, 3], 'bool'),
      oracle: () => tfl.layers.masking({ maskValue: -1 }),
      oracleGradients: false, // tfjs-layers cannot differentiate through its mask (no gradient for Any)
      finiteDifferences: false, // piecewise: perturbing a masked -1 unmasks the timestep
    });
    const layer = new Masking({ maskValue: -1 });
    const g = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v) as tf.Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1]);
  });
});
