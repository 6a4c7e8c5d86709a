import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import './kernel-test-utils';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, wasmTrainingKernelNames } from './register';

describe('registerWasmTrainingKernels', () => {
  it('initBackend("wasm") registers them, and calling again changes nothing', async () => {
    await initBackend('wasm');
    const registered = wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    expect(registered.every((f) => typeof f === 'function')).toBe(true);
    registerWasmTrainingKernels();
    expect(wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc)).toEqual(registered);
  });

  it('can be undone (benchmarks) and redone', async () => {
    registerWasmTrainingKernels();
    const ours = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined(); // the stock backend lacks it
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(ours);
    await tf.setBackend('wasm');
    expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true).dataSync()).toEqual(new Float32Array([11]));
    registerWasmTrainingKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(ours);
  });
});
