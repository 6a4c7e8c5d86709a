import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('BatchMatMul on wasm', () => {
  // [a shape, b shape] before transposition: a is [..., m, k], b is [..., k, n]
  const cases: Array<[number[], number[]]> = [
    [[1, 1], [1, 1]],
    [[3, 5], [5, 7]],
    [[1, 9], [9, 1]],
    [[4, 2, 3], [4, 3, 5]],
    [[1, 3, 4], [6, 4, 2]], // batch broadcast
    [[2, 3, 5, 1], [2, 3, 1, 7]],
    // one large transposed operand: swapping the operands moves fewer floats
    [[2, 3], [3, 40]],
    [[40, 3], [3, 2]],
    [[5, 2, 3], [1, 3, 40]],
  ];
  const swapLast = (s: number[]) => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
  for (const [aShape, bShape] of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`a [${aShape}] b [${bShape}] transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          const aStored = transposeA ? swapLast(aShape) : aShape;
          const bStored = transposeB ? swapLast(bShape) : bShape;
          const av = randomValues(tf.util.sizeFromShape(aStored), aShape.length + 7);
          const bv = randomValues(tf.util.sizeFromShape(bStored), bShape.length + 11);
          await expectWasmMatchesCpu(() => tf.matMul(tf.tensor(av, aStored), tf.tensor(bv, bStored), transposeA, transposeB));
        });
      }
    }
  }

  it('gives the gradients of a dense layer (transposed matmuls) through tf.grads', async () => {
    const x = randomValues(6 * 5, 1);
    const w = randomValues(5 * 3, 2);
    await expectWasmMatchesCpu(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([tf.tensor2d(x, [6, 5]), tf.tensor2d(w, [5, 3])]),
    );
  });
});
