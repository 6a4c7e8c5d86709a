import { flushSubnormalCode } from './subnormal';
import { elementwiseLoops, F32, frame, I32, instantiateOn, op, V128, type AsmFunction, type WasmMemory } from './wasm-asm';

/*
 * Keras 3's SGD step with momentum as hand-assembled wasm SIMD functions on the wasm backend's own
 * memory, four floats a turn, then the scalar tail (as rmsprop-simd.ts does for RMSprop):
 *
 * (func (export "sgdMomentum" | "sgdNesterov") (param $w $g $m $wOut $mOut i32) (param $n i32)
 *       (param $lr $momentum f32)
 *   gl = g[i] * lr
 *   mi = flushSubnormal(m[i] * momentum - gl);   mOut[i] = mi   (see subnormal.ts)
 *   wOut[i] = w[i] + mi                          (sgdMomentum)
 *   wOut[i] = w[i] + (mi * momentum - gl)        (sgdNesterov)
 */

const SGD = frame(
  [[I32, ['w', 'g', 'm', 'wOut', 'mOut', 'n']], [F32, ['lr', 'momentum']]],
  [
    [I32, ['i', 'end']],
    // g * lr and the new moment: v128 for the SIMD turns, f32 for the tail; the splatted scalars.
    [V128, ['glV', 'mV', 'lrV', 'momentumV']],
    [F32, ['glS', 'mS']],
  ],
);
const $ = SGD.slot;

/** One turn of the loop: four floats (SIMD) or one (the tail). */
function turn(lanes: 4 | 1, nesterov: boolean): number[] {
  const v = lanes === 4;
  const [load, store, add, sub, mul] = v
    ? [op.v128Load(), op.v128Store(), op.f32x4Add, op.f32x4Sub, op.f32x4Mul]
    : [op.f32Load(), op.f32Store(), op.f32Add, op.f32Sub, op.f32Mul];
  const [gl, m, lr, momentum] = v ? [$.glV, $.mV, $.lrV, $.momentumV] : [$.glS, $.mS, $.lr, $.momentum];
  const at = (base: number) => [...op.get(base), ...op.get($.i), ...op.i32Add];
  const step = nesterov ? [...op.get(m), ...op.get(momentum), ...mul, ...op.get(gl), ...sub] : op.get(m);
  return [
    ...at($.g), ...load, ...op.get(lr), ...mul, ...op.set(gl),
    ...at($.m), ...load, ...op.get(momentum), ...mul, ...op.get(gl), ...sub, ...op.set(m),
    ...flushSubnormalCode(m, lanes),
    ...at($.mOut), ...op.get(m), ...store,
    ...at($.wOut), ...at($.w), ...load, ...step, ...add, ...store,
  ];
}

function sgdFunction(nesterov: boolean): AsmFunction {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f32x4Splat, ...op.set(to)];
  return {
    name: nesterov ? 'sgdNesterov' : 'sgdMomentum',
    params: SGD.params,
    locals: SGD.locals,
    code: [
      ...splat($.lr, $.lrV), ...splat($.momentum, $.momentumV),
      ...elementwiseLoops($.n, $.i, $.end, (lanes) => turn(lanes, nesterov)),
    ],
  };
}

export type SgdMomentumSimd = (w: number, g: number, m: number, wOut: number, mOut: number, n: number, lr: number, momentum: number) => void;

const instances = new WeakMap<WasmMemory, { sgdMomentum: SgdMomentumSimd; sgdNesterov: SgdMomentumSimd } | null>();

/** The SIMD SGD-with-momentum functions bound to `memory`, or null where wasm SIMD is unavailable. */
export function sgdMomentumSimdOn(memory: WasmMemory): { sgdMomentum: SgdMomentumSimd; sgdNesterov: SgdMomentumSimd } | null {
  return instantiateOn(instances, memory, () => [sgdFunction(false), sgdFunction(true)]);
}
