import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('Unpack on wasm', () => {
  const cases: Array<[number[], number]> = [
    [[1], 0],
    [[5, 3, 17], 0], // time-major LSTM input
    [[3, 5, 2], 1],
    [[2, 3, 4], -1],
    [[4, 1, 20], 2],
  ];
  for (const [shape, axis] of cases) {
    it(`unstacks [${shape}] along ${axis}`, async () => {
      const xv = randomValues(tf.util.sizeFromShape(shape), shape.length + axis + 3);
      await expectWasmMatchesCpu(() => tf.unstack(tf.tensor(xv, shape), axis), 0);
    });
  }

  it('gives the gradient of unstack through tf.grad', async () => {
    const xv = randomValues(4 * 3 * 2, 9);
    await expectWasmMatchesCpu(() =>
      tf.grad((x: tf.Tensor) => tf.addN(tf.unstack(x, 1).map((t, i) => tf.mul(tf.sum(tf.square(t)), i + 1))))(tf.tensor3d(xv, [4, 3, 2])),
    );
  });
});
