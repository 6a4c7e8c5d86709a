import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { Merge } from './merge';

/** Subtracts its second input from its first. */
export class Subtract extends Merge {
  static override className = 'Subtract';
  protected override maxInputs = 2;

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.sub(inputs[0], inputs[1]);
  }
}
registerLayer(Subtract);

export const subtract = (args?: LayerArgs) => new Subtract(args);
