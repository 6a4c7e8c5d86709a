import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend';

describe('backend choice', () => {
  it('names the package to install when tensorflow is absent', async () => {
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      installed = false;
    }
    if (installed) return; // this machine has the binding; nothing to check
    await expect(initBackend('tensorflow')).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
  });
  it('falls back from auto to wasm here and computes', async () => {
    const info = await initBackend('auto');
    expect(['tensorflow', 'wasm']).toContain(info.backend);
    expect(tf.getBackend()).toBe(info.backend);
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await y.data())).toEqual([11]);
  });
  it('rejects unknown names', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(/Unknown backend 'gpu'/);
  });
});
