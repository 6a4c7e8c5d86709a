import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('MaxPoolGrad on wasm', () => {
  const cases: Array<{ x: [number, number, number, number]; size: [number, number]; strides: [number, number]; pad: 'valid' | 'same' | number }> = [
    { x: [1, 1, 1, 1], size: [1, 1], strides: [1, 1], pad: 'valid' },
    { x: [2, 1, 9, 5], size: [1, 2], strides: [1, 2], pad: 'valid' }, // MaxPooling1D(2)
    { x: [2, 1, 11, 3], size: [1, 3], strides: [1, 2], pad: 'same' }, // overlapping windows
    { x: [3, 5, 7, 2], size: [2, 3], strides: [2, 1], pad: 'same' },
    { x: [1, 6, 6, 4], size: [3, 3], strides: [2, 2], pad: 1 },
  ];
  for (const c of cases) {
    it(`x [${c.x}] pool ${c.size} strides ${c.strides} ${c.pad}`, async () => {
      const xv = randomValues(tf.util.sizeFromShape(c.x), c.x[2]);
      await expectWasmMatchesCpu(() =>
        tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad), tf.randomUniform([1], 1, 2, 'float32', 3))))(
          tf.tensor4d(xv, c.x),
        ),
      );
    });
  }

  it('sends the gradient of a tie to the first maximum, as the cpu kernel does', async () => {
    // relu output: many exact zeros, so most windows tie
    const xv = randomValues(2 * 1 * 12 * 3, 5).map((v) => Math.max(0, Math.round(v * 2)));
    const dy = randomValues(2 * 1 * 6 * 3, 6);
    await expectWasmMatchesCpu(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, [1, 3], [1, 2], 'same'), tf.tensor4d(dy, [2, 1, 6, 3]))))(
        tf.tensor4d(xv, [2, 1, 12, 3]),
      ),
    );
  });
});
