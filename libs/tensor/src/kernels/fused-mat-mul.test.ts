import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('_FusedMatMul on wasm', () => {
  const a = randomValues(2 * 3 * 4, 1);
  const b = randomValues(2 * 4 * 5, 2);
  const bias = randomValues(5, 3);
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      for (const activation of ['linear', 'relu', 'sigmoid', 'leakyrelu'] as const) {
        it(`transposeA=${transposeA} transposeB=${transposeB} bias + ${activation}`, async () => {
          await expectWasmMatchesCpu(() =>
            tf.fused.matMul({
              a: tf.tensor(a, transposeA ? [2, 4, 3] : [2, 3, 4]),
              b: tf.tensor(b, transposeB ? [2, 5, 4] : [2, 4, 5]),
              transposeA,
              transposeB,
              bias: tf.tensor1d(bias),
              activation,
              leakyreluAlpha: 0.3,
            }),
          );
        });
      }
    }
  }

  it('matches cpu with prelu weights and batch broadcasting', async () => {
    await expectWasmMatchesCpu(() =>
      tf.fused.matMul({
        a: tf.tensor(a, [2, 3, 4]),
        b: tf.tensor(b.slice(0, 20), [1, 4, 5]),
        bias: tf.tensor1d(bias),
        activation: 'prelu',
        preluActivationWeights: tf.tensor1d([0.1, 0.2, 0.3, 0.4, 0.5]),
      }),
    );
  });

  it('gives its gradients through tf.grads', async () => {
    await expectWasmMatchesCpu(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias: tf.tensor1d([1, -1]), activation: 'relu' }))),
      )([tf.tensor2d(a.slice(0, 12), [3, 4]), tf.tensor2d(b.slice(0, 8), [2, 4])]),
    );
  });
});
