import { elementwiseLoops, F32, frame, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * Keras 3's Adagrad step as a hand-assembled wasm SIMD function on the wasm backend's own memory,
 * four floats a turn, then the scalar tail (as rmsprop-simd.ts does for RMSprop). The accumulator
 * only grows, so it never turns subnormal: nothing to flush.
 *
 * (func (export "adagrad") (param $w $g $acc $wOut $accOut i32) (param $n i32) (param $lr $eps f32)
 *   a = acc[i] + g[i] * g[i];                    accOut[i] = a
 *   wOut[i] = w[i] - (g[i] * lr) / sqrt(a + eps)
 */

const ADAGRAD = frame(
  [[I32, ['w', 'g', 'acc', 'wOut', 'accOut', 'n']], [F32, ['lr', 'eps']]],
  [
    [I32, ['i', 'end']],
    // g and the new accumulator: v128 for the SIMD turns, f32 for the tail; the splatted scalars.
    [V128, ['gV', 'aV', 'lrV', 'epsV']],
    [F32, ['gS', 'aS']],
  ],
);
const $ = ADAGRAD.slot;

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1): number[] {
  const v = lanes === 4;
  const [load, store, add, sub, mul, div, sqrt] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, a] = v ? [$.gV, $.aV] : [$.gS, $.aS];
  const [lr, eps] = v ? [$.lrV, $.epsV] : [$.lr, $.eps];
  const at = (base: number) => [...op.get(base), ...op.get($.i), ...op.i32Add];
  return [
    ...at($.g), ...load, ...op.set(g),
    ...at($.acc), ...load, ...op.get(g), ...op.get(g), ...mul, ...add, ...op.set(a),
    ...at($.accOut), ...op.get(a), ...store,
    ...at($.wOut), ...at($.w), ...load, ...op.get(g), ...op.get(lr), ...mul, ...op.get(a), ...op.get(eps), ...add, ...sqrt, ...div, ...sub, ...store,
  ];
}

function adagradFunction(): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: 'adagrad',
    params: ADAGRAD.params,
    locals: ADAGRAD.locals,
    code: [...splat($.lr, $.lrV), ...splat($.eps, $.epsV), ...elementwiseLoops($.n, $.i, $.end, turn)],
  };
}

/** Byte offsets of w, g, acc, wOut, accOut, then n, lr, epsilon. */
export type AdagradSimd = (w: number, g: number, acc: number, wOut: number, accOut: number, n: number, lr: number, eps: number) => void;

const instances = new WeakMap<WasmMemory, { adagrad: AdagradSimd } | null>();

/** The SIMD Adagrad function bound to `memory`, or null where wasm SIMD is unavailable. */
export function adagradSimdOn(memory: WasmMemory): AdagradSimd | null {
  return instantiateOn(instances, memory, () => [adagradFunction()])?.adagrad ?? null;
}
