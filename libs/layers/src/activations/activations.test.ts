import { initBackend, tf } from '@weft/tensor';
import { getActivation, serializeActivation, registerActivation } from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const xs = [-3.5, -1, -0.2, 0, 0.3, 1, 2.5, 7];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
// Abramowitz-Stegun 7.1.26 is too coarse for 1e-6; integrate erf numerically instead.
const erf = (x: number) => {
  const n = 2000;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = ((i + 0.5) / n) * x;
    s += Math.exp(-t * t);
  }
  return ((2 / Math.sqrt(Math.PI)) * s * x) / n;
};
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const expected: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  tanh: Math.tanh,
  sigmoid: sig,
  hard_sigmoid: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
  softplus: (x) => Math.log1p(Math.exp(x)),
  softsign: (x) => x / (1 + Math.abs(x)),
  swish: (x) => x * sig(x),
  silu: (x) => x * sig(x),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  exponential: Math.exp,
};

describe('activations', () => {
  it.each(Object.keys(expected))('%s matches its definition element-wise', (name) => {
    const y = getActivation(name).apply(tf.tensor1d(xs));
    const got = Array.from(y.dataSync());
    xs.forEach((x, i) => {
      const want = expected[name](x);
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
    });
  });

  it('softmax and logSoftmax act over the last axis', () => {
    const x = tf.tensor2d([[1, 2, 3], [0, 0, -1000]]);
    const sm = getActivation('softmax').apply(x).arraySync() as number[][];
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(sm[0][2]).toBeCloseTo(Math.exp(3) / z, 6);
    expect(sm[1]).toEqual([0.5, 0.5, 0]);
    const lsm = getActivation('log_softmax').apply(x).arraySync() as number[][];
    expect(lsm[0][0]).toBeCloseTo(1 - Math.log(z), 5);
    expect(lsm[1][2]).toBeCloseTo(-1000 - Math.log(2), 2);
  });

  it('null, undefined and linear are the identity', () => {
    const x = tf.tensor1d([1, -2]);
    expect(getActivation(null).apply(x)).toBe(x);
    expect(getActivation(undefined).name).toBe('linear');
  });

  it('serializes to {className, config} and back; custom ones register by name', () => {
    const s = serializeActivation(getActivation('hard_sigmoid'));
    expect(s).toEqual({ className: 'hardSigmoid', config: {} });
    expect(getActivation(s).name).toBe('hardSigmoid');
    registerActivation({ name: 'square', apply: (x) => tf.square(x) });
    expect(getActivation('square').apply(tf.scalar(3)).dataSync()[0]).toBe(9);
  });

  it('an unknown name lists the valid ones', () => {
    expect(() => getActivation('rellu')).toThrow(/Unknown activation: 'rellu'. Valid activation names: linear, relu, .*softmax/);
  });
});
