import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, type Shape } from '../../engine/shape';

export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank-1 (the batch axis stays first), as in Keras. */
  dims: number[];
}

/** Permutes the non-batch axes: dims [2, 1] swaps the two axes of a rank-3 input. */
export class Permute extends Layer {
  static override className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims = args?.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new Error(`Permute: \`dims\` must be a permutation of 1..${Array.isArray(dims) ? dims.length : 'n'}. Received: dims=${JSON.stringify(dims)}`);
    }
    this.dims = dims;
    this.inputSpec = { ndim: dims.length + 1 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    return [shape[0], ...this.dims.map((d) => shape[d])];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.transpose(x, [0, ...this.dims]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: this.dims };
  }
}
registerLayer(Permute);

export const permute = (args: PermuteArgs) => new Permute(args);
