import * as tf from '@tensorflow/tfjs-core';
import { expectWasmMatchesCpu, randomValues } from './kernel-test-utils';

const x3 = () => tf.tensor3d(randomValues(5 * 4 * 6, 1), [5, 4, 6]);

describe('Slice on wasm (block copy for contiguous runs)', () => {
  it.each([
    ['one timestep of [T, B, U]', [3, 0, 0], [1, 4, 6]],
    ['a run of timesteps', [1, 0, 0], [3, 4, 6]],
    ['part of one row (contiguous)', [2, 1, 0], [1, 2, 6]],
    ['the innermost axis of one row', [2, 1, 2], [1, 1, 3]],
    ['size -1 (to the end)', [2, 0, 0], [-1, -1, -1]],
    ['not contiguous (falls back)', [1, 1, 0], [2, 2, 6]],
    ['not contiguous on the last axis (falls back)', [0, 0, 1], [5, 4, 2]],
  ])('%s equals the cpu backend', (_, begin, size) => expectWasmMatchesCpu(() => tf.slice(x3(), begin, size), 0));

  it('int32 and 1-D', () => expectWasmMatchesCpu(() => tf.cast(tf.slice(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), [1], [3]), 'float32'), 0));
});

describe('Transpose on wasm (shares memory when the order is kept)', () => {
  it.each([
    ['identity', [0, 1, 2]],
    ['moving an axis of extent 1', [1, 0, 2]],
    ['a real transpose (falls back)', [2, 0, 1]],
  ])('%s equals the cpu backend', (_, perm) =>
    expectWasmMatchesCpu(() => tf.add(tf.transpose(tf.tensor3d(randomValues(1 * 4 * 6, 2), [1, 4, 6]), perm), 0), 0));

  it.each([
    ['a matrix (SIMD 4x4 blocks)', [8, 12], [1, 0]],
    ['an LSTM weight gradient (SIMD)', [128, 512], [1, 0]],
    ['a batch of matrices, last two axes (SIMD)', [3, 8, 4], [0, 2, 1]],
    ['extents not multiples of 4 (falls back)', [6, 5], [1, 0]],
  ])('%s equals the cpu backend', (_, shape, perm) =>
    expectWasmMatchesCpu(() => tf.add(tf.transpose(tf.tensor(randomValues(tf.util.sizeFromShape(shape), 3), shape), perm), 0), 0));

  it('a shared result stays valid after its input is disposed, and the memory is freed with the last', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.transpose(x, [0, 1]);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
});
