import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { dropoutMask } from './dropout-mask';
import { registerWasmTrainingKernels } from './register';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const values = (t: tf.Tensor) => {
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
};

describe('dropoutMask (WeftDropoutMask)', () => {
  it('drops `rate` of the elements (within 5 binomial standard deviations) and scales the rest by 1 / (1 - rate)', () => {
    for (const rate of [0, 0.1, 0.5, 0.9]) {
      const v = values(dropoutMask([200, 500], rate, 7));
      const dropped = v.filter((x) => x === 0).length;
      expect(Math.abs(dropped - v.length * rate)).toBeLessThanOrEqual(5 * Math.sqrt(v.length * rate * (1 - rate)));
      expect(v.find((x) => x !== 0)).toBeCloseTo(1 / (1 - rate), 6);
      expect(new Set(v).size).toBe(rate === 0 ? 1 : 2);
    }
  });

  it('replays a seed (the same mask on wasm and cpu), differs between seeds and between unseeded calls', async () => {
    const a = values(dropoutMask([3, 333], 0.3, 1));
    expect(values(dropoutMask([3, 333], 0.3, 1))).toEqual(a);
    expect(values(dropoutMask([3, 333], 0.3, 2))).not.toEqual(a);
    expect(values(dropoutMask([999], 0.3))).not.toEqual(values(dropoutMask([999], 0.3)));
    await tf.setBackend('cpu');
    expect(values(dropoutMask([3, 333], 0.3, 1))).toEqual(a);
    await tf.setBackend('wasm');
  });

  it('shows no correlation between neighbours: drop pairs occur at rate^2', () => {
    const v = values(dropoutMask([100000], 0.5, 3));
    let both = 0;
    for (let i = 1; i < v.length; i++) if (v[i] === 0 && v[i - 1] === 0) both++;
    expect(Math.abs(both / (v.length - 1) - 0.25)).toBeLessThan(0.01);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => dropoutMask([4], 1)).toThrow(/rate must be in \[0, 1\)/);
  });
});
