import { countedLoop, F32, I32, instantiateOn, op, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * acc[o, i] = x[o, 0, i] (+ or max) x[o, 1, i] ... over [outer, reduce, inner] float32, in wasm SIMD,
 * four columns a turn then a scalar tail; the reduction runs in row order, as the stock kernels'.
 * Max is pmax, `acc < v ? v : acc`: the stock kernel's `if (v > acc) acc = v` (NaN after the
 * first element is skipped). Params: x, acc (byte offsets), outer, reduce, inner.
 */
const [X, ACC, OUTER, REDUCE, INNER] = [0, 1, 2, 3, 4];
const [O, R, I, ROW_BYTES, VEC_END, SRC, DST, A, V] = [5, 6, 7, 8, 9, 10, 11, 12, 13];

function reduceFunction(name: string, vector: number[], scalar: number[]): AsmFunction {
  const at = (base: number) => [...op.get(base), ...op.get(I), ...op.i32Add];
  const turn = (load: number[], store: number[], combine: number[]) => [
    ...at(DST), ...at(DST), ...load, ...at(SRC), ...load, ...combine, ...store,
  ];
  const firstRow = [...op.i32(0), ...op.set(I), ...countedLoop(I, ROW_BYTES, 4, [...at(DST), ...at(SRC), ...op.f32Load(), ...op.f32Store()])];
  const addRow = [
    ...op.i32(0), ...op.set(I),
    ...countedLoop(I, VEC_END, 16, turn(op.v128Load(), op.v128Store(), vector)),
    ...countedLoop(I, ROW_BYTES, 4, turn(op.f32Load(), op.f32Store(), scalar)),
  ];
  return {
    name,
    params: Array(5).fill(I32),
    locals: [...Array(7).fill(I32), F32, F32],
    code: [
      ...op.get(INNER), ...op.i32(2), ...op.i32Shl, ...op.set(ROW_BYTES),
      ...op.get(INNER), ...op.i32(-4), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(VEC_END),
      ...op.get(X), ...op.set(SRC),
      ...op.get(ACC), ...op.set(DST),
      ...op.i32(0), ...op.set(O),
      ...countedLoop(O, OUTER, 1, [
        ...firstRow,
        ...op.get(SRC), ...op.get(ROW_BYTES), ...op.i32Add, ...op.set(SRC),
        ...op.i32(1), ...op.set(R),
        ...countedLoop(R, REDUCE, 1, [...addRow, ...op.get(SRC), ...op.get(ROW_BYTES), ...op.i32Add, ...op.set(SRC)]),
        ...op.get(DST), ...op.get(ROW_BYTES), ...op.i32Add, ...op.set(DST),
      ]),
    ],
  };
}

/*
 * out[ids[k]] += x[k] row by row (the scatter of a segment sum), rows of `inner` floats, SIMD then a
 * scalar tail. Rows are added in k order, as the stock ScatterNd adds them. Params: x, out, ids
 * (byte offsets; ids int32, all in range), count, inner.
 */
function scatterAddFunction(): AsmFunction {
  const [XP, OUT, IDS, COUNT, INNER_] = [0, 1, 2, 3, 4];
  const [K, J, ROW, VEND, SRC, DST] = [5, 6, 7, 8, 9, 10];
  const at = (base: number) => [...op.get(base), ...op.get(J), ...op.i32Add];
  const turn = (load: number[], store: number[], add: number[]) => [...at(DST), ...at(DST), ...load, ...at(SRC), ...load, ...add, ...store];
  return {
    name: 'scatterAdd',
    params: Array(5).fill(I32),
    locals: Array(6).fill(I32),
    code: [
      ...op.get(INNER_), ...op.i32(2), ...op.i32Shl, ...op.set(ROW),
      ...op.get(INNER_), ...op.i32(-4), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(VEND),
      ...op.get(XP), ...op.set(SRC),
      ...op.i32(0), ...op.set(K),
      ...countedLoop(K, COUNT, 1, [
        // dst = out + ids[k] * rowBytes
        ...op.get(OUT), ...op.get(IDS), ...op.get(K), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(), ...op.get(ROW), ...op.i32Mul, ...op.i32Add, ...op.set(DST),
        ...op.i32(0), ...op.set(J),
        ...countedLoop(J, VEND, 16, turn(op.v128Load(), op.v128Store(), op.f32x4Add)),
        ...countedLoop(J, ROW, 4, turn(op.f32Load(), op.f32Store(), op.f32Add)),
        ...op.get(SRC), ...op.get(ROW), ...op.i32Add, ...op.set(SRC),
      ]),
    ],
  };
}

export interface ReduceSimd {
  scatterAdd(x: number, out: number, ids: number, count: number, inner: number): void;
  sumRows(x: number, acc: number, outer: number, reduce: number, inner: number): void;
  maxRows(x: number, acc: number, outer: number, reduce: number, inner: number): void;
}

const instances = new WeakMap<WasmMemory, ReduceSimd | null>();

/** The SIMD row reductions and the segment-sum scatter bound to `memory`, or null where wasm SIMD is unavailable. */
export function reduceSimdOn(memory: WasmMemory): ReduceSimd | null {
  return instantiateOn(instances, memory, () => [
    scatterAddFunction(),
    reduceFunction('sumRows', op.f32x4Add, op.f32Add),
    // Scalar tail: acc < v ? v : acc.
    reduceFunction('maxRows', op.f32x4Pmax, [...op.set(V), ...op.set(A), ...op.get(V), ...op.get(A), ...op.get(A), ...op.get(V), ...op.f32Lt, ...op.select]),
  ]);
}
