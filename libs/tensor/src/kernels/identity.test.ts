import * as tf from '@tensorflow/tfjs-core';
import { runOn } from './kernel-test-utils';

describe('Identity on wasm', () => {
  it('returns the same values and stays valid after the input is disposed', async () => {
    const [values] = await runOn('wasm', () => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const y = tf.clone(x);
      x.dispose();
      return tf.add(y, 1);
    });
    expect(Array.from(values)).toEqual([2, 3, 4, 5]);
  });

  it('leaves a variable unchanged when its clone is used, and frees memory when both are gone', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const initial = tf.tensor1d([1, 2, 3]);
    const next = tf.tensor1d([7, 8, 9]);
    const v = tf.variable(initial);
    const snapshot = tf.clone(v);
    v.assign(next);
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot, initial, next]);
    expect(tf.memory().numBytes).toBe(before);
  });
});
