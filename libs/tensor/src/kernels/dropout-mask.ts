import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernel, WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the dropout mask kernel (ours; registered on wasm and cpu). */
export const WEFT_DROPOUT_MASK = 'WeftDropoutMask';

export interface DropoutMaskAttrs {
  shape: number[];
  rate: number;
  seed: number;
}

/**
 * Fills `values` with an inverted-dropout mask: 0 with probability `rate`, else 1 / (1 - rate),
 * from xoshiro128** seeded by splitmix32. Written so that V8 stays on int32 arithmetic (rotations
 * inline, no unsigned conversion, the keep test from a sign bit instead of a branch): about 1.5 ns an
 * element, where tf.randomUniform on wasm (seedrandom's alea) takes about 20.
 */
function fillMask(values: Float32Array, { rate, seed }: DropoutMaskAttrs): void {
  const keepValue = 1 / (1 - rate);
  // 24-bit draws: dropped when draw < threshold.
  const threshold = Math.round(rate * 16777216);
  let [a, b, c, d] = seedState(seed);
  for (let i = 0; i < values.length; i++) {
    const m = Math.imul(b, 5);
    const draw = Math.imul((m << 7) | (m >>> 25), 9) >>> 8;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    values[i] = keepValue * ((threshold - 1 - draw) >>> 31);
  }
}

/** Four state words from one seed by splitmix32 (never all zero). */
function seedState(seed: number): [number, number, number, number] {
  let z = seed | 0;
  const next = () => {
    z = (z + 0x9e3779b9) | 0;
    let r = z;
    r = Math.imul(r ^ (r >>> 16), 0x85ebca6b);
    r = Math.imul(r ^ (r >>> 13), 0xc2b2ae35);
    return (r ^ (r >>> 16)) | 0;
  };
  return [next(), next(), next(), next() | 1];
}

// On wasm the mask is drawn straight into the heap: a fresh JS array of that size would cost more
// in first-touch page faults (several ms for a few MB on these VMs) than drawing it.
function dropoutMaskWasm({ backend, attrs }: WasmKernelArgs<DropoutMaskAttrs>): tf.TensorInfo {
  const out = backend.makeOutput(attrs.shape, 'float32');
  fillMask(backend.typedArrayFromHeap(out) as Float32Array, attrs);
  return out;
}

export const dropoutMaskKernel: WasmKernel<DropoutMaskAttrs> = {
  kernelName: WEFT_DROPOUT_MASK,
  kernelFunc: dropoutMaskWasm as unknown as WasmKernel<DropoutMaskAttrs>['kernelFunc'],
};

interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

if (!tf.getKernel(WEFT_DROPOUT_MASK, 'cpu')) {
  tf.registerKernel({
    kernelName: WEFT_DROPOUT_MASK,
    backendName: 'cpu',
    kernelFunc: ({ backend, attrs }) => {
      const a = attrs as unknown as DropoutMaskAttrs;
      const values = new Float32Array(tf.util.sizeFromShape(a.shape));
      fillMask(values, a);
      return (backend as unknown as CpuBackend).makeTensorInfo(a.shape, 'float32', values);
    },
  });
}

/**
 * An inverted-dropout mask of `shape`: each element 0 with probability `rate`, else 1 / (1 - rate)
 * (multiply it into the input). A seed makes it reproducible; without one it starts from Math.random.
 * Backends without the kernel (tensorflow) get the same distribution from tf ops.
 */
export function dropoutMask(shape: number[], rate: number, seed?: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropoutMask: rate must be in [0, 1). Received: ${rate}`);
  const s = seed ?? Math.floor(Math.random() * 4294967296);
  if (!tf.getKernel(WEFT_DROPOUT_MASK, tf.getBackend())) {
    return tf.tidy(() => tf.mul(tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', s), rate), 'float32'), 1 / (1 - rate)));
  }
  const attrs: DropoutMaskAttrs = { shape, rate, seed: s };
  return tf.engine().runKernel(WEFT_DROPOUT_MASK, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
