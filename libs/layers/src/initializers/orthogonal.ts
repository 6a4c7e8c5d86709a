import * as tf from '@tensorflow/tfjs-core';
import { Initializer, type SeedArgs } from './initializer';

export interface OrthogonalArgs extends SeedArgs {
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal draw, over the shape flattened
 * to [prod(shape[:-1]), shape[-1]], as Keras does; multiplied by gain.
 */
export class Orthogonal extends Initializer {
  static override className = 'Orthogonal';
  readonly gain: number;
  readonly seed?: number;

  constructor(args: OrthogonalArgs = {}) {
    super();
    this.gain = args.gain ?? 1;
    this.seed = args.seed;
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (shape.length < 2) {
      throw new Error(
        `The orthogonal initializer needs a shape of rank 2 or more. Received: shape=[${shape}]`,
      );
    }
    return tf.tidy(() => {
      const cols = shape[shape.length - 1];
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const draw = tf.randomNormal(
        [Math.max(rows, cols), Math.min(rows, cols)], 0, 1, 'float32', this.seed,
      );
      const [q, r] = tf.linalg.qr(draw);
      // Multiplying the columns by sign(diag(r)) makes the decomposition unique, so the result
      // is uniformly distributed over orthogonal matrices.
      const signs = tf.sign(tf.sum(tf.mul(r, tf.eye(r.shape[0])), 0));
      let result: tf.Tensor = tf.mul(q, signs);
      if (rows < cols) result = tf.transpose(result);
      return tf.cast(tf.reshape(tf.mul(result, this.gain), shape), dtype);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed };
  }
}

export const orthogonal = (args?: OrthogonalArgs) => new Orthogonal(args);
