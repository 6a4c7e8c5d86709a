import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { lstmSimdOn } from './lstm-cell-simd';
import type { WasmMemory } from './wasm-asm';
import { runStockKernel, stepMatMul, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

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
 * in one kernel, so that a step costs one recurrent matmul and one pass over the gates and cell,
 * with no tensors made per step in between. The pass is a wasm SIMD function (lstm-cell-simd.ts)
 * when units is a multiple of 4, else the stock sigmoid and a JS loop rounded to float32 where
 * the equivalent tf ops round.
 *
 * Inputs: projected [T, B, 4U] (inputs x kernel + bias, every step), recKernel [U, 4U], h0, c0
 * [B, U], optional mask [T, B] (1 real step, 0 padding: the state carries over), optional
 * recMask [B, U] (recurrent dropout, applied to h before the recurrent matmul).
 * The cell candidate's tanh comes from the same sigmoid pass: tanh(z) = 2 sigmoid(2z) - 1 (doubling
 * is exact in float32, so sigmoid(2z) rounds as a sigmoid of a pre-doubled projection would).
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

  // One recurrent input and one matmul output, reused by every step.
  const hIn = backend.makeOutput([batch, units], 'float32');
  const z = backend.makeOutput([batch, gates], 'float32');
  const matMul = stepMatMul(backend, batch, units, gates);
  const at = (info: tf.TensorInfo, offset = 0) => heapIndex(backend, info) + offset;
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
  const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
  const simdStep = memory && units % 4 === 0 ? lstmSimdOn(memory)?.lstmStep : null;
  const [pAt, zAt, sAt, cpAt, h0At, cAt, packedAt, hInAt, hAt] = [projected, z, S, CP, h0, C, packed, hIn, H].map((t) => at(t));
  const maskAt = mask ? at(mask) : -1;
  const recMaskAt = recMask ? at(recMask) : -1;
  for (let t = 0; t < steps; t++) {
    matMul.run(hIn, recKernel, z);
    const last = t === steps - 1;
    const row = t * bu;
    if (simdStep) {
      const b4 = (index: number) => index * 4;
      simdStep(
        b4(pAt + t * batch * gates), b4(zAt), b4(sAt + t * batch * gates), b4(cpAt + row),
        b4(t === 0 ? h0At : packedAt + row - bu), b4(cAt + row), b4(packedAt + row),
        b4(last ? packedAt + steps * bu : cpAt + row + bu),
        mask ? b4(maskAt + t * batch) : 0, recMask ? b4(recMaskAt) : 0,
        last ? 0 : b4(hInAt), last ? 0 : b4(hAt + row + bu), batch, units,
      );
      continue;
    }
    heap = heapFloats(backend);
    addInto(heap, zAt, pAt + t * batch * gates, batch, units);
    const s = runStockKernel(tf.Sigmoid, backend, { x: z });
    heap = heapFloats(backend);
    const si = at(s);
    heap.copyWithin(sAt + t * batch * gates, si, si + batch * gates);
    cellStep(heap, {
      s: si,
      cPrev: cpAt + row,
      act: cAt + row,
      hPrev: t === 0 ? h0At : packedAt + row - bu,
      hOut: packedAt + row,
      cOut: last ? packedAt + steps * bu : cpAt + row + bu,
      mask: mask ? maskAt + t * batch : -1,
      recMask: recMaskAt,
      hIn: last ? -1 : hInAt,
      hInStack: last ? -1 : hAt + row + bu,
      batch,
      units,
    });
    backend.disposeData(s.dataId);
  }
  matMul.dispose();
  backend.disposeData(hIn.dataId);
  backend.disposeData(z.dataId);
  return [packed, S, C, CP, H];
}

/** z += projected over [B, 4U], in float32, with the cell-candidate block doubled (for its tanh). */
function addInto(heap: Float32Array, dst: number, src: number, batch: number, units: number): void {
  for (let k = 0; k < batch * 4 * units; k++) {
    const sum = Math.fround(heap[src + k] + heap[dst + k]);
    const block = Math.floor((k % (4 * units)) / units);
    heap[dst + k] = block === 2 ? sum * 2 : sum;
  }
}

/** Heap positions (in floats) for one step of the cell; -1 where absent. */
interface CellStep {
  /** [B, 4U] gate sigmoids, candidate block of sigmoid(2z). */
  s: number;
  /** [B, U] previous carried cell and h; where tanh of the new cell, the carried h and c go. */
  cPrev: number;
  hPrev: number;
  act: number;
  hOut: number;
  cOut: number;
  /** [B] this step's mask, [B, U] recurrent dropout mask. */
  mask: number;
  recMask: number;
  /** [B, U] the next step's recurrent matmul input, and its copy in the H stack. */
  hIn: number;
  hInStack: number;
  batch: number;
  units: number;
}

/** c = f c + i g, h = o tanh(c), carried through masked rows; the next recurrent input h * recMask. */
function cellStep(heap: Float32Array, p: CellStep): void {
  const f = Math.fround;
  const { units, mask, recMask, hIn } = p;
  const gates = 4 * units;
  for (let b = 0; b < p.batch; b++) {
    const g0 = p.s + b * gates;
    const mb = mask >= 0 ? heap[mask + b] : 1;
    for (let j = 0; j < units; j++) {
      const k = b * units + j;
      const i = heap[g0 + j];
      const fg = heap[g0 + units + j];
      const g = f(f(heap[g0 + 2 * units + j] * 2) - 1);
      const o = heap[g0 + 3 * units + j];
      const c = heap[p.cPrev + k];
      const cNew = f(f(fg * c) + f(i * g));
      const act = f(Math.tanh(cNew));
      const hNew = f(o * act);
      heap[p.act + k] = act;
      let h = hNew;
      let cc = cNew;
      if (mask >= 0) {
        const hp = heap[p.hPrev + k];
        h = f(hp + f(mb * f(hNew - hp)));
        cc = f(c + f(mb * f(cNew - c)));
      }
      heap[p.hOut + k] = h;
      heap[p.cOut + k] = cc;
      if (hIn >= 0) {
        const v = recMask >= 0 ? f(h * heap[recMask + k]) : h;
        heap[hIn + k] = v;
        heap[p.hInStack + k] = v;
      }
    }
  }
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
