import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Sums its inputs. */
export class Add extends Merge {
  static override className = 'Add';

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.reduce((a, b) => tf.add(a, b));
  }
}
registerLayer(Add);

export const add = (args?: LayerArgs) => new Add(args);
