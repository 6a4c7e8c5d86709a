import { flushSubnormalCode } from './subnormal';
import { countedLoop, F32, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * The RMSprop update (not centered, no momentum) as a hand-assembled wasm SIMD function run on the
 * wasm backend's own memory, four floats a turn, as adam-simd.ts does for Adam (a JS loop over the
 * same arrays is slower than tfjs's separate SIMD ops):
 *
 * (func (export "rmsprop") (param $w $g $v $wOut $vOut i32) (param $n i32)
 *       (param $lr $rho $c $eps f32)              ;; c = 1 - rho
 *   for i in 0..n step 4 (SIMD, f32x4.splat of the scalars), then the scalar tail:
 *     vi = flushSubnormal(v[i] * rho + (g[i] * g[i]) * c);   vOut[i] = vi   (see subnormal.ts)
 *     wOut[i] = w[i] - (g[i] * lr) / sqrt(vi + eps)
 */

// Params 0-4: byte offsets of w, g, v, wOut, vOut; 5: n; 6-9: lr, rho, c, eps.
const [W, G, V, W_OUT, V_OUT, N, LR, RHO, C, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Locals: i, end (i32); gi, vi (v128 for the SIMD loop, f32 for the tail); the splatted scalars (v128).
const [I, END, GV, VV, GS, VS, LR4, RHO4, C4, EPS4] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1): number[] {
  const v = lanes === 4;
  const [load, store, add, sub, mul, div, sqrt] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, vv] = v ? [GV, VV] : [GS, VS];
  const [lr, rho, c, eps] = v ? [LR4, RHO4, C4, EPS4] : [LR, RHO, C, EPS];
  const at = (base: number) => [...op.get(base), ...op.get(I), ...op.i32Add];
  return [
    ...at(G), ...load, ...op.set(g),
    ...at(V), ...load, ...op.get(rho), ...mul, ...op.get(g), ...op.get(g), ...mul, ...op.get(c), ...mul, ...add, ...op.set(vv),
    ...flushSubnormalCode(vv, lanes),
    ...at(V_OUT), ...op.get(vv), ...store,
    ...at(W_OUT), ...at(W), ...load, ...op.get(g), ...op.get(lr), ...mul, ...op.get(vv), ...op.get(eps), ...add, ...sqrt, ...div, ...sub, ...store,
  ];
}

/** end = (n & mask) * 4 bytes */
const setEnd = (mask: number) => [...op.get(N), ...op.i32(mask), ...op.i32And, ...op.i32(2), ...op.i32Shl, ...op.set(END)];

function rmspropFunction(): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: 'rmsprop',
    params: [...Array(6).fill(I32), ...Array(4).fill(F32)],
    locals: [I32, I32, V128, V128, F32, F32, V128, V128, V128, V128],
    code: [
      ...splat(LR, LR4), ...splat(RHO, RHO4), ...splat(C, C4), ...splat(EPS, EPS4),
      ...setEnd(-4), ...countedLoop(I, END, 16, turn(4)),
      ...setEnd(-1), ...countedLoop(I, END, 4, turn(1)),
    ],
  };
}

export type RMSpropSimd = (w: number, g: number, v: number, wOut: number, vOut: number, n: number, lr: number, rho: number, c: number, eps: number) => void;

const instances = new WeakMap<WasmMemory, { rmsprop: RMSpropSimd } | null>();

/** The SIMD RMSprop function bound to `memory`, or null where wasm SIMD is unavailable. */
export function rmspropSimdOn(memory: WasmMemory): RMSpropSimd | null {
  return instantiateOn(instances, memory, () => [rmspropFunction()])?.rmsprop ?? null;
}
