import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';

export interface ReshapeArgs extends LayerArgs {
  /** Target shape without the batch axis; one entry may be -1 (inferred). */
  targetShape: number[];
}

/** Reshapes every sample to targetShape. */
export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args?.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      throw new Error(
        `Reshape: \`targetShape\` must be positive integers with at most one -1. Received: targetShape=${JSON.stringify(t)}`,
      );
    }
    this.targetShape = t;
  }

  /** targetShape with its -1 resolved for `inputShape` (null when the input size is unknown). */
  private resolve(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const total = rest.some((d) => d === null) ? null : rest.reduce<number>((a, b) => a * (b as number), 1);
    if (total !== null && (this.targetShape.includes(-1) ? total % known !== 0 : total !== known)) {
      throw new Error(
        `Reshape '${this.name}': cannot reshape ${shapeToString(inputShape)} (${total} values per sample) to ` +
          `targetShape=${JSON.stringify(this.targetShape)}`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? (total === null ? null : total / known) : d));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    return [shape[0], ...this.resolve(shape)];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const target = this.resolve(x.shape) as number[];
    return tf.reshape(x, [x.shape[0], ...target]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}
registerLayer(Reshape);

export const reshape = (args: ReshapeArgs) => new Reshape(args);
