import { countedLoop, doWhileBelow, F32, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

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
 * 1-row tile; columns left over take a 4-column block and then scalar columns. A may be stored
 * transposed ([K, M], for weight gradients x^T dy): then a tile's four A floats are adjacent and each k
 * step moves a row down. Each C element is the products added in k order onto the bias (or 0),
 * which is the order XNNPACK sums in.
 *
 * (func $mR (param $a $b $c $bias $rows i32))   ;; byte offsets; rows a multiple of R
 */

export interface GemmShape {
  /** Inner dimension and columns of B and C (both at least 1). */
  k: number;
  n: number;
  /** Row strides of A (as stored: of A^T when transposeA), B and C, in floats. */
  lda: number;
  ldb: number;
  ldc: number;
  /** Whether the accumulators start from a bias row [N] (else from 0). */
  bias: boolean;
  /** A is stored as A^T, [K, M]. */
  transposeA?: boolean;
}

/** What a generated function's accumulators start from: 0, the bias row, or C itself (a later slice of k). */
type Start = 'zero' | 'bias' | 'c';

const [A, B, C, BIAS, ROWS, PANEL] = [0, 1, 2, 3, 4, 5];
const [J, IA, IC, PA, PB, END, A_END, J_END] = [6, 7, 8, 9, 10, 11, 12, 13];
const MAX_ROWS = 4;
// v128 locals: 2 accumulators per row of the tile, two B vectors, a splat; then the same in f32 for
// the scalar columns.
const ACC = 14;
const [B0, B1, SPLAT] = [ACC + 2 * MAX_ROWS, ACC + 2 * MAX_ROWS + 1, ACC + 2 * MAX_ROWS + 2];
const ACC_F32 = SPLAT + 1;
const [B_F32, A_F32] = [ACC_F32 + MAX_ROWS, ACC_F32 + MAX_ROWS + 1];
const LOCALS = [...Array(8).fill(I32), ...Array(2 * MAX_ROWS + 3).fill(V128), ...Array(MAX_ROWS + 2).fill(F32)];

/** Bytes between rows of A and between its successive k: A is [m, k] with row stride lda, or stored transposed ([k, m]). */
const aStrides = (shape: Pick<GemmShape, 'lda' | 'transposeA'>) => (shape.transposeA ? { row: 4, depth: 4 * shape.lda } : { row: 4 * shape.lda, depth: 4 });

/**
 * One pass over the column blocks [from, to) (bytes) of width `cols`, in tiles of `rows` rows:
 * 8 or 4 columns in v128 accumulators, or 1 in f32 ones (the last n mod 4 columns).
 */
function columnBlocks(shape: TileShape, rows: number, cols: 8 | 4 | 1, from: number, to: number): number[] {
  const scalar = cols === 1;
  const vectors = scalar ? 1 : cols / 4;
  const acc = (r: number, v: number) => (scalar ? ACC_F32 + r : ACC + vectors * r + v);
  const tile = (body: (r: number, v: number) => number[]) =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: vectors }, (_, v) => body(r, v)).flat()).flat();
  const [load, store, mul, add] = scalar
    ? [op.f32Load, op.f32Store, op.f32Mul, op.f32Add]
    : [op.v128Load, op.v128Store, op.f32x4Mul, op.f32x4Add];
  const bRegister = scalar ? [B_F32] : [B0, B1];
  const aRegister = scalar ? A_F32 : SPLAT;
  const a = aStrides(shape);
  // 8-wide blocks read B from the packed panel: block j's k rows of 8 floats, one after another.
  const packed = cols === 8;
  const kStep = [
    ...Array.from({ length: vectors }, (_, v) => [...op.get(PB), ...load(16 * v), ...op.set(bRegister[v])]).flat(),
    ...Array.from({ length: rows }, (_, r) => [
      ...op.get(PA), ...(scalar ? op.f32Load(a.row * r) : op.v128Load32Splat(a.row * r)), ...op.set(aRegister),
      ...Array.from({ length: vectors }, (_, v) => [
        ...op.get(acc(r, v)), ...op.get(aRegister), ...op.get(bRegister[v]), ...mul, ...add, ...op.set(acc(r, v)),
      ]).flat(),
    ]).flat(),
    ...op.get(PA), ...op.i32(a.depth), ...op.i32Add, ...op.set(PA),
    ...op.get(PB), ...op.i32(packed ? 32 : 4 * shape.ldb), ...op.i32Add, ...op.set(PB),
  ];
  const init = {
    zero: tile((r, v) => [...(scalar ? op.f32(0) : op.v128Zero), ...op.set(acc(r, v))]),
    bias: tile((r, v) => [...op.get(BIAS), ...op.get(J), ...op.i32Add, ...load(16 * v), ...op.set(acc(r, v))]),
    c: tile((r, v) => [...op.get(IC), ...load(4 * shape.ldc * r + 16 * v), ...op.set(acc(r, v))]),
  }[shape.start];
  const rowTile = [
    ...init,
    ...op.get(IA), ...op.set(PA),
    ...(packed ? [...op.get(PANEL), ...op.get(J), ...op.i32(shape.k), ...op.i32Mul] : [...op.get(B), ...op.get(J)]), ...op.i32Add, ...op.set(PB),
    ...op.get(IA), ...op.i32(a.depth * shape.k), ...op.i32Add, ...op.set(END),
    ...doWhileBelow(PA, END, kStep),
    ...tile((r, v) => [...op.get(IC), ...op.get(acc(r, v)), ...store(4 * shape.ldc * r + 16 * v)]),
    ...op.get(IC), ...op.i32(4 * shape.ldc * rows), ...op.i32Add, ...op.set(IC),
  ];
  const columnBlock = [
    ...op.get(A), ...op.set(IA), ...op.get(C), ...op.get(J), ...op.i32Add, ...op.set(IC),
    ...countedLoop(IA, A_END, a.row * rows, rowTile),
  ];
  return [...op.i32(from), ...op.set(J), ...op.i32(to), ...op.set(J_END), ...countedLoop(J, J_END, 4 * cols, columnBlock)];
}

/** The shape a generated function is specialised to: k is this slice's depth. */
type TileShape = Omit<GemmShape, 'bias'> & { start: Start };

function gemmFunction(shape: TileShape, rows: number): AsmFunction {
  const eights = shape.n - (shape.n % 8);
  const fours = shape.n - (shape.n % 4);
  return {
    name: `m${rows}`,
    params: [I32, I32, I32, I32, I32, I32],
    locals: LOCALS,
    code: [
      ...op.get(A), ...op.get(ROWS), ...op.i32(aStrides(shape).row), ...op.i32Mul, ...op.i32Add, ...op.set(A_END),
      ...(eights > 0 ? columnBlocks(shape, rows, 8, 0, 4 * eights) : []),
      ...(fours > eights ? columnBlocks(shape, rows, 4, 4 * eights, 4 * fours) : []),
      ...(shape.n > fours ? columnBlocks(shape, rows, 1, 4 * fours, 4 * shape.n) : []),
    ],
  };
}

/**
 * Copies B's 8-wide column blocks into a panel, block after block, each as k rows of 8 floats, so
 * that the k loop reads B contiguously. Read in place, a block's rows sit B's row stride apart; at
 * strides of 2 and 4 KB they share L1 sets and evict each other.
 */
function packFunction(shape: TileShape): AsmFunction {
  const [SRC, DST, DST_END] = [A_END, PA, END];
  const eights = shape.n - (shape.n % 8);
  const copy = [
    ...op.get(DST), ...op.get(SRC), ...op.v128Load(), ...op.v128Store(),
    ...op.get(DST), ...op.get(SRC), ...op.v128Load(16), ...op.v128Store(16),
    ...op.get(SRC), ...op.i32(4 * shape.ldb), ...op.i32Add, ...op.set(SRC),
    ...op.get(DST), ...op.i32(32), ...op.i32Add, ...op.set(DST),
  ];
  const block = [
    ...op.get(B), ...op.get(J), ...op.i32Add, ...op.set(SRC),
    ...op.get(PANEL), ...op.get(J), ...op.i32(shape.k), ...op.i32Mul, ...op.i32Add, ...op.tee(DST),
    ...op.i32(32 * shape.k), ...op.i32Add, ...op.set(DST_END),
    ...doWhileBelow(DST, DST_END, copy),
  ];
  return {
    name: 'pack',
    params: [I32, I32, I32, I32, I32, I32],
    locals: LOCALS,
    code: [...op.i32(4 * eights), ...op.set(J_END), ...countedLoop(J, J_END, 32, block)],
  };
}

type TileFunction = (a: number, b: number, c: number, bias: number, rows: number, panel: number) => void;

/** The matmul for one shape; every address is a byte offset on the memory. */
export interface Gemm {
  /** Bytes of scratch the packed B takes (k x the multiple of 8 in n, floats); 0 when n < 8. */
  readonly panelBytes: number;
  /** Packs B into `panel` (panelBytes, 16-byte aligned); once per B, before run. */
  pack(b: number, panel: number): void;
  /** C[m, n] = A[m, k] B[k, n] (+ bias; 0 when the shape has none), with `panel` holding pack(b). */
  run(a: number, b: number, c: number, bias: number, m: number, panel: number): void;
}

/**
 * Depth of one pass over C. Deeper products go in slices, each adding onto C (the same additions in
 * the same order), so that a column panel of B (SLICE x 8 floats) and a slice of A's rows stay in cache.
 */
const SLICE = 256;

const modules = new Map<string, WeakMap<WasmMemory, Record<string, TileFunction> | null>>();

/** Whether gemmOn takes this shape. */
export const gemmSupports = (shape: Pick<GemmShape, 'k' | 'n'>): boolean => shape.k >= 1 && shape.n >= 1;

function tilesOn(memory: WasmMemory, shape: TileShape): Record<string, TileFunction> | null {
  const key = JSON.stringify(shape);
  if (!modules.has(key)) modules.set(key, new WeakMap());
  return instantiateOn(modules.get(key)!, memory, () => [...[1, 2, 3, 4].map((rows) => gemmFunction(shape, rows)), packFunction(shape)]);
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
  const a = aStrides(shape);
  const outRowBytes = 4 * shape.ldc;
  const eights = shape.n - (shape.n % 8);
  // Each slice's panel follows the previous one.
  const panelAt = (panel: number, from: number) => panel + 4 * from * eights;
  return {
    panelBytes: 4 * shape.k * eights,
    pack(b, panel) {
      for (const { from, tiles } of slices) tiles.pack(0, b + 4 * from * shape.ldb, 0, 0, 0, panelAt(panel, from));
    },
    run(aAt, b, c, biasAt, m, panel) {
      const full = m - (m % MAX_ROWS);
      for (const { from, tiles } of slices) {
        const aFrom = aAt + a.depth * from;
        const bFrom = b + 4 * from * shape.ldb;
        const slicePanel = panelAt(panel, from);
        if (full > 0) tiles.m4(aFrom, bFrom, c, biasAt, full, slicePanel);
        if (m > full) tiles[`m${m - full}`](aFrom + full * a.row, bFrom, c + full * outRowBytes, biasAt, m - full, slicePanel);
      }
    },
  };
}
