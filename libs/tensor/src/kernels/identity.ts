import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Identity that shares the input's memory (one more reference), as the cpu backend's and the wasm
 * backend's own Reshape do; no wasm kernel writes into its inputs. The stock kernel copies, and
 * tfjs-layers and the optimizers call Identity thousands of times a step (4,000+ for the IMDB LSTM).
 */
function identity({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') return runStockKernel(tf.Identity, backend, inputs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityKernel: WasmKernel = { kernelName: tf.Identity, kernelFunc: identity };
