import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does (for the reference's slices).
import '@tensorflow/tfjs-layers';
import { im2col1d } from './im2col';
import { randomValues } from './kernel-test-utils';
import { registerWasmTrainingKernels } from './register';

/** The patches from slices and a concat on cpu: row (b, t) = x[b, t*s + k, :] for each k, concatenated. */
function reference(x: tf.Tensor3D, kernelSize: number, stride: number): tf.Tensor2D {
  const [batch, length, channels] = x.shape;
  const steps = Math.floor((length - kernelSize) / stride) + 1;
  const rows: tf.Tensor[] = [];
  for (let t = 0; t < steps; t++) rows.push(tf.reshape(tf.slice(x, [0, t * stride, 0], [batch, kernelSize, channels]), [batch, 1, kernelSize * channels]));
  return tf.reshape(tf.concat(rows, 1), [batch * steps, kernelSize * channels]);
}

describe('im2col1d (WeftIm2Col1D, WeftCol2Im1D)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    [2, 9, 3, 3, 1],
    [3, 10, 4, 2, 3],
    [1, 5, 2, 5, 1],
    [2, 12, 1, 1, 2],
  ])('x [%i, %i, %i], kernel %i, stride %i: patches and their gradient (overlapping windows summed)', async (b, l, c, k, s) => {
    const xv = randomValues(b * l * c, l);
    const steps = Math.floor((l - k) / s) + 1;
    const dyv = randomValues(b * steps * k * c, l + 1);
    const run = (f: (x: tf.Tensor3D) => tf.Tensor2D) => {
      const x = tf.tensor3d(xv, [b, l, c]);
      const dy = tf.tensor2d(dyv, [b * steps, k * c]);
      const out = [f(x), tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor3D), dy)))(x)].map((t) => Array.from(t.dataSync()));
      return out;
    };
    await tf.setBackend('cpu');
    const expected = run((x) => reference(x, k, s));
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    const actual = run((x) => im2col1d(x, k, s));
    expect(actual[0]).toEqual(expected[0]);
    actual[1].forEach((v, i) => expect(v).toBeCloseTo(expected[1][i], 5));
  });

  it('names the problem when the window is longer than the input', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    expect(() => im2col1d(tf.zeros([1, 2, 3]) as tf.Tensor3D, 3, 1)).toThrow(/WeftIm2Col1D: expects x \[B, L, C\] with L >= kernelSize/);
  });
});
