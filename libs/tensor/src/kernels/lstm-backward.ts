import * as tf from '@tensorflow/tfjs-core';
import { heapFloats, heapIndex } from './lstm-forward';
import { matMul2D, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the LSTM sequence backward kernel (ours; wasm only). */
export const WEFT_LSTM_BACKWARD = 'WeftLstmBackward';

export interface LstmBackwardAttrs {
  /** Whether every step's output had a gradient (else only the last h and c do). */
  returnSequences: boolean;
}

/**
 * Backprop through time for WeftLstmForward, one kernel for all steps: per step, a JS pass turns the
 * incoming dh, dc into the pre-activation gradient dz (every gate) and the previous dc, then one
 * matmul dz x recKernel^T gives the previous dh. Rounded to float32 where the equivalent tf ops round.
 *
 * Inputs: dy [T + 1, B, U] (the gradient of packed), S, C, CP from the forward kernel,
 * recKernelT [4U, U] (the unscaled recurrent kernel, transposed), optional mask [T, B] and
 * recMask [B, U] as given to the forward kernel.
 * Outputs: dZ [T, B, 4U] (gradients of the unscaled gate pre-activations), dh0 and dc0 [B, U],
 * and dZT [4U, T * B], dZ transposed: the kernel gradients are dZT x inputs, so that the small
 * inputs are the matmul's right operand (the wasm matmul packs its right operand on every call
 * with new data, which for dZ costs most of a matmul).
 */
function lstmBackward({ inputs, backend, attrs }: WasmKernelArgs<LstmBackwardAttrs>): tf.TensorInfo[] {
  const { dy, S, C, CP, recKernelT, mask, recMask } = inputs;
  const [steps, batch, gates] = S.shape;
  const units = gates / 4;
  for (const [name, t, shape] of [['dy', dy, [steps + 1, batch, units]], ['C', C, [steps, batch, units]], ['CP', CP, [steps, batch, units]],
    ['recKernelT', recKernelT, [gates, units]], ['mask', mask, [steps, batch]], ['recMask', recMask, [batch, units]]] as const) {
    if (t && (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape as unknown as number[]))) {
      throw new Error(`${WEFT_LSTM_BACKWARD}: '${name}' must be float32 [${shape}]. Received: ${t.dtype} [${t.shape}]`);
    }
  }
  const bu = batch * units;
  const f = Math.fround;
  const dZ = backend.makeOutput([steps, batch, gates], 'float32');
  const dh0 = backend.makeOutput([batch, units], 'float32');
  const dc0 = backend.makeOutput([batch, units], 'float32');
  const dZT = backend.makeOutput([gates, steps * batch], 'float32');
  const rows = steps * batch;
  let heap = heapFloats(backend);
  const dyAt = heapIndex(backend, dy);
  const dh = heap.slice(dyAt + (steps - 1) * bu, dyAt + steps * bu);
  const dc = heap.slice(dyAt + steps * bu, dyAt + (steps + 1) * bu);
  // dh * (1 - m): the part of dh that skips a masked step.
  const dhSkip = mask ? new Float32Array(bu) : null;
  for (let t = steps - 1; t >= 0; t--) {
    const dz = backend.makeOutput([batch, gates], 'float32');
    heap = heapFloats(backend);
    const dzi = heapIndex(backend, dz);
    const s0 = heapIndex(backend, S) + t * batch * gates;
    const ca = heapIndex(backend, C) + t * bu;
    const cp = heapIndex(backend, CP) + t * bu;
    const m = mask ? heapIndex(backend, mask) + t * batch : -1;
    const zT = heapIndex(backend, dZT);
    for (let b = 0; b < batch; b++) {
      const g0 = s0 + b * gates;
      const mb = m >= 0 ? heap[m + b] : 1;
      const skip = f(1 - mb);
      for (let j = 0; j < units; j++) {
        const k = b * units + j;
        const dhNew = m >= 0 ? f(dh[k] * mb) : dh[k];
        const dcIn = m >= 0 ? f(dc[k] * mb) : dc[k];
        const i = heap[g0 + j];
        const fg = heap[g0 + units + j];
        const sg = heap[g0 + 2 * units + j];
        const o = heap[g0 + 3 * units + j];
        const act = heap[ca + k];
        const dcNew = f(dcIn + f(dhNew * f(o * f(1 - f(act * act)))));
        const gc = f(f(sg * 2) - 1);
        const out = dzi + b * gates + j;
        const zI = f(dcNew * f(gc * f(i * f(1 - i))));
        const zF = f(dcNew * f(heap[cp + k] * f(fg * f(1 - fg))));
        const zG = f(dcNew * f(f(i * 4) * f(sg * f(1 - sg))));
        const zO = f(dhNew * f(act * f(o * f(1 - o))));
        heap[out] = zI;
        heap[out + units] = zF;
        heap[out + 2 * units] = zG;
        heap[out + 3 * units] = zO;
        const col = zT + j * rows + t * batch + b;
        heap[col] = zI;
        heap[col + units * rows] = zF;
        heap[col + 2 * units * rows] = zG;
        heap[col + 3 * units * rows] = zO;
        let dcPrev = f(dcNew * fg);
        if (m >= 0) {
          dcPrev = f(dcPrev + f(dc[k] * skip));
          dhSkip![k] = f(dh[k] * skip);
        }
        dc[k] = dcPrev;
      }
    }
    heap.copyWithin(heapIndex(backend, dZ) + t * batch * gates, dzi, dzi + batch * gates);
    const mm = matMul2D(backend, dz, recKernelT, batch, gates, units);
    backend.disposeData(dz.dataId);
    heap = heapFloats(backend);
    const mi = heapIndex(backend, mm);
    const rm = recMask ? heapIndex(backend, recMask) : -1;
    const extra = t > 0 && attrs.returnSequences ? dyAt + (t - 1) * bu : -1;
    for (let k = 0; k < bu; k++) {
      let v = heap[mi + k];
      if (rm >= 0) v = f(v * heap[rm + k]);
      if (dhSkip) v = f(v + dhSkip[k]);
      if (extra >= 0) v = f(v + heap[extra + k]);
      dh[k] = v;
    }
    backend.disposeData(mm.dataId);
  }
  heap = heapFloats(backend);
  heap.set(dh, heapIndex(backend, dh0));
  heap.set(dc, heapIndex(backend, dc0));
  return [dZ, dh0, dc0, dZT];
}

export const lstmBackwardKernel: WasmKernel<LstmBackwardAttrs> = {
  kernelName: WEFT_LSTM_BACKWARD,
  kernelFunc: lstmBackward as unknown as WasmKernel<LstmBackwardAttrs>['kernelFunc'],
};
