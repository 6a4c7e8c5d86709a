import * as tf from '@tensorflow/tfjs-core';
import { selectGradSimdOn } from './select-grad-simd';
import type { WasmMemory } from './wasm-asm';
import { heapF32, heapOffset, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Names of the select-gradient kernels (ours; wasm only). */
export const WEFT_RELU_GRAD = 'WeftReluGrad';
export const WEFT_MAX_STEPS_GRAD = 'WeftMaxStepsGrad';

const simdOf = (backend: WasmKernelArgs['backend']) => {
  const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
  return memory ? selectGradSimdOn(memory) : null;
};

/** dy where y > 0, else 0 (y: relu's output). */
function reluGrad({ inputs: { dy, y }, backend }: WasmKernelArgs): tf.TensorInfo {
  if (!tf.util.arraysEqual(dy.shape, y.shape)) throw new Error(`${WEFT_RELU_GRAD}: dy and y must have one shape. Received: [${dy.shape}], [${y.shape}]`);
  const out = backend.makeOutput(y.shape, 'float32');
  const n = tf.util.sizeFromShape(y.shape);
  const simd = simdOf(backend);
  if (simd) {
    simd.reluGrad(heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, out), n);
    return out;
  }
  const [g, v, o] = [dy, y, out].map((t) => heapF32(backend, t));
  for (let i = 0; i < n; i++) o[i] = v[i] > 0 ? g[i] : 0;
  return out;
}

/** x [R, T, C], y and dy [R, C] (the max over T and its gradient): dy where x equals the max, else 0. */
function maxStepsGrad({ inputs: { x, y, dy }, backend }: WasmKernelArgs): tf.TensorInfo {
  const [rows, steps, channels] = x.shape;
  if (x.shape.length !== 3 || tf.util.sizeFromShape(y.shape) !== rows * channels || !tf.util.arraysEqual(y.shape, dy.shape)) {
    throw new Error(`${WEFT_MAX_STEPS_GRAD}: expects x [R, T, C], y and dy of R x C elements. Received: [${x.shape}], [${y.shape}], [${dy.shape}]`);
  }
  const out = backend.makeOutput(x.shape, 'float32');
  const simd = simdOf(backend);
  if (simd) {
    simd.maxGrad(heapOffset(backend, x), heapOffset(backend, y), heapOffset(backend, dy), heapOffset(backend, out), rows, steps, channels);
    return out;
  }
  const [xv, yv, g, o] = [x, y, dy, out].map((t) => heapF32(backend, t));
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < steps; t++) {
      for (let c = 0; c < channels; c++) {
        const i = (r * steps + t) * channels + c;
        o[i] = xv[i] === yv[r * channels + c] ? g[r * channels + c] : 0;
      }
    }
  }
  return out;
}

export const reluGradKernel: WasmKernel = { kernelName: WEFT_RELU_GRAD, kernelFunc: reluGrad as unknown as WasmKernel['kernelFunc'] };
export const maxStepsGradKernel: WasmKernel = { kernelName: WEFT_MAX_STEPS_GRAD, kernelFunc: maxStepsGrad as unknown as WasmKernel['kernelFunc'] };

const onThisBackend = (kernelName: string) => !!tf.getKernel(kernelName, tf.getBackend());

/** The gradient of relu from its output y: dy where y > 0, else 0. Not differentiable itself. */
export function reluGradFromOutput(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (onThisBackend(WEFT_RELU_GRAD)) return tf.engine().runKernel(WEFT_RELU_GRAD, { dy, y }) as tf.Tensor;
  return tf.tidy(() => tf.mul(dy, tf.step(y)));
}

/**
 * max over the steps of x [B, T, C] -> [B, C] (or [B, 1, C] with keepDims), with tfjs's gradient
 * (dy at every position equal to the max) as one kernel on wasm.
 */
export function maxOverSteps(x: tf.Tensor3D, keepDims = false): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
    const y = tf.max(input, 1, keepDims);
    save([input, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        if (onThisBackend(WEFT_MAX_STEPS_GRAD)) return tf.engine().runKernel(WEFT_MAX_STEPS_GRAD, { x: xs, y: ys, dy }) as tf.Tensor;
        return tf.tidy(() => {
          const [b, , c] = xs.shape;
          return tf.mul(tf.reshape(dy, [b, 1, c]), tf.cast(tf.equal(xs, tf.reshape(ys, [b, 1, c])), 'float32'));
        });
      },
    };
  });
  return op(x);
}
