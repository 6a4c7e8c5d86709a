import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { adadeltaUpdateKernel } from './adadelta-update';
import { adagradUpdateKernel } from './adagrad-update';
import { adamUpdateKernel } from './adam-update';
import { rmspropUpdateKernel } from './rmsprop-update';
import { sgdMomentumUpdateKernel } from './sgd-momentum-update';
import { batchMatMulKernel } from './batch-mat-mul';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter';
import { conv2DBackpropInputKernel } from './conv2d-backprop-input';
import { dropoutMaskKernel } from './dropout-mask';
import { equalKernel } from './equal';
import { fusedMatMulKernel } from './fused-mat-mul';
import { gatherV2Kernel } from './gather-v2';
import { gemmKernel } from './gemm';
import { identityKernel } from './identity';
import { col2im1DKernel, im2col1DKernel } from './im2col';
import { lstmBackwardKernel } from './lstm-backward';
import { lstmForwardKernel } from './lstm-forward';
import { maxPoolGradKernel } from './max-pool-grad';
import { maxKernel, sumKernel } from './reduce-outer';
import { maxStepsGradKernel, reluGradKernel } from './select-grad';
import { segmentSumsKernel } from './segment-sums';
import { sliceKernel } from './slice';
import { transposeKernel } from './transpose';
import { unpackKernel } from './unpack';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum';
import { stockKernelConfig, type WasmKernel } from './wasm-kernel-utils';

const kernels: WasmKernel<any>[] = [
  unsortedSegmentSumKernel,
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  batchMatMulKernel,
  fusedMatMulKernel,
  maxPoolGradKernel,
  equalKernel,
  gatherV2Kernel,
  unpackKernel,
  identityKernel,
  adamUpdateKernel,
  adadeltaUpdateKernel,
  adagradUpdateKernel,
  rmspropUpdateKernel,
  sgdMomentumUpdateKernel,
  gemmKernel,
  reluGradKernel,
  maxStepsGradKernel,
  im2col1DKernel,
  col2im1DKernel,
  dropoutMaskKernel,
  lstmForwardKernel,
  lstmBackwardKernel,
  sliceKernel,
  transposeKernel,
  sumKernel,
  maxKernel,
  segmentSumsKernel,
];

/** Names of the wasm kernels weft adds or replaces. */
export const wasmTrainingKernelNames: readonly string[] = kernels.map((k) => k.kernelName);

let registered = false;

/**
 * Registers the project's training kernels on the wasm backend (idempotent). Every thread that
 * trains on wasm calls it (initBackend('wasm') does): kernel registries are per thread.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const kernel of kernels) {
    const stock = stockKernelConfig(kernel.kernelName);
    if (stock) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: kernel.kernelFunc as unknown as tf.KernelFunc,
      // Ours call the stock kernel for the cases it handles well; its setup binds the wasm function.
      setupFunc: stock?.setupFunc,
    });
  }
  registered = true;
}

/** Puts the wasm backend's stock kernels back (benchmarks compare both in one process). */
export function unregisterWasmTrainingKernels(): void {
  if (!registered) return;
  for (const kernel of kernels) {
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    const stock = stockKernelConfig(kernel.kernelName);
    if (stock) tf.registerKernel(stock);
  }
  registered = false;
}
