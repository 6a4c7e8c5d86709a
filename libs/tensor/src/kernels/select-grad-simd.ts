import { countedLoop, elementwiseLoops, I32, instantiateOn, op, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * Two gradients that pass dy where a condition holds and 0 elsewhere, as hand-assembled wasm SIMD
 * on the wasm backend's memory (a lane mask and-ed with dy; a scalar select for the tail):
 *   reluGrad(dy, y, out, n):      out = y > 0 ? dy : 0            (relu, from its output)
 *   maxGrad(x, y, dy, out, rows, steps, channels):
 *     out[r, t, c] = x[r, t, c] == y[r, c] ? dy[r, c] : 0          (max over the middle axis; every
 *     position equal to the max gets dy, as tfjs's Max gradient gives it)
 * As tf ops each is 2-4 kernels over the whole tensor; the broadcast Equal alone costs most.
 * Byte offsets; counts in floats.
 */

type Lanes = 4 | 1;

/** out <- cond(lhs, rhs) ? dy : 0 for one v128 or one float; every argument is code leaving an address or a value. */
function maskedPass(lanes: Lanes, p: { out: number[]; dy: number[]; lhs: number[]; rhs: number[]; cond: number[] }): number[] {
  return lanes === 4
    ? [...p.out, ...p.dy, ...op.v128Load(), ...p.lhs, ...p.rhs, ...p.cond, ...op.v128And, ...op.v128Store()]
    : [...p.out, ...p.dy, ...op.f32Load(), ...op.f32(0), ...p.lhs, ...p.rhs, ...p.cond, ...op.select, ...op.f32Store()];
}

const plus = (...locals: number[]) => locals.flatMap((l, i) => (i === 0 ? op.get(l) : [...op.get(l), ...op.i32Add]));
const load = (lanes: Lanes) => (lanes === 4 ? op.v128Load() : op.f32Load());

function reluGradFunction(): AsmFunction {
  const [DY, Y, OUT, N, I, END] = [0, 1, 2, 3, 4, 5];
  const pass = (lanes: Lanes) =>
    maskedPass(lanes, {
      out: plus(OUT, I),
      dy: plus(DY, I),
      lhs: [...plus(Y, I), ...load(lanes)],
      rhs: lanes === 4 ? op.v128Zero : op.f32(0),
      cond: lanes === 4 ? op.f32x4Gt : op.f32Gt,
    });
  return {
    name: 'reluGrad',
    params: [I32, I32, I32, I32],
    locals: [I32, I32],
    code: elementwiseLoops(N, I, END, pass),
  };
}

function maxGradFunction(): AsmFunction {
  const [X, Y, DY, OUT, ROWS, STEPS, CHANNELS] = [0, 1, 2, 3, 4, 5, 6];
  // ROW_X: byte offset of the current [r, t] row in x and out; ROW_Y: of row r in y and dy.
  const [R, T, C, C4_END, C_END, ROW_X, ROW_Y] = [7, 8, 9, 10, 11, 12, 13];
  const pass = (lanes: Lanes) =>
    maskedPass(lanes, {
      out: plus(OUT, ROW_X, C),
      dy: plus(DY, ROW_Y, C),
      lhs: [...plus(X, ROW_X, C), ...load(lanes)],
      rhs: [...plus(Y, ROW_Y, C), ...load(lanes)],
      cond: lanes === 4 ? op.f32x4Eq : op.f32Eq,
    });
  const oneStep = [
    ...op.i32(0), ...op.set(C),
    ...countedLoop(C, C4_END, 16, pass(4)),
    ...countedLoop(C, C_END, 4, pass(1)),
    ...plus(ROW_X, C_END), ...op.set(ROW_X),
  ];
  const oneRow = [...op.i32(0), ...op.set(T), ...countedLoop(T, STEPS, 1, oneStep), ...plus(ROW_Y, C_END), ...op.set(ROW_Y)];
  return {
    name: 'maxGrad',
    params: Array(7).fill(I32),
    locals: Array(7).fill(I32),
    code: [
      ...op.get(CHANNELS), ...op.i32(-4), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(C4_END),
      ...op.get(CHANNELS), ...op.i32(2), ...op.i32Shl, ...op.set(C_END),
      ...countedLoop(R, ROWS, 1, oneRow),
    ],
  };
}

export interface SelectGradSimd {
  reluGrad(dy: number, y: number, out: number, n: number): void;
  maxGrad(x: number, y: number, dy: number, out: number, rows: number, steps: number, channels: number): void;
}

const instances = new WeakMap<WasmMemory, SelectGradSimd | null>();

/** The SIMD functions bound to `memory`, or null where wasm SIMD is unavailable. */
export function selectGradSimdOn(memory: WasmMemory): SelectGradSimd | null {
  return instantiateOn(instances, memory, () => [reluGradFunction(), maxGradFunction()]);
}
