import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '@weft/tensor';
import {
  binaryCrossentropy, categoricalCrossentropy, getLoss, hinge, huber, kld, Loss, meanAbsoluteError,
  meanSquaredError, serializeLoss, sparseCategoricalCrossentropy,
} from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const num = (t: tf.Tensor) => t.dataSync()[0];
const arr = (t: tf.Tensor) => Array.from(t.dataSync());
const expectClose = (a: number[], b: number[], tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol));
};

describe('losses: Keras documented values', () => {
  const yt = () => tf.tensor2d([[0, 1], [0, 0]]);
  const yp = () => tf.tensor2d([[0.6, 0.4], [0.4, 0.6]]);

  it('binaryCrossentropy: mean, weighted, sum, none', () => {
    expect(num(binaryCrossentropy().apply(yt(), yp()))).toBeCloseTo(0.815, 3);
    expect(num(binaryCrossentropy().apply(yt(), yp(), tf.tensor1d([1, 0])))).toBeCloseTo(0.458, 3);
    expect(num(binaryCrossentropy({ reduction: 'sum' }).apply(yt(), yp()))).toBeCloseTo(1.63, 3);
    expectClose(arr(binaryCrossentropy({ reduction: 'none' }).apply(yt(), yp())), [0.9163, 0.7136], 1e-4);
  });

  it('categorical and sparse categorical crossentropy', () => {
    const p = () => tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    const onehot = tf.tensor2d([[0, 1, 0], [0, 0, 1]]);
    expect(num(categoricalCrossentropy().apply(onehot, p()))).toBeCloseTo(1.177, 3);
    expect(num(categoricalCrossentropy().apply(onehot, p(), tf.tensor1d([0.3, 0.7])))).toBeCloseTo(0.814, 3);
    expect(num(categoricalCrossentropy({ reduction: 'sum' }).apply(onehot, p()))).toBeCloseTo(2.354, 3);
    expect(num(sparseCategoricalCrossentropy().apply(tf.tensor1d([1, 2], 'int32'), p()))).toBeCloseTo(1.177, 3);
    expect(num(sparseCategoricalCrossentropy().apply(tf.tensor2d([[1], [2]]), p()))).toBeCloseTo(1.177, 3);
  });

  it('mse, mae, hinge, huber, kld', () => {
    const p = tf.tensor2d([[1, 1], [1, 0]]);
    expect(num(meanSquaredError().apply(yt(), p))).toBeCloseTo(0.5, 6);
    expect(num(meanSquaredError().apply(yt(), p, tf.tensor1d([0.7, 0.3])))).toBeCloseTo(0.25, 6);
    expect(num(getLoss('mae').apply(yt(), p))).toBeCloseTo(0.5, 6);
    expect(num(hinge().apply(yt(), yp()))).toBeCloseTo(1.3, 6);
    expect(num(huber().apply(yt(), yp()))).toBeCloseTo(0.155, 6);
    expect(num(kld().apply(yt(), yp()))).toBeCloseTo(0.458, 3);
  });
});

describe('losses: against tfjs oracles', () => {
  const probs = () => tf.tensor2d([[0.9, 1e-9, 0.3], [0.2, 0.7, 1], [0.5, 0.4, 0.01]]);
  const labels = () => tf.tensor2d([[1, 0, 0], [0, 1, 1], [1, 0, 1]]);
  const logits = () => tf.tensor2d([[2, -40, 0.3], [-1, 0.5, 30], [0.1, -0.2, 3]]);

  it('binaryCrossentropy on probabilities matches tfjs-layers (epsilon clipping)', () => {
    expectClose(arr(binaryCrossentropy().call(labels(), probs())), arr(tfl.metrics.binaryCrossentropy(labels(), probs())));
  });

  it('binaryCrossentropy from logits, with label smoothing, matches tf.losses.sigmoidCrossEntropy', () => {
    const ours = binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }).apply(labels(), logits());
    const ref = tf.losses.sigmoidCrossEntropy(labels(), logits(), undefined, 0.2, tf.Reduction.MEAN);
    expect(num(ours)).toBeCloseTo(num(ref), 5);
  });

  it('categoricalCrossentropy matches tfjs-layers on probabilities and tf.losses on logits', () => {
    const onehot = () => tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expectClose(arr(categoricalCrossentropy().call(onehot(), probs())), arr(tfl.metrics.categoricalCrossentropy(onehot(), probs())));
    const ours = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).apply(onehot(), logits());
    const ref = tf.losses.softmaxCrossEntropy(onehot(), logits(), undefined, 0.1, tf.Reduction.MEAN);
    expect(num(ours)).toBeCloseTo(num(ref), 4);
    const sparse = sparseCategoricalCrossentropy({ fromLogits: true }).apply(tf.tensor1d([0, 2, 1], 'int32'), logits());
    expect(num(sparse)).toBeCloseTo(num(tf.losses.softmaxCrossEntropy(onehot(), logits())), 4);
  });

  it('mse, mae, huber, hinge match tf.losses', () => {
    const t = labels(), p = logits();
    expect(num(meanSquaredError().apply(t, p))).toBeCloseTo(num(tf.losses.meanSquaredError(t, p)), 3);
    expect(num(meanAbsoluteError().apply(t, p))).toBeCloseTo(num(tf.losses.absoluteDifference(t, p)), 5);
    expect(num(huber({ delta: 0.5 }).apply(t, p))).toBeCloseTo(num(tf.losses.huberLoss(t, p, undefined, 0.5)), 5);
    expect(num(hinge().apply(t, p))).toBeCloseTo(num(tf.losses.hingeLoss(t, p)), 5);
  });

  it('gradients of the clipped crossentropy match finite differences', () => {
    const t = tf.tensor2d([[1, 0], [0, 1]]);
    const x = tf.tensor2d([[0.3, 0.6], [0.8, 0.25]]);
    const f = (p: tf.Tensor) => binaryCrossentropy().apply(t, p);
    const g = arr(tf.grad(f)(x));
    const h = 1e-3;
    const base = arr(x);
    base.forEach((_, i) => {
      const plus = base.slice(); plus[i] += h;
      const minus = base.slice(); minus[i] -= h;
      const fd = (num(f(tf.tensor2d(plus, [2, 2]))) - num(f(tf.tensor2d(minus, [2, 2])))) / (2 * h);
      expect(g[i]).toBeCloseTo(fd, 2);
    });
  });
  it('the written-out crossentropy gradient matches autodiff of the clipped formula, in and out of the clip range', () => {
    const t = tf.tensor2d([[1, 0, 0.9], [0, 1, 0.05], [1, 1, 0]]);
    const x = tf.tensor2d([[0, 1, 0.4], [1e-9, 1 - 1e-9, 0.7], [1e-7, 0.999, 2]]);
    const reference = (p: tf.Tensor) => {
      const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      const e = tf.neg(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))));
      return tf.sum(tf.mul(tf.mean(e, -1), tf.tensor1d([0.5, 2, -1])));
    };
    const ours = (p: tf.Tensor) => tf.sum(tf.mul(binaryCrossentropy({ reduction: 'none' }).apply(t, p), tf.tensor1d([0.5, 2, -1])));
    expect(num(ours(x))).toBeCloseTo(num(reference(x)), 5);
    const expected = arr(tf.grad(reference)(x));
    arr(tf.grad(ours)(x)).forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[i]))));
    // int32 labels (cast inside the loss) give the gradient of the same labels as floats.
    const intLabels = tf.tensor2d([[1, 0], [0, 1]], undefined, 'int32');
    const p2 = tf.tensor2d([[0.3, 0.6], [0.8, 0.25]]);
    expectClose(arr(tf.grad((p: tf.Tensor) => binaryCrossentropy().apply(intLabels, p))(p2)),
      arr(tf.grad((p: tf.Tensor) => binaryCrossentropy().apply(tf.cast(intLabels, 'float32'), p))(p2)));
    expect(expected.filter((g) => g === 0)).toHaveLength(5); // 0, 1, 1e-9, 1 - 1e-9 (1 in float32), 2: outside the clip range
  });
});

describe('losses: weighting, masks and shapes', () => {
  it('sequence losses: [batch] weights per sample, masks the Keras 3 way', () => {
    const t = tf.tensor2d([[1, 2, 0], [0, 1, 1]], [2, 3], 'int32');
    const p = tf.softmax(tf.tensor3d([[[1, 2, 3], [0, 1, 5], [2, 2, 2]], [[4, 1, 1], [0, 0, 3], [1, 3, 0]]]));
    const loss = sparseCategoricalCrossentropy();
    const per = arr(loss.call(t, p)); // [2, 3] flattened
    expect(num(loss.apply(t, p, tf.tensor1d([1, 0])))).toBeCloseTo((per[0] + per[1] + per[2]) / 6, 5);
    const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0]]);
    expect(num(loss.apply(t, p, null, mask))).toBeCloseTo((per[0] + per[1] + per[3]) / 3, 5);
    expect(num(loss.apply(t, p, mask))).toBeCloseTo((per[0] + per[1] + per[3]) / 6, 5);
    // ignoreClass: label -1 marks padding; it may be out of range, and the mean skips it.
    const padded = tf.tensor2d([[1, 2, -1], [0, -1, -1]], [2, 3], 'int32');
    const ignoring = sparseCategoricalCrossentropy({ ignoreClass: -1 });
    expect(arr(ignoring.call(padded, p))[2]).toBe(0);
    expect(num(ignoring.apply(padded, p))).toBeCloseTo((per[0] + per[1] + per[3]) / 3, 5);
    expect(num(ignoring.apply(padded, p, null, tf.tensor2d([[1, 0, 1], [1, 1, 1]])))).toBeCloseTo((per[0] + per[3]) / 2, 5);
  });

  it('[batch] labels against [batch, 1] predictions are accepted; mismatches name both shapes', () => {
    const p = tf.tensor2d([[0.3], [0.8]]);
    expect(num(binaryCrossentropy().apply(tf.tensor1d([0, 1]), p))).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8)) / 2, 5);
    expect(() => binaryCrossentropy().apply(tf.zeros([32, 2]), tf.zeros([32, 1])))
      .toThrow('binaryCrossentropy expects yTrue and yPred of the same shape. Received: yTrue [32,2], yPred [32,1]');
    expect(() => sparseCategoricalCrossentropy().apply(tf.tensor1d([0, 3], 'int32'), tf.ones([2, 3])))
      .toThrow(/label 3 is out of range for 3 classes \(valid labels: 0..2\)/);
    expect(() => meanSquaredError().apply(tf.zeros([4, 2]), tf.zeros([4, 2]), tf.ones([3])))
      .toThrow(/sampleWeight of shape \[3\] does not broadcast/);
  });

  it('serializes, resolves names and classes, and lists valid names', () => {
    for (const name of ['binary_crossentropy', 'categoricalCrossentropy', 'sparse_categorical_crossentropy',
      'mse', 'mean_absolute_error', 'hinge', 'huber', 'kl_divergence']) {
      const loss = getLoss(name);
      const s = serializeLoss(loss);
      expect(serializeLoss(getLoss(JSON.parse(JSON.stringify(s))))).toEqual(s);
    }
    expect(serializeLoss(binaryCrossentropy({ fromLogits: true }))).toEqual({
      className: 'BinaryCrossentropy',
      config: { name: 'binaryCrossentropy', reduction: 'sumOverBatchSize', fromLogits: true, labelSmoothing: 0 },
    });
    expect(getLoss({ className: 'Huber', config: { delta: 2 } })).toBeInstanceOf(Loss);
    expect(() => getLoss('crossentropy')).toThrow(/Unknown loss: 'crossentropy'. Valid loss names: binaryCrossentropy, /);
    const custom = getLoss(function doubled(t: tf.Tensor, p: tf.Tensor) { return tf.mean(tf.mul(2, tf.abs(tf.sub(t, p))), -1); });
    expect(custom.name).toBe('doubled');
    expect(num(custom.apply(tf.ones([2, 2]), tf.zeros([2, 2])))).toBe(2);
  });

  it('does not leak tensors', () => {
    const t = tf.tensor1d([0, 2], 'int32');
    const onehot = tf.oneHot(t, 3);
    const p = tf.softmax(tf.tensor2d([[1, 2, 3], [3, 2, 1]]));
    const w = tf.tensor1d([1, 2]);
    const mask = tf.tensor1d([1, 0]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      sparseCategoricalCrossentropy().apply(t, p, w, mask).dispose();
      categoricalCrossentropy({ labelSmoothing: 0.1 }).apply(onehot, p, w, mask).dispose();
      hinge().apply(onehot, p).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
