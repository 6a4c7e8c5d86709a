import { flushSubnormalCode } from './subnormal';
import { elementwiseLoops, F32, frame, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * Keras 3's Adadelta step as a hand-assembled wasm SIMD function on the wasm backend's own memory,
 * four floats a turn, then the scalar tail (as rmsprop-simd.ts does for RMSprop):
 *
 * (func (export "adadelta") (param $w $g $accGrad $accDelta $wOut $accGradOut $accDeltaOut i32) (param $n i32)
 *       (param $lr $rho $c $eps f32)                 ;; c = 1 - rho
 *   ag = flushSubnormal(accGrad[i] * rho + (g[i] * g[i]) * c);            accGradOut[i] = ag
 *   delta = -((g[i] * sqrt(accDelta[i] + eps)) / sqrt(ag + eps))
 *   accDeltaOut[i] = flushSubnormal(accDelta[i] * rho + (delta * delta) * c)
 *   wOut[i] = w[i] + delta * lr
 */

const ADADELTA = frame(
  [[I32, ['w', 'g', 'accGrad', 'accDelta', 'wOut', 'accGradOut', 'accDeltaOut', 'n']], [F32, ['lr', 'rho', 'c', 'eps']]],
  [
    [I32, ['i', 'end']],
    // g, accDelta, the new accGrad, delta and the new accDelta: v128 for the SIMD turns, f32 for the tail; the splatted scalars.
    [V128, ['gV', 'adV', 'agV', 'deltaV', 'adOutV', 'lrV', 'rhoV', 'cV', 'epsV']],
    [F32, ['gS', 'adS', 'agS', 'deltaS', 'adOutS']],
  ],
);
const $ = ADADELTA.slot;

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1): number[] {
  const v = lanes === 4;
  const [load, store, add, mul, div, sqrt, neg] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt, op.f32x4Neg]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Mul, op.f32Div, op.f32Sqrt, op.f32Neg];
  const [g, ad, ag, delta, adOut] = v ? [$.gV, $.adV, $.agV, $.deltaV, $.adOutV] : [$.gS, $.adS, $.agS, $.deltaS, $.adOutS];
  const [lr, rho, c, eps] = v ? [$.lrV, $.rhoV, $.cV, $.epsV] : [$.lr, $.rho, $.c, $.eps];
  const at = (base: number) => [...op.get(base), ...op.get($.i), ...op.i32Add];
  const rms = (local: number) => [...op.get(local), ...op.get(eps), ...add, ...sqrt];
  // x * rho + (y * y) * c, x and y locals
  const decayed = (x: number, y: number) => [...op.get(x), ...op.get(rho), ...mul, ...op.get(y), ...op.get(y), ...mul, ...op.get(c), ...mul, ...add];
  return [
    ...at($.g), ...load, ...op.set(g),
    ...at($.accDelta), ...load, ...op.set(ad),
    ...at($.accGrad), ...load, ...op.get(rho), ...mul, ...op.get(g), ...op.get(g), ...mul, ...op.get(c), ...mul, ...add, ...op.set(ag),
    ...flushSubnormalCode(ag, lanes),
    ...at($.accGradOut), ...op.get(ag), ...store,
    ...op.get(g), ...rms(ad), ...mul, ...rms(ag), ...div, ...neg, ...op.set(delta),
    ...decayed(ad, delta), ...op.set(adOut),
    ...flushSubnormalCode(adOut, lanes),
    ...at($.accDeltaOut), ...op.get(adOut), ...store,
    ...at($.wOut), ...at($.w), ...load, ...op.get(delta), ...op.get(lr), ...mul, ...add, ...store,
  ];
}

function adadeltaFunction(): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: 'adadelta',
    params: ADADELTA.params,
    locals: ADADELTA.locals,
    code: [
      ...splat($.lr, $.lrV), ...splat($.rho, $.rhoV), ...splat($.c, $.cV), ...splat($.eps, $.epsV),
      ...elementwiseLoops($.n, $.i, $.end, turn),
    ],
  };
}

/** Byte offsets of w, g, accGrad, accDelta, wOut, accGradOut, accDeltaOut, then n, lr, rho, 1 - rho, epsilon. */
export type AdadeltaSimd = (
  w: number, g: number, accGrad: number, accDelta: number, wOut: number, accGradOut: number, accDeltaOut: number, n: number,
  lr: number, rho: number, c: number, eps: number,
) => void;

const instances = new WeakMap<WasmMemory, { adadelta: AdadeltaSimd } | null>();

/** The SIMD Adadelta function bound to `memory`, or null where wasm SIMD is unavailable. */
export function adadeltaSimdOn(memory: WasmMemory): AdadeltaSimd | null {
  return instantiateOn(instances, memory, () => [adadeltaFunction()])?.adadelta ?? null;
}
