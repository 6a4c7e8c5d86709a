import { op } from './wasm-asm';

/*
 * Optimizer state flushed to zero where it turns subnormal (|x| < 2^-126, "denormal"), by the
 * fused Adam, RMSprop, SGD-momentum and Adadelta updates.
 *
 * A moment or velocity whose gradient stays 0 (an input pixel that is always 0, an embedding row no
 * batch touches) decays by beta or rho at every step and turns subnormal after some hundreds of
 * steps. x86 computes on subnormals an order of magnitude slower, and wasm gives no
 * flush-to-zero mode: measured, the RMSprop pass over the MLP's 784x512 weight took 4.1 ms with
 * subnormal velocities against 0.44 ms with normal ones, and the MLP's whole optimizer step rose
 * from 0.7 to 6 ms after about 650 steps. TensorFlow runs its CPU kernels with flush-to-zero and
 * denormals-are-zero set (port::ScopedFlushDenormal), so its Keras state never holds one either.
 *
 * The weights keep their bits wherever epsilon is not itself near 2^-126: sqrt(v + epsilon) and
 * sqrt(v) + epsilon round to the same float for a subnormal v and for 0, and a subnormal moment
 * moves only a weight within about 1e-28 of zero.
 */

/** The smallest normal float32, 2^-126: anything smaller in magnitude (but 0) is subnormal. */
export const SMALLEST_NORMAL_F32 = 2 ** -126;

/** x, or +0 where x is subnormal (NaN and infinities pass). */
export const flushSubnormal = (x: number): number => (Math.abs(x) < SMALLEST_NORMAL_F32 ? 0 : x);

/**
 * Wasm code that does flushSubnormal on a local: a v128 of four floats (lanes 4) or one f32 (lanes
 * 1). A lane is cleared where |x| < 2^-126, which is false for NaN, so NaN passes.
 */
export function flushSubnormalCode(local: number, lanes: 4 | 1): number[] {
  if (lanes === 4) {
    return [...op.get(local), ...op.get(local), ...op.f32x4Abs, ...op.f32x4Const(SMALLEST_NORMAL_F32), ...op.f32x4Lt, ...op.v128Andnot, ...op.set(local)];
  }
  // select(0, x, |x| < min)
  return [...op.f32(0), ...op.get(local), ...op.get(local), ...op.f32Abs, ...op.f32(SMALLEST_NORMAL_F32), ...op.f32Lt, ...op.select, ...op.set(local)];
}
