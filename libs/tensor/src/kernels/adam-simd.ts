import { flushSubnormalCode } from './subnormal';
import { elementwiseLoops, F32, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * The Adam update as a hand-assembled wasm SIMD function run on the wasm backend's own memory (the
 * module imports it), four floats a turn: a JS loop over the same arrays is several times slower.
 *
 * (func (export "adam") (param $w $g $m $v $wOut $mOut $vOut i32) (param $n i32)
 *       (param $alpha $c1 $c2 $eps f32)          ;; c1 = 1 - beta1, c2 = 1 - beta2
 *   for i in 0..n step 4 (SIMD, f32x4.splat of the scalars), then the scalar tail:
 *     mi = flushSubnormal(m[i] + (g[i] - m[i]) * c1);          mOut[i] = mi   (see subnormal.ts)
 *     vi = flushSubnormal(v[i] + (g[i] * g[i] - v[i]) * c2);   vOut[i] = vi
 *     wOut[i] = w[i] - (mi * alpha) / (sqrt(vi) + eps))
 */

// Params 0-6: byte offsets of w, g, m, v, wOut, mOut, vOut; 7: n; 8-11: alpha, c1, c2, eps.
const [W, G, M, V, W_OUT, M_OUT, V_OUT, N, ALPHA, C1, C2, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// Locals: i, end (i32); gi, mi, vi (v128 for the SIMD loop, f32 for the tail); the splatted scalars (v128).
const [I, END, GV, MV, VV, GS, MS, VS, ALPHA4, C14, C24, EPS4] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1): number[] {
  const v = lanes === 4;
  const [load, store, add, sub, mul, div, sqrt] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, m, vv] = v ? [GV, MV, VV] : [GS, MS, VS];
  const [alpha, c1, c2, eps] = v ? [ALPHA4, C14, C24, EPS4] : [ALPHA, C1, C2, EPS];
  const at = (base: number) => [...op.get(base), ...op.get(I), ...op.i32Add];
  return [
    ...at(G), ...load, ...op.set(g),
    ...at(M), ...load, ...op.get(g), ...at(M), ...load, ...sub, ...op.get(c1), ...mul, ...add, ...op.set(m),
    ...flushSubnormalCode(m, lanes),
    ...at(M_OUT), ...op.get(m), ...store,
    ...at(V), ...load, ...op.get(g), ...op.get(g), ...mul, ...at(V), ...load, ...sub, ...op.get(c2), ...mul, ...add, ...op.set(vv),
    ...flushSubnormalCode(vv, lanes),
    ...at(V_OUT), ...op.get(vv), ...store,
    ...at(W_OUT), ...at(W), ...load, ...op.get(m), ...op.get(alpha), ...mul, ...op.get(vv), ...sqrt, ...op.get(eps), ...add, ...div, ...sub, ...store,
  ];
}

function adamFunction(): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: 'adam',
    params: [...Array(8).fill(I32), ...Array(4).fill(F32)],
    locals: [I32, I32, V128, V128, V128, F32, F32, F32, V128, V128, V128, V128],
    code: [
      ...splat(ALPHA, ALPHA4), ...splat(C1, C14), ...splat(C2, C24), ...splat(EPS, EPS4),
      ...elementwiseLoops(N, I, END, turn),
    ],
  };
}

export type AdamSimd = (
  w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, n: number,
  alpha: number, c1: number, c2: number, eps: number,
) => void;

const instances = new WeakMap<WasmMemory, { adam: AdamSimd } | null>();

/** The SIMD Adam function bound to `memory`, or null where wasm SIMD is unavailable. */
export function adamSimdOn(memory: WasmMemory): AdamSimd | null {
  return instantiateOn(instances, memory, () => [adamFunction()])?.adam ?? null;
}
