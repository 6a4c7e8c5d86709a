import * as tf from '@tensorflow/tfjs-core';
import { Loss, matchShapes, type LossArgs } from './loss';

/** mean(max(1 - y * yPred, 0)) over the last axis; labels in {0, 1} are mapped to {-1, 1}. */
export class Hinge extends Loss {
  static override className = 'Hinge';

  constructor(args: LossArgs = {}) {
    super(args, 'hinge');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      // Like Keras: only when every label is 0 or 1 does y become 2y - 1 (= y + (y - 1)).
      const isBinary = tf.cast(tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1))), t.dtype);
      const signed = tf.add(t, tf.mul(isBinary, tf.sub(t, 1)));
      return tf.mean(tf.relu(tf.sub(1, tf.mul(signed, p))), -1);
    });
  }
}

export const hinge = (args?: LossArgs) => new Hinge(args);
