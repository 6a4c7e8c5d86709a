import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { randomValues } from './kernel-test-utils';
import { registerWasmTrainingKernels } from './register';
import { stepMatMul } from './wasm-kernel-utils';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('stepMatMul (the step loops\' direct BatchMatMul call)', () => {
  it('writes the same bits as tf.matMul into one reused output, call after call with new left operands', () => {
    const [m, k, n] = [5, 12, 8];
    const backend = tf.backend() as BackendWasm;
    const b = tf.tensor2d(randomValues(k * n, 1), [k, n]);
    const out = tf.zeros([m, n]);
    const matMul = stepMatMul(backend, m, k, n);
    for (let call = 0; call < 3; call++) {
      const a = tf.tensor2d(randomValues(m * k, 2 + call), [m, k]);
      matMul.run(a, b, out);
      expect(Array.from(out.dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
      a.dispose();
    }
    matMul.dispose();
  });
});
