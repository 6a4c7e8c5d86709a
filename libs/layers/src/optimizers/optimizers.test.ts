import { initBackend, tf } from '@weft/tensor';
import { maxNorm } from '../constraints';
import {
  Adam, adadelta, adagrad, adam, adamw, cosineDecay, exponentialDecay, getOptimizer, inverseTimeDecay,
  Optimizer, type OptimizerTarget, piecewiseConstantDecay, polynomialDecay, rmsprop, serializeOptimizer, sgd,
} from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const W0 = [0.5, -1.2, 2.0, 0.1, -0.3, 1.5];
const C = [1, 0, -1, 2, 0.5, -2];
/** The gradient of sum((w - c)^2 / 2 + 0.1 w^4): non-linear, so trajectories diverge on any slip. */
const gradAt = (w: ArrayLike<number>) => Array.from(w, (x, i) => x - C[i] + 0.4 * x * x * x);

let unique = 0;
function target(name = 'w', init = W0, constraint: OptimizerTarget['constraint'] = null): OptimizerTarget {
  return { name, variable: tf.variable(tf.tensor(init, [2, 3]), true, `t${unique++}`), constraint };
}
const read = (t: OptimizerTarget) => Array.from(t.variable.dataSync());

function runOurs(opt: Optimizer, steps: number, t = target()): number[] {
  for (let i = 0; i < steps; i++) {
    const g = tf.tensor(gradAt(t.variable.dataSync()), [2, 3]);
    opt.applyGradients([g], [t]);
    g.dispose();
  }
  return read(t);
}

function runTfjs(opt: tf.Optimizer, steps: number): number[] {
  const v = tf.variable(tf.tensor(W0, [2, 3]), true, `ref${unique++}`);
  for (let i = 0; i < steps; i++) opt.applyGradients({ [v.name]: tf.tensor(gradAt(v.dataSync()), [2, 3]) });
  return Array.from(v.dataSync());
}

/** Runs a float64 reference of a Keras 3 update rule, `update(w, g, state, step)` per element. */
function runReference(steps: number, update: (w: number, g: number, s: number[], step: number, lr: number) => number,
  slots: number, lr: (step: number) => number = () => 0.01, init = 0): number[] {
  const w = W0.slice();
  const state = W0.map(() => new Array(slots).fill(init));
  for (let step = 0; step < steps; step++) {
    const g = gradAt(w);
    for (let i = 0; i < w.length; i++) w[i] = update(w[i], g[i], state[i], step, lr(step));
  }
  return w;
}

const expectClose = (a: number[], b: number[], tol = 2e-5) =>
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]))));

describe('optimizers: trajectories against tfjs-core tf.train.*', () => {
  const STEPS = 8;
  it('SGD', () => expectClose(runOurs(sgd({ learningRate: 0.1 }), STEPS), runTfjs(tf.train.sgd(0.1), STEPS)));
  it('SGD with momentum', () =>
    expectClose(runOurs(sgd({ learningRate: 0.05, momentum: 0.9 }), STEPS), runTfjs(tf.train.momentum(0.05, 0.9), STEPS)));
  it('SGD with Nesterov momentum', () =>
    expectClose(runOurs(sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }), STEPS),
      runTfjs(tf.train.momentum(0.05, 0.9, true), STEPS)));
  it('RMSprop plain, with momentum, centered', () => {
    expectClose(runOurs(rmsprop({ learningRate: 0.01 }), STEPS), runTfjs(tf.train.rmsprop(0.01, 0.9, 0, 1e-7), STEPS));
    expectClose(runOurs(rmsprop({ learningRate: 0.01, momentum: 0.5 }), STEPS),
      runTfjs(tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7), STEPS));
    expectClose(runOurs(rmsprop({ learningRate: 0.01, rho: 0.8, centered: true }), STEPS),
      runTfjs(tf.train.rmsprop(0.01, 0.8, 0, 1e-7, true), STEPS));
  });
  it('Adagrad', () =>
    expectClose(runOurs(adagrad({ learningRate: 0.1 }), STEPS), runTfjs(tf.train.adagrad(0.1, 0.1), STEPS)));
  it('Adam (tfjs places epsilon differently: equal to 1e-5)', () =>
    expectClose(runOurs(adam({ learningRate: 0.05 }), STEPS), runTfjs(tf.train.adam(0.05, 0.9, 0.999, 1e-7), STEPS), 1e-5));
});

describe('optimizers: Keras 3 update rules (float64 references)', () => {
  const STEPS = 8;
  const adamRule = (b1: number, b2: number, eps: number, amsgrad: boolean, wd = 0) =>
    (w: number, g: number, s: number[], step: number, lr: number) => {
      w -= w * wd * lr;
      const t = step + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      s[0] += (g - s[0]) * (1 - b1);
      s[1] += (g * g - s[1]) * (1 - b2);
      s[2] = Math.max(s[2], s[1]);
      return w - (s[0] * alpha) / (Math.sqrt(amsgrad ? s[2] : s[1]) + eps);
    };

  it('Adam, with a large epsilon to expose its placement', () => {
    expectClose(runOurs(adam({ learningRate: 0.05, epsilon: 0.1 }), STEPS),
      runReference(STEPS, adamRule(0.9, 0.999, 0.1, false), 3, () => 0.05));
  });
  it('Adam with amsgrad', () => {
    expectClose(runOurs(adam({ learningRate: 0.05, beta2: 0.9, amsgrad: true }), STEPS),
      runReference(STEPS, adamRule(0.9, 0.9, 1e-7, true), 3, () => 0.05));
  });
  it('Adam and AdamW on wasm (fused SIMD update) follow the cpu trajectory within 1e-6', async () => {
    const cpu = [runOurs(adam({ learningRate: 0.05 }), STEPS), runOurs(adamw({ learningRate: 0.05, weightDecay: 0.1 }), STEPS)];
    await initBackend('wasm');
    try {
      const wasm = [runOurs(adam({ learningRate: 0.05 }), STEPS), runOurs(adamw({ learningRate: 0.05, weightDecay: 0.1 }), STEPS)];
      wasm.forEach((w, i) => expectClose(w, cpu[i], 1e-6));
    } finally {
      await tf.setBackend('cpu');
    }
  });
  it('AdamW: decoupled weight decay before the Adam step', () => {
    expectClose(runOurs(adamw({ learningRate: 0.05, weightDecay: 0.1 }), STEPS),
      runReference(STEPS, adamRule(0.9, 0.999, 1e-7, false, 0.1), 3, () => 0.05));
    expect(adamw().weightDecay).toBe(0.004);
  });
  it('Adadelta (tfjs divides by the accumulator before its update; Keras after)', () => {
    const rule = (w: number, g: number, s: number[], _step: number, lr: number) => {
      const rms = (x: number) => Math.sqrt(x + 1e-7);
      s[0] = 0.95 * s[0] + 0.05 * g * g;
      const delta = -(rms(s[1]) * g) / rms(s[0]);
      s[1] = 0.95 * s[1] + 0.05 * delta * delta;
      return w + lr * delta;
    };
    expectClose(runOurs(adadelta({ learningRate: 1 }), STEPS), runReference(STEPS, rule, 2, () => 1));
  });
  it('SGD Nesterov, with a schedule: the rate is the schedule at `iterations` before the update', () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 });
    const nesterov = (w: number, g: number, s: number[], _step: number, lr: number) => {
      s[0] = s[0] * 0.9 - g * lr;
      return w + s[0] * 0.9 - g * lr;
    };
    const opt = sgd({ learningRate: schedule, momentum: 0.9, nesterov: true });
    expectClose(runOurs(opt, STEPS), runReference(STEPS, nesterov, 1, (s) => 0.1 * 0.5 ** (s / 2)));
    expect(opt.iterations).toBe(STEPS);
    expect(opt.currentLearningRate()).toBeCloseTo(0.1 * 0.5 ** 4, 10);
  });
  it('weightDecay on any optimizer, with exclusions by name', () => {
    const opt = sgd({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay(['bias']);
    const kernel = target('dense/kernel');
    const bias = target('dense/bias');
    opt.applyGradients([tf.zeros([2, 3]), tf.zeros([2, 3])], [kernel, bias]);
    expectClose(read(kernel), W0.map((w) => w * 0.95));
    expectClose(read(bias), W0);
  });
});

describe('optimizers: clipping and constraints', () => {
  const g = [3, 4, 0, 0, 0, 0]; // norm 5
  const h = [0, 0, 0, 0, 12, 0]; // norm 12; joint norm 13
  function step(opt: Optimizer) {
    const a = target('a', [0, 0, 0, 0, 0, 0]);
    const b = target('b', [0, 0, 0, 0, 0, 0]);
    opt.applyGradients([tf.tensor(g, [2, 3]), tf.tensor(h, [2, 3])], [a, b]);
    return [read(a), read(b)];
  }
  it('clipnorm clips each gradient to the norm', () => {
    const [a, b] = step(sgd({ learningRate: 1, clipnorm: 6 }));
    expectClose(a, g.map((x) => -x));
    expectClose(b, h.map((x) => (-x * 6) / 12));
  });
  it('globalClipnorm scales all gradients together', () => {
    const [a, b] = step(sgd({ learningRate: 1, globalClipnorm: 6.5 }));
    expectClose(a, g.map((x) => -x / 2));
    expectClose(b, h.map((x) => -x / 2));
  });
  it('clipvalue clips elements', () => {
    const [a] = step(sgd({ learningRate: 1, clipvalue: 3.5 }));
    expectClose(a, [-3, -3.5, 0, 0, 0, 0]);
    expect(() => sgd({ clipnorm: 1, clipvalue: 1 })).toThrow(/Only one of clipnorm, clipvalue and globalClipnorm/);
  });
  it('applies the target constraint after every update (tfjs-layers does not)', () => {
    const t = target('kernel', W0, maxNorm({ maxValue: 0.5 }));
    const opt = adam({ learningRate: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.applyGradients([tf.tensor(gradAt(t.variable.dataSync()), [2, 3])], [t]);
      const col = tf.sqrt(tf.sum(tf.square(t.variable), 0)).dataSync();
      col.forEach((n) => expect(n).toBeLessThanOrEqual(0.5 + 1e-6));
    }
  });
  it('skips null gradients; rejects shape mismatches and duplicate names', () => {
    const a = target('a');
    const b = target('b');
    sgd({ learningRate: 1 }).applyGradients([null, tf.ones([2, 3])], [a, b]);
    expectClose(read(a), W0);
    expectClose(read(b), W0.map((w) => w - 1));
    expect(() => sgd().applyGradients([tf.ones([3, 2])], [a])).toThrow("Gradient for 'a' has shape [3,2] but the weight has shape [2,3].");
    expect(() => sgd().applyGradients([tf.ones([2, 3]), tf.ones([2, 3])], [a, target('a')])).toThrow(/share the name 'a'/);
    expect(() => sgd().applyGradients([null], [a])).toThrow('No gradients provided for any variable.');
  });
});

describe('optimizers: state, serialization, memory', () => {
  it('getWeights/setWeights carry the state to a fresh optimizer that continues identically', () => {
    const a = adam({ learningRate: 0.05, amsgrad: true });
    const ta = target('x');
    runOurs(a, 3, ta);
    const saved = a.getWeights();
    expect(saved.map((w) => w.name)).toEqual(['iterations', 'x/momentum', 'x/velocity', 'x/velocityHat']);
    const b = getOptimizer(JSON.parse(JSON.stringify(serializeOptimizer(a))));
    const tb = target('x', read(ta));
    const copies = saved.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
    const before = tf.memory().numTensors;
    b.setWeights(copies);
    expect(tf.memory().numTensors).toBe(before + 3); // one variable per slot, nothing else kept
    b.setWeights(copies);
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(b.iterations).toBe(3);
    expect(runOurs(b, 2, tb)).toEqual(runOurs(a, 2, ta));
    expect(() => b.setWeights([{ name: 'x/moment', tensor: tf.zeros([2, 3]) }])).toThrow(/no state named 'x\/moment'/);
  });

  it('an optimizer step in a loop keeps tf.memory().numTensors stable', () => {
    for (const opt of [sgd({ momentum: 0.9, clipnorm: 1 }), rmsprop({ centered: true, momentum: 0.1 }),
      adam({ amsgrad: true, globalClipnorm: 1 }), adamw(), adagrad(), adadelta({ clipvalue: 1 })]) {
      const t = target();
      const g = tf.ones([2, 3]);
      const start = tf.memory().numTensors;
      opt.applyGradients([g], [t]); // creates the slots
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) opt.applyGradients([g], [t]);
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('resolves names, Keras class names and configs; lists valid names', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('RMSprop').getConfig()).toMatchObject({ learningRate: 0.001, rho: 0.9, epsilon: 1e-7 });
    expect(getOptimizer('sgd').getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0 });
    expect(getOptimizer('adagrad').getConfig()).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1 });
    expect(() => getOptimizer('adamax')).toThrow(/Unknown optimizer: 'adamax'. Valid optimizer names: sgd, rmsprop, adam, adamw, adagrad, adadelta/);
    const withSchedule = serializeOptimizer(sgd({ learningRate: cosineDecay({ initialLearningRate: 1, decaySteps: 10 }) }));
    const back = getOptimizer(JSON.parse(JSON.stringify(withSchedule)));
    expect(serializeOptimizer(back)).toEqual(withSchedule);
    expect(back.currentLearningRate()).toBe(1);
  });
});

describe('learning rate schedules (Keras 3 formulas)', () => {
  it('exponential, inverse time, piecewise constant', () => {
    const e = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect([0, 9, 10, 25].map((s) => e.call(s))).toEqual([0.1, 0.1, 0.05, 0.025]);
    const it = inverseTimeDecay({ initialLearningRate: 1, decaySteps: 2, decayRate: 0.5 });
    expect(it.call(4)).toBeCloseTo(0.5, 12);
    const p = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([0, 10, 11, 20, 21].map((s) => p.call(s))).toEqual([1, 1, 0.5, 0.5, 0.1]);
    expect(() => piecewiseConstantDecay({ boundaries: [1], values: [1] })).toThrow(/one more element/);
  });
  it('cosine decay with warmup, polynomial decay with and without cycle', () => {
    const c = cosineDecay({ initialLearningRate: 0, decaySteps: 10, alpha: 0.1, warmupTarget: 1, warmupSteps: 4 });
    expect(c.call(2)).toBeCloseTo(0.5, 12);
    expect(c.call(4)).toBeCloseTo(1, 12);
    expect(c.call(9)).toBeCloseTo(0.9 * 0.5 + 0.1, 12);
    expect(c.call(100)).toBeCloseTo(0.1, 12);
    const poly = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, power: 2 });
    expect(poly.call(5)).toBeCloseTo(0.25, 12);
    expect(poly.call(50)).toBe(0);
    const cyc = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, cycle: true });
    expect(cyc.call(15)).toBeCloseTo(0.25, 12);
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 0 })).toThrow('decaySteps must be > 0. Received: decaySteps=0');
  });
});
