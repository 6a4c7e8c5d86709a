import { flushSubnormalCode } from './subnormal';
import { elementwiseLoops, F32, frame, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * The RMSprop update (not centered) as hand-assembled wasm SIMD functions run on the wasm
 * backend's own memory, four floats a turn, as adam-simd.ts does for Adam (a JS loop over the same
 * arrays is slower than tfjs's separate SIMD ops):
 *
 * (func (export "rmsprop" | "rmspropMomentum") (param $w $g $v $m $wOut $vOut $mOut i32) (param $n i32)
 *       (param $lr $rho $c $eps $momentum f32)    ;; c = 1 - rho; m, mOut and momentum unused by "rmsprop"
 *   for i in 0..n step 4 (SIMD, f32x4.splat of the scalars), then the scalar tail:
 *     vi = flushSubnormal(v[i] * rho + (g[i] * g[i]) * c);   vOut[i] = vi   (see subnormal.ts)
 *     step = (g[i] * lr) / sqrt(vi + eps)
 *     rmsprop:          wOut[i] = w[i] - step
 *     rmspropMomentum:  mi = flushSubnormal(m[i] * momentum + step);  mOut[i] = mi;  wOut[i] = w[i] - mi
 */

const RMSPROP = frame(
  [[I32, ['w', 'g', 'v', 'm', 'wOut', 'vOut', 'mOut', 'n']], [F32, ['lr', 'rho', 'c', 'eps', 'momentum']]],
  [
    [I32, ['i', 'end']],
    // g, the new v and the new m: v128 for the SIMD turns, f32 for the tail; the splatted scalars.
    [V128, ['gV', 'vV', 'mV', 'lrV', 'rhoV', 'cV', 'epsV', 'momentumV']],
    [F32, ['gS', 'vS', 'mS']],
  ],
);
const $ = RMSPROP.slot;

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1, withMomentum: boolean): number[] {
  const v = lanes === 4;
  const [load, store, add, sub, mul, div, sqrt] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, vv, m] = v ? [$.gV, $.vV, $.mV] : [$.gS, $.vS, $.mS];
  const [lr, rho, c, eps, momentum] = v ? [$.lrV, $.rhoV, $.cV, $.epsV, $.momentumV] : [$.lr, $.rho, $.c, $.eps, $.momentum];
  const at = (base: number) => [...op.get(base), ...op.get($.i), ...op.i32Add];
  const step = [...op.get(g), ...op.get(lr), ...mul, ...op.get(vv), ...op.get(eps), ...add, ...sqrt, ...div];
  const update = withMomentum
    ? [
        ...at($.m), ...load, ...op.get(momentum), ...mul, ...step, ...add, ...op.set(m),
        ...flushSubnormalCode(m, lanes),
        ...at($.mOut), ...op.get(m), ...store,
        ...at($.wOut), ...at($.w), ...load, ...op.get(m), ...sub, ...store,
      ]
    : [...at($.wOut), ...at($.w), ...load, ...step, ...sub, ...store];
  return [
    ...at($.g), ...load, ...op.set(g),
    ...at($.v), ...load, ...op.get(rho), ...mul, ...op.get(g), ...op.get(g), ...mul, ...op.get(c), ...mul, ...add, ...op.set(vv),
    ...flushSubnormalCode(vv, lanes),
    ...at($.vOut), ...op.get(vv), ...store,
    ...update,
  ];
}

function rmspropFunction(withMomentum: boolean): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: withMomentum ? 'rmspropMomentum' : 'rmsprop',
    params: RMSPROP.params,
    locals: RMSPROP.locals,
    code: [
      ...splat($.lr, $.lrV), ...splat($.rho, $.rhoV), ...splat($.c, $.cV), ...splat($.eps, $.epsV), ...splat($.momentum, $.momentumV),
      ...elementwiseLoops($.n, $.i, $.end, (lanes) => turn(lanes, withMomentum)),
    ],
  };
}

/** Byte offsets of w, g, v, m, wOut, vOut, mOut (m and mOut 0 without momentum), then n, lr, rho, 1 - rho, epsilon, momentum. */
export type RMSpropSimd = (
  w: number, g: number, v: number, m: number, wOut: number, vOut: number, mOut: number, n: number,
  lr: number, rho: number, c: number, eps: number, momentum: number,
) => void;

const instances = new WeakMap<WasmMemory, { rmsprop: RMSpropSimd; rmspropMomentum: RMSpropSimd } | null>();

/** The SIMD RMSprop functions bound to `memory`, or null where wasm SIMD is unavailable. */
export function rmspropSimdOn(memory: WasmMemory): { rmsprop: RMSpropSimd; rmspropMomentum: RMSpropSimd } | null {
  return instantiateOn(instances, memory, () => [rmspropFunction(false), rmspropFunction(true)]);
}
