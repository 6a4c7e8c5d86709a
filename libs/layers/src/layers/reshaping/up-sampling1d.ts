import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, type Shape } from '../../engine/shape';
import { assertPositiveInt } from '../../engine/validate';

export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated (default 2). */
  size?: number;
}

/** Repeats every step `size` times along the time axis: [batch, steps, ch] -> [batch, steps * size, ch]. */
export class UpSampling1D extends Layer {
  static override className = 'UpSampling1D';
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    this.size = assertPositiveInt(args.size ?? 2, 'size', 'UpSampling1D');
    this.inputSpec = { ndim: 3 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, steps, channels] = singleShape(inputShape, this.name);
    return [batch, steps === null ? null : steps * this.size, channels];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, channels] = x.shape;
      return tf.reshape(tf.tile(tf.expandDims(x, 2), [1, 1, this.size, 1]), [batch, steps * this.size, channels]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
}
registerLayer(UpSampling1D);

export const upSampling1d = (args?: UpSampling1DArgs) => new UpSampling1D(args);
