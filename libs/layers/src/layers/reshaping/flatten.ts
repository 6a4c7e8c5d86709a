import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, type Shape } from '../../engine/shape';

/** Flattens every axis but the batch: [b, d1, d2, ...] -> [b, d1*d2*...]. */
export class Flatten extends Layer {
  static override className = 'Flatten';

  constructor(args: LayerArgs = {}) {
    super(args);
    this.inputSpec = { minNdim: 1 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, ...rest] = singleShape(inputShape, this.name);
    return [batch, rest.some((d) => d === null) ? null : rest.reduce<number>((a, b) => a * (b as number), 1)];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.reshape(x, [x.shape[0], -1]);
  }
}
registerLayer(Flatten);

export const flatten = (args?: LayerArgs) => new Flatten(args);
