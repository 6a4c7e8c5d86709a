import * as tf from '@tensorflow/tfjs-core';
import { heapFloats, heapIndex } from './lstm-forward';
import { lstmSimdOn } from './lstm-cell-simd';
import type { WasmMemory } from './wasm-asm';
import { stepMatMul, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

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
 * recKernelT [4U, U] (the recurrent kernel, transposed), optional mask [T, B] and
 * recMask [B, U] as given to the forward kernel.
 * Outputs: dZ [T, B, 4U] (gradients of the gate pre-activations), dh0 and dc0 [B, U],
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
  const rows = steps * batch;
  const dZ = backend.makeOutput([steps, batch, gates], 'float32');
  // The running dh and dc live in the dh0 and dc0 outputs.
  const dh0 = backend.makeOutput([batch, units], 'float32');
  const dc0 = backend.makeOutput([batch, units], 'float32');
  const dZT = backend.makeOutput([gates, rows], 'float32');
  // dh * (1 - m): the part of dh that skips a masked step.
  const skip = mask ? backend.makeOutput([batch, units], 'float32') : null;
  // One step gradient and one matmul output, reused by every step.
  const dz = backend.makeOutput([batch, gates], 'float32');
  const mm = backend.makeOutput([batch, units], 'float32');
  const matMul = stepMatMul(backend, batch, gates, units);
  const at = (info: tf.TensorInfo, offset = 0) => heapIndex(backend, info) + offset;
  const heap = heapFloats(backend);
  heap.copyWithin(at(dh0), at(dy, (steps - 1) * bu), at(dy, steps * bu));
  heap.copyWithin(at(dc0), at(dy, steps * bu), at(dy, (steps + 1) * bu));
  const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
  const simd = memory && units % 4 === 0 ? lstmSimdOn(memory) : null;
  const [sAt, cAt, cpAt, dhAt, dcAt, dzAt, dZAt, dZTAt, mmAt, dyAt] = [S, C, CP, dh0, dc0, dz, dZ, dZT, mm, dy].map((t) => at(t));
  const [skipAt, maskAt, recMaskAt] = [skip, mask, recMask].map((t) => (t ? at(t) : -1));
  const b4 = (i: number) => (i < 0 ? 0 : i * 4);
  for (let t = steps - 1; t >= 0; t--) {
    const step: BackStep = {
      s: sAt + t * batch * gates, act: cAt + t * bu, cPrev: cpAt + t * bu, dh: dhAt, dc: dcAt,
      skip: skipAt, mask: mask ? maskAt + t * batch : -1, dz: dzAt, dzStack: dZAt + t * batch * gates,
      dzT: dZTAt + t * batch, rows, batch, units,
    };
    if (simd) {
      simd.lstmBackStep(b4(step.s), b4(step.act), b4(step.cPrev), b4(step.dh), b4(step.dc), b4(step.skip), b4(step.mask), b4(step.dz),
        b4(step.dzStack), b4(step.dzT), rows * 4, batch, units);
    } else backCellStep(heapFloats(backend), step);
    matMul.run(dz, recKernelT, mm);
    const finish = {
      mm: mmAt, recMask: recMaskAt, skip: skipAt, extra: t > 0 && attrs.returnSequences ? dyAt + (t - 1) * bu : -1, dh: dhAt, n: bu,
    };
    if (simd) {
      simd.lstmBackFinish(b4(finish.mm), b4(finish.recMask), b4(finish.skip), b4(finish.extra), b4(finish.dh), finish.n);
    } else finishStep(heapFloats(backend), finish);
  }
  matMul.dispose();
  backend.disposeData(dz.dataId);
  backend.disposeData(mm.dataId);
  if (skip) backend.disposeData(skip.dataId);
  return [dZ, dh0, dc0, dZT];
}

/** Heap positions (in floats) for one backward step; -1 where absent. */
interface BackStep {
  /** [B, 4U] gate sigmoids, [B, U] tanh of the new cell and the previous cell of this step. */
  s: number;
  act: number;
  cPrev: number;
  /** [B, U] running dh and dc (dc is updated in place to the previous step's), dh * (1 - m). */
  dh: number;
  dc: number;
  skip: number;
  /** [B] this step's mask. */
  mask: number;
  /** [B, 4U] the step's dz (the matmul input) and its place in dZ; this step's first column of dZT [4U, rows]. */
  dz: number;
  dzStack: number;
  dzT: number;
  rows: number;
  batch: number;
  units: number;
}

/** dz = [dc', dc', dc', dh'] * K (every gate's derivative), dc <- dc' f (+ the masked part), as the op-by-op gradient rounds. */
function backCellStep(heap: Float32Array, p: BackStep): void {
  const f = Math.fround;
  const { units, rows, batch, mask } = p;
  const gates = 4 * units;
  for (let b = 0; b < batch; b++) {
    const g0 = p.s + b * gates;
    const mb = mask >= 0 ? heap[mask + b] : 1;
    const skip = f(1 - mb);
    for (let j = 0; j < units; j++) {
      const k = b * units + j;
      const dh = heap[p.dh + k];
      const dc = heap[p.dc + k];
      const dhNew = mask >= 0 ? f(dh * mb) : dh;
      const dcIn = mask >= 0 ? f(dc * mb) : dc;
      const i = heap[g0 + j];
      const fg = heap[g0 + units + j];
      const sg = heap[g0 + 2 * units + j];
      const o = heap[g0 + 3 * units + j];
      const act = heap[p.act + k];
      const dcNew = f(dcIn + f(dhNew * f(o * f(1 - f(act * act)))));
      const gc = f(f(sg * 2) - 1);
      const z = [
        f(dcNew * f(gc * f(i * f(1 - i)))),
        f(dcNew * f(heap[p.cPrev + k] * f(fg * f(1 - fg)))),
        f(dcNew * f(f(i * 4) * f(sg * f(1 - sg)))),
        f(dhNew * f(act * f(o * f(1 - o)))),
      ];
      for (let g = 0; g < 4; g++) {
        heap[p.dz + b * gates + g * units + j] = z[g];
        heap[p.dzStack + b * gates + g * units + j] = z[g];
        heap[p.dzT + (g * units + j) * rows + b] = z[g];
      }
      let dcPrev = f(dcNew * fg);
      if (mask >= 0) {
        dcPrev = f(dcPrev + f(dc * skip));
        heap[p.skip + k] = f(dh * skip);
      }
      heap[p.dc + k] = dcPrev;
    }
  }
}

/** dh <- (mm * recMask) + dh * (1 - m) + dy of the previous step's output, each term where present. */
function finishStep(heap: Float32Array, p: { mm: number; recMask: number; skip: number; extra: number; dh: number; n: number }): void {
  const f = Math.fround;
  for (let k = 0; k < p.n; k++) {
    let v = heap[p.mm + k];
    if (p.recMask >= 0) v = f(v * heap[p.recMask + k]);
    if (p.skip >= 0) v = f(v + heap[p.skip + k]);
    if (p.extra >= 0) v = f(v + heap[p.extra + k]);
    heap[p.dh + k] = v;
  }
}

export const lstmBackwardKernel: WasmKernel<LstmBackwardAttrs> = {
  kernelName: WEFT_LSTM_BACKWARD,
  kernelFunc: lstmBackward as unknown as WasmKernel<LstmBackwardAttrs>['kernelFunc'],
};
