import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { matMul2D, runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the LSTM sequence forward kernel (ours; wasm only). */
export const WEFT_LSTM_FORWARD = 'WeftLstmForward';

/** A float32 tensor's position on the wasm heap, in floats (index into HEAPF32). */
export function heapIndex(backend: BackendWasm, info: tf.TensorInfo): number {
  return (backend.dataIdMap.get(info.dataId) as unknown as { memoryOffset: number }).memoryOffset >> 2;
}

/** The whole heap as floats; take it again after any allocation (growth replaces the buffer). */
export const heapFloats = (backend: BackendWasm): Float32Array => (backend.wasm as unknown as { HEAPF32: Float32Array }).HEAPF32;

/**
 * The step loop of an LSTM over a sequence (Keras gate order i, f, c, o; sigmoid gates, tanh cell)
 * in one kernel, so that a step costs one recurrent matmul, one sigmoid over all gates and a JS
 * pass over the cell, with no tensors made per step in between. Element-wise work is rounded to
 * float32 where the equivalent tf ops round, so results match the op-by-op loop.
 *
 * Inputs: projected [T, B, 4U] (inputs x kernel + bias, every step), recKernel [U, 4U], h0, c0
 * [B, U], optional mask [T, B] (1 real step, 0 padding: the state carries over), optional
 * recMask [B, U] (recurrent dropout, applied to h before the recurrent matmul).
 * The cell-candidate block of projected and recKernel is pre-scaled by 2: one sigmoid then gives
 * every gate, and tanh(z) = 2 sigmoid(2z) - 1.
 * Outputs: packed [T + 1, B, U] (the carried h of every step, then the final c); for the gradient:
 * S [T, B, 4U] the sigmoids, C [T, B, U] tanh of each new cell, CP [T, B, U] each step's previous
 * cell, H [T, B, U] each step's recurrent matmul input.
 */
function lstmForward({ inputs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const { projected, recKernel, h0, c0, mask, recMask } = inputs;
  const [steps, batch, gates] = projected.shape;
  const units = gates / 4;
  checkShapes(inputs, steps, batch, units);
  const bu = batch * units;
  const packed = backend.makeOutput([steps + 1, batch, units], 'float32');
  const S = backend.makeOutput([steps, batch, gates], 'float32');
  const C = backend.makeOutput([steps, batch, units], 'float32');
  const CP = backend.makeOutput([steps, batch, units], 'float32');
  const H = backend.makeOutput([steps, batch, units], 'float32');
  const f = Math.fround;

  let hIn = backend.makeOutput([batch, units], 'float32');
  let heap = heapFloats(backend);
  {
    const [h, c, rm, hi, H0, CP0] = [h0, c0, recMask, hIn, H, CP].map((t) => (t ? heapIndex(backend, t) : -1));
    for (let k = 0; k < bu; k++) {
      const v = rm >= 0 ? f(heap[h + k] * heap[rm + k]) : heap[h + k];
      heap[hi + k] = v;
      heap[H0 + k] = v;
      heap[CP0 + k] = heap[c + k];
    }
  }
  for (let t = 0; t < steps; t++) {
    const z = matMul2D(backend, hIn, recKernel, batch, units, gates);
    backend.disposeData(hIn.dataId);
    heap = heapFloats(backend);
    const zi = heapIndex(backend, z);
    const p = heapIndex(backend, projected) + t * batch * gates;
    for (let k = 0; k < batch * gates; k++) heap[zi + k] = f(heap[p + k] + heap[zi + k]);
    const s = runStockKernel(tf.Sigmoid, backend, { x: z });
    backend.disposeData(z.dataId);
    const last = t === steps - 1;
    if (!last) hIn = backend.makeOutput([batch, units], 'float32');
    heap = heapFloats(backend);
    const si = heapIndex(backend, s);
    heap.copyWithin(heapIndex(backend, S) + t * batch * gates, si, si + batch * gates);
    const row = t * bu;
    const cp = heapIndex(backend, CP) + row;
    const ca = heapIndex(backend, C) + row;
    const hOut = heapIndex(backend, packed) + row;
    // The previous carried h (masking keeps it) and where the new carried c goes.
    const hPrev = t === 0 ? heapIndex(backend, h0) : hOut - bu;
    const cNext = last ? heapIndex(backend, packed) + steps * bu : cp + bu;
    const m = mask ? heapIndex(backend, mask) + t * batch : -1;
    const rm = recMask ? heapIndex(backend, recMask) : -1;
    const hNext = last ? -1 : heapIndex(backend, hIn);
    const hStack = last ? -1 : heapIndex(backend, H) + row + bu;
    for (let b = 0; b < batch; b++) {
      const g0 = si + b * gates;
      const mb = m >= 0 ? heap[m + b] : 1;
      for (let j = 0; j < units; j++) {
        const k = b * units + j;
        const i = heap[g0 + j];
        const fg = heap[g0 + units + j];
        const g = f(f(heap[g0 + 2 * units + j] * 2) - 1);
        const o = heap[g0 + 3 * units + j];
        const c = heap[cp + k];
        const cNew = f(f(fg * c) + f(i * g));
        const act = f(Math.tanh(cNew));
        const hNew = f(o * act);
        heap[ca + k] = act;
        let h = hNew;
        let cc = cNew;
        if (m >= 0) {
          const hp = heap[hPrev + k];
          h = f(hp + f(mb * f(hNew - hp)));
          cc = f(c + f(mb * f(cNew - c)));
        }
        heap[hOut + k] = h;
        heap[cNext + k] = cc;
        if (hNext >= 0) {
          const v = rm >= 0 ? f(h * heap[rm + k]) : h;
          heap[hNext + k] = v;
          heap[hStack + k] = v;
        }
      }
    }
    backend.disposeData(s.dataId);
  }
  return [packed, S, C, CP, H];
}

function checkShapes(inputs: Record<string, tf.TensorInfo>, steps: number, batch: number, units: number): void {
  const expected: Record<string, number[]> = {
    recKernel: [units, 4 * units],
    h0: [batch, units],
    c0: [batch, units],
    mask: [steps, batch],
    recMask: [batch, units],
  };
  for (const [name, shape] of Object.entries(expected)) {
    const t = inputs[name];
    if (!t) {
      if (name === 'mask' || name === 'recMask') continue;
      throw new Error(`${WEFT_LSTM_FORWARD}: missing input '${name}'.`);
    }
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape)) {
      throw new Error(`${WEFT_LSTM_FORWARD}: '${name}' must be float32 [${shape}]. Received: ${t.dtype} [${t.shape}]`);
    }
  }
  if (steps < 1 || !Number.isInteger(units) || inputs.projected.dtype !== 'float32') {
    throw new Error(`${WEFT_LSTM_FORWARD}: projected must be float32 [T, B, 4 units]. Received: ${inputs.projected.dtype} [${inputs.projected.shape}]`);
  }
}

export const lstmForwardKernel: WasmKernel = {
  kernelName: WEFT_LSTM_FORWARD,
  kernelFunc: lstmForward as unknown as WasmKernel['kernelFunc'],
};
