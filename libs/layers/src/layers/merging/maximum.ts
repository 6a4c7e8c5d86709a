import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Element-wise maximum of its inputs. */
export class Maximum extends Merge {
  static override className = 'Maximum';

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.reduce((a, b) => tf.maximum(a, b));
  }
}
registerLayer(Maximum);

export const maximum = (args?: LayerArgs) => new Maximum(args);
