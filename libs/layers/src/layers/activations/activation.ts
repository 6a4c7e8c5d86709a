import type * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { getActivation, serializeActivation, type Activation as ActivationFn, type ActivationId } from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import type { Shape } from '../../engine/shape';

export interface ActivationArgs extends LayerArgs {
  activation: ActivationId;
}

/** Applies an activation function to its input. */
export class Activation extends Layer {
  static override className = 'Activation';
  readonly activation: ActivationFn;

  constructor(args: ActivationArgs) {
    super(args);
    if (args?.activation === undefined) {
      throw new Error('Activation layer needs `activation` (e.g. "relu"). Received: activation=undefined');
    }
    this.activation = getActivation(args.activation);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return this.activation.apply(Array.isArray(inputs) ? inputs[0] : (inputs as tf.Tensor));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}
registerLayer(Activation);

export const activation = (args: ActivationArgs) => new Activation(args);
