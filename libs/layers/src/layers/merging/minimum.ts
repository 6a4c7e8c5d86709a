import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Element-wise minimum of its inputs. */
export class Minimum extends Merge {
  static override className = 'Minimum';

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.reduce((a, b) => tf.minimum(a, b));
  }
}
registerLayer(Minimum);

export const minimum = (args?: LayerArgs) => new Minimum(args);
