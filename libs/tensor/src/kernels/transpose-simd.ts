import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { countedLoop, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * dst[m, j, i] = src[m, i, j] for `count` float32 [rows, cols] matrices, rows and cols multiples of 4,
 * in wasm SIMD: each 4x4 block is four row loads, eight shuffles and four stores (the stock kernel
 * moves one float at a time with general index arithmetic, about 5x slower on an LSTM's weight gradients).
 * Params: src, dst (byte offsets), count, rows, cols.
 */
const [SRC, DST, COUNT, ROWS, COLS] = [0, 1, 2, 3, 4];
const [M, I, J, ROW_BYTES, COL_BYTES, A, D] = [5, 6, 7, 8, 9, 10, 11];
const [R0, R1, R2, R3, T0, T1, T2, T3] = [12, 13, 14, 15, 16, 17, 18, 19];

function transposeFunction(): AsmFunction {
  const pair = (x: number, y: number, lanes: number[]) => [...op.get(x), ...op.get(y), ...op.i32x4Shuffle(lanes)];
  const loadRow = (k: number, into: number) => [
    ...op.get(A), ...op.get(ROW_BYTES), ...op.i32(k), ...op.i32Mul, ...op.i32Add, ...op.v128Load(), ...op.set(into),
  ];
  const storeColumn = (value: number[]) => [
    ...op.get(D), ...value, ...op.v128Store(),
    ...op.get(D), ...op.get(COL_BYTES), ...op.i32Add, ...op.set(D),
  ];
  const block = [
    // A = &src[i, j], D = &dst[j, i] (I and J count floats).
    ...op.get(SRC), ...op.get(I), ...op.get(ROW_BYTES), ...op.i32Mul, ...op.i32Add, ...op.get(J), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(A),
    ...op.get(DST), ...op.get(J), ...op.get(COL_BYTES), ...op.i32Mul, ...op.i32Add, ...op.get(I), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(D),
    ...loadRow(0, R0), ...loadRow(1, R1), ...loadRow(2, R2), ...loadRow(3, R3),
    ...pair(R0, R1, [0, 4, 1, 5]), ...op.set(T0),
    ...pair(R0, R1, [2, 6, 3, 7]), ...op.set(T1),
    ...pair(R2, R3, [0, 4, 1, 5]), ...op.set(T2),
    ...pair(R2, R3, [2, 6, 3, 7]), ...op.set(T3),
    ...storeColumn(pair(T0, T2, [0, 1, 4, 5])),
    ...storeColumn(pair(T0, T2, [2, 3, 6, 7])),
    ...storeColumn(pair(T1, T3, [0, 1, 4, 5])),
    ...storeColumn(pair(T1, T3, [2, 3, 6, 7])),
  ];
  const matrixBytes = [...op.get(ROWS), ...op.get(ROW_BYTES), ...op.i32Mul];
  return {
    name: 'transposeMatrices',
    params: Array(5).fill(I32),
    locals: [...Array(7).fill(I32), ...Array(8).fill(V128)],
    code: [
      ...op.get(COLS), ...op.i32(2), ...op.i32Shl, ...op.set(ROW_BYTES),
      ...op.get(ROWS), ...op.i32(2), ...op.i32Shl, ...op.set(COL_BYTES),
      ...op.i32(0), ...op.set(M),
      ...countedLoop(M, COUNT, 1, [
        ...op.i32(0), ...op.set(I),
        ...countedLoop(I, ROWS, 4, [...op.i32(0), ...op.set(J), ...countedLoop(J, COLS, 4, block)]),
        ...op.get(SRC), ...matrixBytes, ...op.i32Add, ...op.set(SRC),
        ...op.get(DST), ...matrixBytes, ...op.i32Add, ...op.set(DST),
      ]),
    ],
  };
}

type TransposeMatrices = (src: number, dst: number, count: number, rows: number, cols: number) => void;

const instances = new WeakMap<WasmMemory, { transposeMatrices: TransposeMatrices } | null>();

/**
 * x with its last two axes swapped, through the SIMD block transpose; null (nothing allocated) where
 * it does not apply: not float32, rank under 2, the last two extents not multiples of 4, or no wasm SIMD.
 */
export function transposeLastTwoSimd(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo | null {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const [rows, cols] = x.shape.slice(-2);
  if (rows % 4 !== 0 || cols % 4 !== 0 || rows * cols === 0) return null;
  const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
  const simd = memory ? instantiateOn(instances, memory, () => [transposeFunction()]) : null;
  if (!simd) return null;
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
  const offset = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
  simd.transposeMatrices(offset(x), offset(out), tf.util.sizeFromShape(x.shape.slice(0, -2)), rows, cols);
  return out;
}
