import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, type Shape } from '../../engine/shape';
import { assertPositiveInt } from '../../engine/validate';

export interface RepeatVectorArgs extends LayerArgs {
  n: number;
}

/** Repeats a [batch, features] input n times: [batch, n, features]. */
export class RepeatVector extends Layer {
  static override className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = assertPositiveInt(args?.n, 'n', 'RepeatVector');
    this.inputSpec = { ndim: 2 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, features] = singleShape(inputShape, this.name);
    return [batch, this.n, features];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.tile(tf.expandDims(x, 1), [1, this.n, 1]));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
registerLayer(RepeatVector);

export const repeatVector = (args: RepeatVectorArgs) => new RepeatVector(args);
