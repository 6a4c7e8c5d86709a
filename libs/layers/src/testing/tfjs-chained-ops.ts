import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-layers' Orthogonal initializer (the recurrent layers' default) calls chained tensor methods
 * (`t.flatten()`) that only tfjs-core's ES module build registers; under CommonJS (jest) they are
 * missing ("rMat.flatten is not a function"). Adds the ones it uses, so that tfjs-layers can build
 * recurrent layers from their configs (e.g. in tf.loadLayersModel).
 */
export function registerChainedOpsForTfjsLayers(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const add = (name: string, fn: (this: tf.Tensor, ...args: any[]) => tf.Tensor) => {
    if (typeof proto[name] !== 'function') proto[name] = fn;
  };
  add('flatten', function () { return tf.reshape(this, [this.size]); });
  add('reshape', function (shape: number[]) { return tf.reshape(this, shape); });
  add('stridedSlice', function (begin: number[], end: number[], strides: number[]) { return tf.stridedSlice(this, begin, end, strides); });
  add('sign', function () { return tf.sign(this); });
  add('transpose', function (perm?: number[]) { return tf.transpose(this, perm); });
}
