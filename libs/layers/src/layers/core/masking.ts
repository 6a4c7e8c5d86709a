import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import type { Shape } from '../../engine/shape';

export interface MaskingArgs extends LayerArgs {
  maskValue?: number;
}

/**
 * Masks timesteps whose features all equal maskValue: the output mask is
 * any(x != maskValue, last axis), and masked timesteps are zeroed.
 */
export class Masking extends Layer {
  static override className = 'Masking';
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    this.maskValue = args.maskValue ?? 0;
    if (!Number.isFinite(this.maskValue)) throw new Error(`Masking: \`maskValue\` must be a finite number. Received: maskValue=${args.maskValue}`);
    this.supportsMasking = true;
  }

  protected override get producesMask(): boolean {
    return true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override computeMask(inputs: Tensors, _mask?: MaskArg): MaskArg {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.any(tf.notEqual(x, this.maskValue), -1);
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // The mask is a step function of x: no gradient flows through it (tf.any has none).
    const keep = tf.customGrad(((v: tf.Tensor) => ({
      value: tf.cast(tf.any(tf.notEqual(v, this.maskValue), -1, true), v.dtype),
      gradFunc: () => tf.zerosLike(v),
    })) as Parameters<typeof tf.customGrad>[0]);
    return tf.tidy(() => tf.mul(x, keep(x)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
registerLayer(Masking);

export const masking = (args?: MaskingArgs) => new Masking(args);
