import * as tf from '@tensorflow/tfjs-core';

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** Throws, naming `what` and the worst element, unless |a - b| <= atol + rtol * |b| everywhere. */
export function assertClose(actual: tf.Tensor, expected: tf.Tensor, tol: Tolerance, what: string): void {
  const { rtol = 1e-5, atol = 1e-5 } = tol;
  if (!tf.util.arraysEqual(actual.shape, expected.shape)) {
    throw new Error(`${what}: shape [${actual.shape}] differs from the expected [${expected.shape}]`);
  }
  const a = actual.dataSync();
  const b = expected.dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const excess = diff - (atol + rtol * Math.abs(b[i]));
    if (excess > worstExcess || (Number.isNaN(diff) && !(Number.isNaN(a[i]) && Number.isNaN(b[i])))) {
      worstExcess = Number.isNaN(diff) ? Infinity : excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${a[worst]}, expected ${b[worst]} (atol ${atol}, rtol ${rtol}, shape [${actual.shape}])`,
    );
  }
}
