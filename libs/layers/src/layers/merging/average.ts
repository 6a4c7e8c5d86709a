import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Averages its inputs element-wise. */
export class Average extends Merge {
  static override className = 'Average';

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.div(inputs.reduce((a, b) => tf.add(a, b)), inputs.length);
  }
}
registerLayer(Average);

export const average = (args?: LayerArgs) => new Average(args);
