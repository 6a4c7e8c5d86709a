import * as tf from '@tensorflow/tfjs-core';
import { Initializer } from './initializer';

export interface IdentityArgs {
  gain?: number;
}

/** gain times the identity matrix; 2-D shapes only (rectangular allowed). */
export class Identity extends Initializer {
  static override className = 'Identity';
  readonly gain: number;

  constructor(args: IdentityArgs = {}) {
    super();
    this.gain = args.gain ?? 1;
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (shape.length !== 2) {
      throw new Error(
        `The identity initializer needs a 2-D shape. Received: shape=[${shape}]; ` +
          `use it for square or rectangular kernels only.`,
      );
    }
    return tf.tidy(() => tf.cast(tf.mul(tf.eye(shape[0], shape[1]), this.gain), dtype));
  }

  override getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}

export const identity = (args?: IdentityArgs) => new Identity(args);
