import { initBackend, tf } from '@weft/tensor';
import { getConstraint, maxNorm, minMaxNorm, nonNeg, serializeConstraint, unitNorm } from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

// Columns have norms 5 and 0.5.
const w = () => tf.tensor2d([[3, 0.3], [-4, 0.4]]);
const cols = (t: tf.Tensor) => {
  const a = t.arraySync() as number[][];
  return [Math.hypot(a[0][0], a[1][0]), Math.hypot(a[0][1], a[1][1])];
};

describe('constraints', () => {
  it('maxNorm rescales only the columns above maxValue', () => {
    const [c0, c1] = cols(maxNorm({ maxValue: 2 }).apply(w()));
    expect(c0).toBeCloseTo(2, 5);
    expect(c1).toBeCloseTo(0.5, 5);
    const rows = maxNorm({ maxValue: 1, axis: 1 }).apply(w()).arraySync() as number[][];
    expect(Math.hypot(...rows[0])).toBeCloseTo(1, 5);
  });

  it('unitNorm makes every column unit length', () => {
    const [c0, c1] = cols(unitNorm().apply(w()));
    expect(c0).toBeCloseTo(1, 5);
    expect(c1).toBeCloseTo(1, 5);
  });

  it('minMaxNorm clamps norms into [min, max], partly with rate < 1', () => {
    const [c0, c1] = cols(minMaxNorm({ minValue: 1, maxValue: 2 }).apply(w()));
    expect(c0).toBeCloseTo(2, 5);
    expect(c1).toBeCloseTo(1, 5);
    const [h0] = cols(minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).apply(w()));
    expect(h0).toBeCloseTo(3.5, 5);
  });

  it('nonNeg zeroes negative weights', () => {
    expect(Array.from(nonNeg().apply(w()).dataSync())).toEqual(Array.from(tf.tensor1d([3, 0.3, 0, 0.4]).dataSync()));
  });

  it('round-trip through {className, config}; unknown names list the valid ones', () => {
    const s = serializeConstraint(maxNorm({ maxValue: 3, axis: [0, 1] }));
    expect(s).toEqual({ className: 'MaxNorm', config: { maxValue: 3, axis: [0, 1] } });
    expect(serializeConstraint(getConstraint(s))).toEqual(s);
    expect(getConstraint('non_neg')).toBeInstanceOf(nonNeg().constructor);
    expect(() => getConstraint('positive')).toThrow(/Valid constraint names: maxNorm, nonNeg, unitNorm, minMaxNorm/);
    expect(() => minMaxNorm({ minValue: 2, maxValue: 1 })).toThrow('Received: maxValue=1');
  });
});
