import { countedLoop, doWhileBelow, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * C = A B (+ a bias row) for float32 row-major matrices on the wasm backend's memory, as
 * hand-assembled wasm SIMD specialised to one shape: K, N and the three row strides are constants
 * of the generated code, so that every load is a pointer plus a constant offset.
 *
 * Register blocking: a 4 x 8 tile of C lives in eight v128 accumulators while k runs; each k step
 * loads one row piece of B (two v128) and four splatted floats of A and does 8 mul + 8 add. Column
 * blocks of 8 are the outer loop, so the B panel (K x 8 floats) stays in L1 while row tiles of A
 * stream past it. No packing: the LSTM's operands change every step, and XNNPACK (the stock
 * matmul) repacks such a right operand on every call. Rows left over (M mod 4) take a 3-, 2- or
 * 1-row tile, a last 4-column block takes N mod 8 = 4. Each C element is the products added in k
 * order onto the bias (or 0), which is the order XNNPACK sums in.
 *
 * (func $mR (param $a $b $c $bias $rows i32))   ;; byte offsets; rows a multiple of R
 */

export interface GemmShape {
  /** Inner dimension (at least 1) and columns of B and C (a multiple of 4). */
  k: number;
  n: number;
  /** Row strides of A, B and C, in floats. */
  lda: number;
  ldb: number;
  ldc: number;
  /** Whether the accumulators start from a bias row [N] (else from 0). */
  bias: boolean;
}

/** What a generated function's accumulators start from: 0, the bias row, or C itself (a later slice of k). */
type Start = 'zero' | 'bias' | 'c';

const [A, B, C, BIAS, ROWS] = [0, 1, 2, 3, 4];
const [J, IA, IC, PA, PB, END, A_END, J_END] = [5, 6, 7, 8, 9, 10, 11, 12];
const ACC = 13; // 2 per row of the tile, then two B vectors and a splat
const MAX_ROWS = 4;
const [B0, B1, SPLAT] = [ACC + 2 * MAX_ROWS, ACC + 2 * MAX_ROWS + 1, ACC + 2 * MAX_ROWS + 2];

/** One pass over the column blocks [from, to) (bytes) of width `cols` (8 or 4), tiles of `rows` rows. */
function columnBlocks(shape: TileShape, rows: number, cols: 8 | 4, from: number, to: number): number[] {
  const vectors = cols / 4;
  const acc = (r: number, v: number) => ACC + vectors * r + v;
  const tile = (body: (r: number, v: number) => number[]) =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: vectors }, (_, v) => body(r, v)).flat()).flat();
  const bVector = [B0, B1];
  const kStep = [
    ...Array.from({ length: vectors }, (_, v) => [...op.get(PB), ...op.v128Load(16 * v), ...op.set(bVector[v])]).flat(),
    ...Array.from({ length: rows }, (_, r) => [
      ...op.get(PA), ...op.v128Load32Splat(4 * shape.lda * r), ...op.set(SPLAT),
      ...Array.from({ length: vectors }, (_, v) => [
        ...op.get(acc(r, v)), ...op.get(SPLAT), ...op.get(bVector[v]), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(r, v)),
      ]).flat(),
    ]).flat(),
    ...op.get(PA), ...op.i32(4), ...op.i32Add, ...op.set(PA),
    ...op.get(PB), ...op.i32(4 * shape.ldb), ...op.i32Add, ...op.set(PB),
  ];
  const init = {
    zero: tile((r, v) => [...op.v128Zero, ...op.set(acc(r, v))]),
    bias: tile((r, v) => [...op.get(BIAS), ...op.get(J), ...op.i32Add, ...op.v128Load(16 * v), ...op.set(acc(r, v))]),
    c: tile((r, v) => [...op.get(IC), ...op.v128Load(4 * shape.ldc * r + 16 * v), ...op.set(acc(r, v))]),
  }[shape.start];
  const rowTile = [
    ...init,
    ...op.get(IA), ...op.set(PA), ...op.get(B), ...op.get(J), ...op.i32Add, ...op.set(PB),
    ...op.get(IA), ...op.i32(4 * shape.k), ...op.i32Add, ...op.set(END),
    ...doWhileBelow(PA, END, kStep),
    ...tile((r, v) => [...op.get(IC), ...op.get(acc(r, v)), ...op.v128Store(4 * shape.ldc * r + 16 * v)]),
    ...op.get(IC), ...op.i32(4 * shape.ldc * rows), ...op.i32Add, ...op.set(IC),
  ];
  const columnBlock = [
    ...op.get(A), ...op.set(IA), ...op.get(C), ...op.get(J), ...op.i32Add, ...op.set(IC),
    ...countedLoop(IA, A_END, 4 * shape.lda * rows, rowTile),
  ];
  return [...op.i32(from), ...op.set(J), ...op.i32(to), ...op.set(J_END), ...countedLoop(J, J_END, 4 * cols, columnBlock)];
}

/** The shape a generated function is specialised to: k is this slice's depth. */
type TileShape = Omit<GemmShape, 'bias'> & { start: Start };

function gemmFunction(shape: TileShape, rows: number): AsmFunction {
  const wide = shape.n - (shape.n % 8);
  return {
    name: `m${rows}`,
    params: [I32, I32, I32, I32, I32],
    locals: [...Array(8).fill(I32), ...Array(2 * MAX_ROWS + 3).fill(V128)],
    code: [
      ...op.get(A), ...op.get(ROWS), ...op.i32(4 * shape.lda), ...op.i32Mul, ...op.i32Add, ...op.set(A_END),
      ...(wide > 0 ? columnBlocks(shape, rows, 8, 0, 4 * wide) : []),
      ...(wide < shape.n ? columnBlocks(shape, rows, 4, 4 * wide, 4 * shape.n) : []),
    ],
  };
}

type TileFunction = (a: number, b: number, c: number, bias: number, rows: number) => void;

/** C[m, n] = A[m, k] B[k, n] (+ bias); byte offsets on the memory (bias 0 when the shape has none). */
export type Gemm = (a: number, b: number, c: number, bias: number, m: number) => void;

/**
 * Depth of one pass over C. Deeper products go in slices, each adding onto C (the same additions in
 * the same order), so that a column panel of B (SLICE x 8 floats) and a slice of A's rows stay in cache.
 */
const SLICE = 256;

const modules = new Map<string, WeakMap<WasmMemory, Record<string, TileFunction> | null>>();

/** Whether gemmOn takes this shape. */
export const gemmSupports = (shape: Pick<GemmShape, 'k' | 'n'>): boolean => shape.k >= 1 && shape.n >= 4 && shape.n % 4 === 0;

function tilesOn(memory: WasmMemory, shape: TileShape): Record<string, TileFunction> | null {
  const key = JSON.stringify(shape);
  if (!modules.has(key)) modules.set(key, new WeakMap());
  return instantiateOn(modules.get(key)!, memory, () => [1, 2, 3, 4].map((rows) => gemmFunction(shape, rows)));
}

/**
 * The matmul for one shape bound to `memory` (compiled once per shape and memory), or null where
 * wasm SIMD is unavailable or the shape is not supported (see gemmSupports).
 */
export function gemmOn(memory: WasmMemory, shape: GemmShape): Gemm | null {
  if (!gemmSupports(shape)) return null;
  const { bias, ...strides } = shape;
  const slices: { from: number; tiles: Record<string, TileFunction> }[] = [];
  for (let from = 0; from < shape.k; from += SLICE) {
    const start: Start = from > 0 ? 'c' : bias ? 'bias' : 'zero';
    const tiles = tilesOn(memory, { ...strides, k: Math.min(SLICE, shape.k - from), start });
    if (!tiles) return null;
    slices.push({ from, tiles });
  }
  const rowBytes = 4 * shape.lda;
  const outRowBytes = 4 * shape.ldc;
  return (a, b, c, biasAt, m) => {
    const full = m - (m % MAX_ROWS);
    for (const { from, tiles } of slices) {
      const aFrom = a + 4 * from;
      const bFrom = b + 4 * from * shape.ldb;
      if (full > 0) tiles.m4(aFrom, bFrom, c, biasAt, full);
      if (m > full) tiles[`m${m - full}`](aFrom + full * rowBytes, bFrom, c + full * outRowBytes, biasAt, m - full);
    }
  };
}
