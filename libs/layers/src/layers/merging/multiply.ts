import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Multiplies its inputs element-wise. */
export class Multiply extends Merge {
  static override className = 'Multiply';

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.reduce((a, b) => tf.mul(a, b));
  }
}
registerLayer(Multiply);

export const multiply = (args?: LayerArgs) => new Multiply(args);
