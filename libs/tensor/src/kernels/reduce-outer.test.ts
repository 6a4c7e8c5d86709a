import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

const x = () => tf.tensor4d(randomValues(3 * 5 * 4 * 6, 1), [3, 5, 4, 6]);

describe('Sum and Max over outer axes on wasm', () => {
  it.each([
    ['a middle axis (global max pooling)', 1, false],
    ['leading axes (a bias gradient)', [0, 1, 2], false],
    ['negative axis, keepDims', -3, true],
    ['two middle axes', [1, 2], true],
    ['innermost (stock kernel)', 3, false],
    ['not contiguous (stock kernel)', [0, 2], false],
    ['everything (stock kernel)', [0, 1, 2, 3], false],
  ])('%s equals the cpu backend', async (_, axis, keepDims) => {
    await expectWasmMatchesCpu(() => tf.sum(x(), axis as number | number[], keepDims as boolean), 1e-6);
    await expectWasmMatchesCpu(() => tf.max(x(), axis as number | number[], keepDims as boolean), 0);
  });

  it('max keeps -Infinity and equal values; int32 sums use the stock kernel', async () => {
    await expectWasmMatchesCpu(() => tf.max(tf.tensor3d([-Infinity, 2, 2, -Infinity, 1, 2], [1, 3, 2]), 1), 0);
    await expectWasmMatchesCpu(() => tf.cast(tf.sum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), 1), 'float32'), 0);
  });
});
