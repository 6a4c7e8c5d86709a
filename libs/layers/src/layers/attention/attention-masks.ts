import * as tf from '@tensorflow/tfjs-core';
import type { MaskArg } from '../../engine/layer';

/** Keras subtracts this from masked scores before the softmax (float32). */
const MASKED_SCORE = 1e9;

/** The i-th mask of a multi-input layer's mask argument (null when absent). */
export function maskAt(mask: MaskArg | undefined, i: number): tf.Tensor | null {
  if (!mask) return null;
  if (!Array.isArray(mask)) {
    throw new Error(
      'Attention layers take one mask per input ([queryMask, valueMask] or [queryMask, valueMask, keyMask]). Received: a single mask tensor',
    );
  }
  return mask[i] ?? null;
}

/** [Tq, Tv] lower-triangular ones: query i may attend to positions <= i. */
export function causalMask(queryLength: number, valueLength: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.expandDims(tf.range(0, queryLength, 1, 'int32'), 1);
    const cols = tf.expandDims(tf.range(0, valueLength, 1, 'int32'), 0);
    return tf.cast(tf.greaterEqual(rows, cols), 'float32') as tf.Tensor2D;
  });
}

/** Softmax over the last axis where `allowed` (1/0, broadcastable to scores) is 0 counts as -1e9, as Keras. */
export function maskedSoftmax(scores: tf.Tensor, allowed: tf.Tensor | null): tf.Tensor {
  if (!allowed) return tf.softmax(scores);
  return tf.softmax(tf.sub(scores, tf.mul(tf.sub(1, tf.cast(allowed, 'float32')), MASKED_SCORE)));
}

/** Elementwise product of the masks that are present (1/0 floats), or null. */
export function combineMasks(...masks: (tf.Tensor | null)[]): tf.Tensor | null {
  const present = masks.filter((m): m is tf.Tensor => m !== null).map((m) => tf.cast(m, 'float32'));
  if (present.length === 0) return null;
  return present.reduce((a, b) => tf.mul(a, b));
}
