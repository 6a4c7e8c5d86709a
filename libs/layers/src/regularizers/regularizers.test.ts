import { initBackend, tf } from '@weft/tensor';
import { getRegularizer, l1, l1l2, l2, serializeRegularizer } from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const w = () => tf.tensor2d([[1, -2], [0.5, -3]]);
// sum|w| = 6.5, sum w^2 = 14.25

describe('regularizers', () => {
  it('compute Keras penalties (l2 without a 1/2 factor)', () => {
    expect(l1(0.1).apply(w()).dataSync()[0]).toBeCloseTo(0.65, 6);
    expect(l2(0.01).apply(w()).dataSync()[0]).toBeCloseTo(0.1425, 6);
    expect(l1l2({ l1: 0.1, l2: 0.01 }).apply(w()).dataSync()[0]).toBeCloseTo(0.7925, 6);
    expect(getRegularizer('l2').apply(w()).dataSync()[0]).toBeCloseTo(0.1425, 6);
    expect(getRegularizer('l1_l2').apply(w()).dataSync()[0]).toBe(0);
  });

  it('round-trip through {className, config}', () => {
    const s = serializeRegularizer(l1l2({ l1: 0.2, l2: 0.3 }));
    expect(s).toEqual({ className: 'L1L2', config: { l1: 0.2, l2: 0.3 } });
    expect(serializeRegularizer(getRegularizer(s))).toEqual(s);
    expect(serializeRegularizer(l2(0.5))).toEqual({ className: 'L2', config: { l2: 0.5 } });
  });

  it('reject bad factors and unknown names', () => {
    expect(() => l2(-1)).toThrow('l2 must be a non-negative number. Received: l2=-1');
    expect(() => getRegularizer('l3')).toThrow(/Valid regularizer names: l1, l2, l1l2/);
  });

  it('does not leak tensors', () => {
    const x = w();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) l1l2({ l1: 1, l2: 1 }).apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
