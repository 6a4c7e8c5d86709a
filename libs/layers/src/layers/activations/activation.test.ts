import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { Activation } from './activation';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Activation layer', () => {
  it.each(['tanh', 'sigmoid', 'softmax', 'elu', 'softplus'])('%s matches tfjs-layers', (name) => {
    runLayerTest({
      layer: () => new Activation({ activation: name }),
      inputs: tf.randomNormal([3, 4], 0, 1, 'float32', 9),
      expectedNumTrainableWeights: 0,
      oracle: () => tfl.layers.activation({ activation: name as 'tanh' }),
    });
  });

  it('names an unknown activation and the valid ones', () => {
    expect(() => new Activation({ activation: 'rellu' })).toThrow(/Unknown activation: 'rellu'. Valid activation names: linear, relu/);
  });
});
