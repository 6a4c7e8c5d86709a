import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('Equal on wasm', () => {
  const grid = (size: number, seed: number) => randomValues(size, seed).map((v) => Math.round(v * 2));
  const cases: Array<[number[], number[]]> = [
    [[4, 5, 3], [4, 1, 3]], // the max-gradient shape
    [[4, 5, 3], [3]],
    [[1], [2, 3]],
    [[3, 1, 5], [1, 4, 1]], // both sides broadcast
    [[2, 3, 4, 5], [2, 1, 4, 1]],
    [[6], [6]], // same shape: stock kernel
  ];
  for (const [aShape, bShape] of cases) {
    it(`[${aShape}] vs [${bShape}]`, async () => {
      const a = grid(tf.util.sizeFromShape(aShape), aShape.length);
      const b = grid(tf.util.sizeFromShape(bShape), bShape.length + 10);
      await expectWasmMatchesCpu(() => tf.equal(tf.tensor(a, aShape), tf.tensor(b, bShape)), 0);
      await expectWasmMatchesCpu(() => tf.equal(tf.tensor(a, aShape, 'int32'), tf.tensor(b, bShape, 'int32')), 0);
    });
  }

  it('treats NaN as unequal to everything', async () => {
    await expectWasmMatchesCpu(() => tf.equal(tf.tensor2d([[NaN, 1], [2, NaN]]), tf.tensor1d([NaN, 1])), 0);
  });

  it('gives the gradient of a global max over time (GlobalMaxPool1D) through tf.grad', async () => {
    const x = randomValues(3 * 7 * 5, 2).map((v) => Math.max(0, v)); // relu: ties at zero
    await expectWasmMatchesCpu(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.max(t, 1), tf.tensor1d([1, 2, 3, 4, 5]))))(tf.tensor3d(x, [3, 7, 5])),
    );
  });
});
