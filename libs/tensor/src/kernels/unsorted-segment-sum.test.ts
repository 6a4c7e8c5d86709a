import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('UnsortedSegmentSum on wasm', () => {
  const cases: Array<{ shape: number[]; ids: number[]; numSegments: number }> = [
    { shape: [1], ids: [0], numSegments: 1 },
    { shape: [5, 3], ids: [2, 0, 2, 2, 1], numSegments: 4 },
    { shape: [7, 1], ids: [6, 6, 6, 0, 3, 3, 1], numSegments: 7 },
    // out-of-range and negative ids are dropped, like the cpu kernel
    { shape: [6, 2, 3], ids: [-1, 4, 9, 0, 3, -7], numSegments: 5 },
    { shape: [9, 13], ids: [8, 0, 4, 4, 8, 1, 12, 2, 8], numSegments: 13 },
  ];
  for (const { shape, ids, numSegments } of cases) {
    it(`sums x [${shape}] into ${numSegments} segments, ids ${ids}`, async () => {
      const values = randomValues(tf.util.sizeFromShape(shape), shape.length * 31 + ids.length);
      await expectWasmMatchesCpu(() =>
        tf.unsortedSegmentSum(tf.tensor(values, shape), tf.tensor1d(ids, 'int32'), numSegments),
      );
    });
  }

  it('sums int32 values exactly and keeps them int32 (as TensorFlow does; the cpu kernel upcasts)', async () => {
    const x = [[1, 2], [3, 4], [5, 6]];
    await expectWasmMatchesCpu(() => tf.unsortedSegmentSum(tf.tensor2d(x, [3, 2], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2), 0);
    await tf.setBackend('wasm');
    const out = tf.unsortedSegmentSum(tf.tensor2d(x, [3, 2], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
    expect(out.dtype).toBe('int32');
    expect(out.arraySync()).toEqual([[5, 6], [4, 6]]);
    out.dispose();
  });

  it('gives the gradient of gather (an Embedding) with repeated ids', async () => {
    const vocab = 11;
    const dim = 5;
    const table = randomValues(vocab * dim, 3);
    const ids = [[3, 3, 0, 10], [7, 3, 1, 1]];
    const upstream = randomValues(2 * 4 * dim, 4);
    await expectWasmMatchesCpu(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor2d(ids, [2, 4], 'int32')), tf.tensor(upstream, [2, 4, dim]))))(
        tf.tensor2d(table, [vocab, dim]),
      ),
    );
  });
});
