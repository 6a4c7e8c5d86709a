// Worker-thread entry for register-thread.test.ts: a fresh thread has its own kernel registry,
// so it must register our kernels itself (initBackend('wasm') does) before training on wasm.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';

async function main(): Promise<void> {
  const before = tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
  await initBackend('wasm');
  const sums = tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 0, 1], 'int32'), 2);
  parentPort?.postMessage({ before, after: tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined, sums: Array.from(sums.dataSync()) });
}

main().catch((err) => parentPort?.postMessage({ error: String(err) }));
