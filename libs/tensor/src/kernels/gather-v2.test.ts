import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

describe('GatherV2 on wasm', () => {
  const cases: Array<{ x: number[]; indices: number[]; indicesShape: number[]; axis: number; batchDims?: number }> = [
    { x: [1], indices: [0], indicesShape: [1], axis: 0 },
    { x: [7, 5], indices: [3, 3, 0, 6], indicesShape: [2, 2], axis: 0 }, // an Embedding lookup
    { x: [9, 20], indices: [8, 1, 1], indicesShape: [3], axis: 0 }, // rows of 16+ floats: block copies
    { x: [3, 4, 5], indices: [2, 0, 0, 1, 3], indicesShape: [5], axis: 1 },
    { x: [2, 3, 6], indices: [5, 0, 1, 1], indicesShape: [2, 2], axis: 2, batchDims: 1 },
    { x: [4, 3], indices: [], indicesShape: [0], axis: 0 },
  ];
  for (const c of cases) {
    it(`x [${c.x}] indices [${c.indicesShape}] axis ${c.axis} batchDims ${c.batchDims ?? 0}`, async () => {
      const xv = randomValues(tf.util.sizeFromShape(c.x), c.x.length + c.axis);
      await expectWasmMatchesCpu(() => tf.gather(tf.tensor(xv, c.x), tf.tensor(c.indices, c.indicesShape, 'int32'), c.axis, c.batchDims), 0);
    });
  }

  it('gathers int32 and bool rows (byte copies whatever the element size)', async () => {
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3], 'int32');
    const flags = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2], 'bool');
    await expectWasmMatchesCpu(() => tf.gather(ints, tf.tensor1d([2, 0, 2], 'int32')), 0);
    await expectWasmMatchesCpu(() => tf.gather(flags, tf.tensor1d([1, 2, 0], 'int32')), 0);
  });

  it('rejects an out-of-range index with the stock message', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.gather(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([2], 'int32'))).toThrow(/index value 2 is not in \[0, 1\]/);
  });
});
