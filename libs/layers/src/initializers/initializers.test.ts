import { initBackend, tf } from '@weft/tensor';
import {
  computeFans, getInitializer, serializeInitializer, Initializer, orthogonal, varianceScaling,
} from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

function stats(t: tf.Tensor) {
  const v = t.dataSync();
  let sum = 0, sq = 0, max = 0;
  for (const x of v) { sum += x; sq += x * x; max = Math.max(max, Math.abs(x)); }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), max };
}

describe('initializers', () => {
  it('computes fans like Keras, conv kernels included', () => {
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([20, 30])).toEqual({ fanIn: 20, fanOut: 30 });
    expect(computeFans([5, 16, 32])).toEqual({ fanIn: 80, fanOut: 160 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  });

  // [name, shape, expected std, bound (0 = none)]
  const cases: [string, number[], number, number][] = [
    ['glorot_uniform', [200, 300], Math.sqrt(2 / 500), Math.sqrt(6 / 500)],
    ['glorotNormal', [200, 300], Math.sqrt(2 / 500), 2 * Math.sqrt(2 / 500) / 0.8796256610342398],
    ['he_uniform', [3, 3, 16, 64], Math.sqrt(2 / 144), Math.sqrt(6 / 144)],
    ['heNormal', [5, 40, 100], Math.sqrt(2 / 200), 2 * Math.sqrt(2 / 200) / 0.8796256610342398],
    ['lecun_uniform', [300, 100], Math.sqrt(1 / 300), Math.sqrt(3 / 300)],
    ['lecunNormal', [300, 100], Math.sqrt(1 / 300), 2 * Math.sqrt(1 / 300) / 0.8796256610342398],
    ['random_normal', [200, 100], 0.05, 0],
    ['random_uniform', [200, 100], 0.1 / Math.sqrt(12), 0.05],
    ['truncated_normal', [200, 100], 0.05 * 0.8796256610342398, 0.1],
  ];
  it.each(cases)('%s draws shape %j with the right spread', (name, shape, std, bound) => {
    const w = getInitializer(name).apply(shape);
    expect(w.shape).toEqual(shape);
    const s = stats(w);
    expect(Math.abs(s.mean)).toBeLessThan(std * 0.05);
    expect(s.std).toBeGreaterThan(std * 0.96);
    expect(s.std).toBeLessThan(std * 1.04);
    if (bound) expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
  });

  it('varianceScaling honours mode, distribution and scale (Keras spellings too)', () => {
    const w = varianceScaling({ scale: 3, mode: 'fan_out', distribution: 'untruncated_normal' }).apply([100, 400]);
    expect(stats(w).std).toBeCloseTo(Math.sqrt(3 / 400), 2);
    expect(() => varianceScaling({ mode: 'fan' as never })).toThrow(/mode must be one of fanIn, fanOut, fanAvg. Received: mode="fan"/);
    expect(() => varianceScaling({ scale: 0 })).toThrow(/Received: scale=0/);
  });

  it('a seed makes draws reproducible', () => {
    const a = getInitializer({ className: 'GlorotUniform', config: { seed: 7 } }).apply([4, 5]);
    const b = getInitializer({ className: 'GlorotUniform', config: { seed: 7 } }).apply([4, 5]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  });

  it.each([[[6, 4]], [[4, 6]], [[2, 3, 8]], [[128, 512]]])('orthogonal %j is (semi-)orthogonal', (shape: number[]) => {
    const w = orthogonal({ gain: 2, seed: 1 }).apply(shape);
    expect(w.shape).toEqual(shape);
    const m = tf.reshape(w, [-1, shape[shape.length - 1]]);
    const [rows, cols] = m.shape;
    const gram = rows >= cols ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
    const eye = tf.mul(tf.eye(Math.min(rows, cols)), 4);
    expect(tf.max(tf.abs(tf.sub(gram, eye))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('zeros, ones, constant and identity', () => {
    expect(Array.from(getInitializer('zeros').apply([2]).dataSync())).toEqual([0, 0]);
    expect(getInitializer('ones').apply([2], 'int32').dtype).toBe('int32');
    expect(Array.from(getInitializer({ className: 'Constant', config: { value: 3 } }).apply([2]).dataSync())).toEqual([3, 3]);
    expect(getInitializer({ className: 'Identity', config: { gain: 2 } }).apply([2, 3]).arraySync()).toEqual([[2, 0, 0], [0, 2, 0]]);
    expect(() => getInitializer('identity').apply([2, 2, 2])).toThrow(/needs a 2-D shape. Received: shape=\[2,2,2\]/);
    expect(() => getInitializer('orthogonal').apply([4])).toThrow(/rank 2 or more/);
  });

  it('serializes every built-in to {className, config} and back', () => {
    const names = ['zeros', 'ones', 'constant', 'randomNormal', 'randomUniform', 'truncatedNormal',
      'varianceScaling', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunUniform',
      'lecunNormal', 'orthogonal', 'identity'];
    for (const name of names) {
      const init = getInitializer(name);
      const s = serializeInitializer(init);
      const back = getInitializer(JSON.parse(JSON.stringify(s)));
      expect(back.constructor).toBe(init.constructor);
      expect(serializeInitializer(back)).toEqual(s);
    }
    expect(serializeInitializer(getInitializer({ className: 'HeNormal', config: { seed: 3 } })))
      .toEqual({ className: 'HeNormal', config: { seed: 3 } });
    expect(getInitializer('glorotUniform')).toBeInstanceOf(Initializer);
  });

  it('an unknown name lists the valid ones', () => {
    expect(() => getInitializer('glorot')).toThrow(/Unknown initializer: 'glorot'. Valid initializer names: zeros, ones, .*glorotUniform/);
  });
});
