import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs, MaskArg, Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { shapeToString, type Shape } from '../../engine/shape';
import { Merge } from './merge';

export interface ConcatenateArgs extends LayerArgs {
  axis?: number;
}

/** Concatenates its inputs along `axis`; the other axes must match. */
export class Concatenate extends Merge {
  static override className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`Concatenate: \`axis\` must be an integer. Received: axis=${args.axis}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.checkInputs(inputShape);
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    const out = [...shapes[0]];
    for (const s of shapes.slice(1)) {
      const mismatch = s.length !== rank || s.some((d, i) => i !== axis && d !== null && out[i] !== null && d !== out[i]);
      if (mismatch) {
        throw new Error(
          `Concatenate '${this.name}' needs inputs with matching shapes except on the concat axis ${this.axis}. ` +
            `Received: input shapes ${shapes.map(shapeToString).join(', ')}`,
        );
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : (out[axis] as number) + (s[axis] as number);
    }
    return out;
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.axis);
  }

  override computeMask(inputs: Tensors, mask?: MaskArg): MaskArg {
    const masks = Array.isArray(mask) ? mask : [mask ?? null];
    if (masks.every((m) => m === null)) return null;
    const xs = inputs as tf.Tensor[];
    // As Keras: a missing mask is all-true; a mask of lower rank covers the feature axis; the
    // concatenated masks are reduced with any() over the last axis.
    return tf.tidy(() => {
      const full = xs.map((x, i) => {
        const m = masks[i];
        if (m === null) return tf.cast(tf.onesLike(x), 'bool');
        return m.rank < x.rank ? tf.broadcastTo(tf.expandDims(m, -1), x.shape) : m;
      });
      return tf.any(tf.concat(full, this.axis), -1);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Concatenate);

export const concatenate = (args?: ConcatenateArgs) => new Concatenate(args);
