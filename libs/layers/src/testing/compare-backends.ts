import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import type { Layer } from '../engine/layer';

/**
 * One layer's output and the gradients of its input and trainable weights on one backend, with
 * given weights (in getWeights order): the same layer on wasm (weft's kernels) and on cpu must give
 * the same values. The gradients are of a fixed random projection of the output, so that every
 * output element counts.
 */
export async function layerValuesOn(
  backend: 'cpu' | 'wasm',
  makeLayer: () => Layer,
  input: { values: Float32Array; shape: number[] },
  weights: Float32Array[],
): Promise<Float32Array[]> {
  await initBackend(backend);
  const layer = makeLayer();
  layer.build([null, ...input.shape.slice(1)]);
  layer.setWeights(weights.map((w, i) => tf.tensor(w, layer.getWeights()[i].shape)));
  const x = tf.tensor(input.values, input.shape);
  const variables = layer.trainableWeights.map((w) => w.variable);
  const result = tf.tidy(() => {
    const probe = (xIn: tf.Tensor) => {
      const y = layer.apply(xIn) as tf.Tensor;
      return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 9)));
    };
    const { grads } = tf.variableGrads(() => probe(x) as tf.Scalar, variables);
    return [layer.apply(x) as tf.Tensor, tf.grad(probe)(x), ...variables.map((v) => grads[v.name])];
  });
  const values = result.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([...result, x]);
  layer.dispose();
  return values;
}

/** Seeded weights for a layer built on `inputShape` (batch axis included), in getWeights order. */
export async function seededWeights(makeLayer: () => Layer, inputShape: number[], seed: number): Promise<Float32Array[]> {
  await initBackend('cpu');
  const layer = makeLayer();
  layer.build([null, ...inputShape.slice(1)]);
  const weights = layer.getWeights().map((w, i) => Float32Array.from(tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed + i).dataSync()));
  layer.dispose();
  return weights;
}

/** Largest |a - b| / max(1, |b|). */
export function worstRelativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
