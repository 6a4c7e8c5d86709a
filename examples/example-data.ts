import { tf } from '@weft/tensor';

/**
 * Small generated data for the examples' smoke runs: padded token ids (0 = padding, real ids
 * 1..vocab-1) and labels a model can learn (whether token 1 occurs).
 */
export function syntheticReviews(samples: number, length: number, vocab: number, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const ids = tf.randomUniform([samples, length], 1, vocab, 'int32', seed);
    const realLengths = tf.randomUniform([samples, 1], Math.ceil(length / 2), length + 1, 'int32', seed + 1);
    const positions = tf.expandDims(tf.range(0, length, 1, 'int32'), 0);
    const x = tf.mul(ids, tf.cast(tf.less(positions, realLengths), 'int32')) as tf.Tensor2D;
    const y = tf.cast(tf.any(tf.equal(tf.mod(x, 7), 1), 1, true), 'float32') as tf.Tensor2D;
    return { x, y };
  });
}

/** Padded sentences and one tag id per token (the tag is a function of the token). */
export function syntheticTaggedSentences(
  samples: number,
  length: number,
  vocab: number,
  tags: number,
  seed = 1,
): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const { x } = syntheticReviews(samples, length, vocab, seed);
    const y = tf.mod(x, tags) as tf.Tensor2D;
    return { x, y };
  });
}
