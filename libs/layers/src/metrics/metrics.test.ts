import { initBackend, tf } from '@weft/tensor';
import {
  AUC, auc, BinaryAccuracy, binaryAccuracy, categoricalAccuracy, CategoricalAccuracy, getMetric, LossMetric, Mean,
  mean, type Metric, precision, recall, resolveMetric, serializeMetric, sparseCategoricalAccuracy,
  SparseCategoricalAccuracy, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy,
} from './index';

beforeAll(async () => {
  await initBackend('cpu');
});

const t1 = (v: number[], dtype: tf.DataType = 'float32') => tf.tensor1d(v, dtype);
const t2 = (v: number[][]) => tf.tensor2d(v);

describe('metrics: values (hand-computed)', () => {
  it('mean: plain, weighted, per-sample over extra axes, scalar weight', () => {
    const m = mean();
    m.updateState(t1([1, 3, 5, 7]));
    expect(m.result()).toBe(4);
    m.updateState(t1([2, 4]), t1([0.5, 0]));
    expect(m.result()).toBeCloseTo((16 + 1) / 4.5, 10);
    const seq = mean();
    seq.updateState(t2([[1, 3], [5, 5]])); // per-sample means 2 and 5
    expect(seq.getState()).toEqual([7, 2]);
    const loss = new Mean({ name: 'loss' });
    loss.updateState(2.5, 32);
    loss.updateState(tf.scalar(1), 16);
    expect(loss.result()).toBeCloseTo((2.5 * 32 + 16) / 48, 10);
    expect(new Mean().result()).toBe(0);
  });

  it('binary accuracy with threshold and sample weights', () => {
    const m = binaryAccuracy();
    m.updateState(t2([[1], [1], [0], [0]]), t2([[0.98], [0.3], [0], [0.6]]));
    expect(m.result()).toBe(0.5);
    m.resetState();
    m.updateState(t1([1, 1, 0, 0]), t2([[0.98], [1], [0], [0.6]]), t1([1, 0, 0, 1]));
    expect(m.result()).toBe(0.5);
    const strict = new BinaryAccuracy({ threshold: 0.7 });
    strict.updateState(t1([1, 0]), t2([[0.6], [0.6]]));
    expect(strict.result()).toBe(0.5);
  });

  it('categorical and sparse categorical accuracy, sequences with masks as sample weights', () => {
    const yp = t2([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    const c = categoricalAccuracy();
    c.updateState(t2([[0, 0, 1], [0, 1, 0]]), yp);
    expect(c.result()).toBe(0.5);
    const s = sparseCategoricalAccuracy();
    s.updateState(t2([[2], [1]]), yp);
    s.updateState(t1([1, 1], 'int32'), yp, t1([0.7, 0.3]));
    expect(s.result()).toBeCloseTo((1 + 0.7 + 0.3) / 3, 6);
    // [batch=2, steps=3] tokens, the last step of the first sample and the last two of the second masked.
    const logits = tf.tensor3d([[[0, 1], [1, 0], [5, 0]], [[0, 2], [0, 1], [3, 0]]]);
    const labels = tf.tensor2d([[1, 0, 1], [1, 1, 1]]);
    const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0]]);
    const seq = sparseCategoricalAccuracy();
    seq.updateState(labels, logits, mask);
    expect(seq.result()).toBe(1);
    seq.resetState();
    seq.updateState(labels, logits);
    expect(seq.result()).toBeCloseTo(4 / 6, 6);
  });

  it('top-k accuracy, ties at the boundary counting as in (TF in_top_k)', () => {
    const yp = t2([[0.1, 0.5, 0.4], [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]]);
    const m = sparseTopKCategoricalAccuracy({ k: 2 });
    m.updateState(t1([0, 1, 2], 'int32'), yp);
    expect(m.result()).toBeCloseTo(1 / 3, 6); // sample 1: class 1 ties class 0 for second place
    const oneHot = topKCategoricalAccuracy({ k: 1 });
    oneHot.updateState(t2([[0, 1, 0], [0, 0, 1], [0, 1, 0]]), yp);
    expect(oneHot.result()).toBeCloseTo(2 / 3, 6);
  });

  it('precision and recall with weights, classId and topK', () => {
    const yt = t2([[0, 1, 1, 1]]);
    const yp = t2([[1, 0, 1, 0]]);
    const p = precision();
    p.updateState(yt, yp);
    expect(p.result()).toBe(0.5);
    const r = recall();
    r.updateState(yt, yp);
    expect(r.result()).toBeCloseTo(1 / 3, 6);
    const pw = precision();
    pw.updateState(t1([0, 1, 1, 1]), t1([1, 0, 1, 0]), t1([0, 0, 1, 0]));
    expect(pw.result()).toBe(1);
    // Keras's documented examples: top-k picks exactly k, ties to the lower index.
    const top2 = precision({ topK: 2 });
    top2.updateState(t1([0, 0, 1, 1]), t1([1, 1, 1, 1]));
    expect(top2.result()).toBe(0);
    const top4 = precision({ topK: 4 });
    top4.updateState(t1([0, 0, 1, 1]), t1([1, 1, 1, 1]));
    expect(top4.result()).toBe(0.5);
    const doc = recall();
    doc.updateState(t1([0, 1, 1, 1]), t1([1, 0, 1, 1]));
    expect(doc.result()).toBeCloseTo(2 / 3, 6);
    const cls = recall({ classId: 2 });
    cls.updateState(t2([[0, 0, 1], [0, 0, 1], [1, 0, 0]]), t2([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [0.1, 0.1, 0.8]]));
    expect(cls.result()).toBe(0.5);
  });

  it('AUC: Keras\'s documented example, ROC against a brute-force trapezoid, PR interpolation', () => {
    const m = auc({ numThresholds: 3 });
    m.updateState(t1([0, 0, 1, 1]), t1([0, 0.5, 0.3, 0.9]));
    expect(m.result()).toBeCloseTo(0.75, 6);
    // Brute force on the same thresholds the metric uses.
    const n = 50;
    const labels = Array.from({ length: 40 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const preds = labels.map((l, i) => Math.fround(Math.min(1, Math.max(0, 0.3 * l + ((i * 37) % 17) / 20))));
    const thresholds = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7].map(Math.fround);
    const rates = thresholds.map((th) => {
      let tp = 0, fp = 0, pos = 0, neg = 0;
      labels.forEach((l, i) => { if (l) { pos++; if (preds[i] > th) tp++; } else { neg++; if (preds[i] > th) fp++; } });
      return [fp / neg, tp / pos];
    });
    let area = 0;
    for (let i = 0; i < n - 1; i++) area += (rates[i][0] - rates[i + 1][0]) * (rates[i][1] + rates[i + 1][1]) / 2;
    const roc = auc({ numThresholds: n });
    roc.updateState(t1(labels), t1(preds));
    expect(roc.result()).toBeCloseTo(area, 6);
    // By hand from tp=[2,1,0], fp=[2,0,0], fn=[0,1,2] with Davis-Goadrich interpolation:
    // (1/3)(1 + (2/3) ln 4) / 2 + 1 / 2.
    const pr = new AUC({ curve: 'PR', numThresholds: 3 });
    pr.updateState(t1([0, 0, 1, 1]), t1([0, 0.5, 0.3, 0.9]));
    expect(pr.result()).toBeCloseTo((1 + (2 / 3) * Math.log(4)) / 6 + 0.5, 6);
    const minoring = new AUC({ curve: 'PR', numThresholds: 3, summationMethod: 'minoring' });
    minoring.updateState(t1([0, 0, 1, 1]), t1([0, 0.5, 0.3, 0.9]));
    expect(minoring.result()).toBeCloseTo(0.5 * 0.5 + 0.5 * 0, 6); // recall 1->0.5 at min(0.5, 1), 0.5->0 at min(1, 0)
    const logits = auc({ numThresholds: 3, fromLogits: true });
    logits.updateState(t1([0, 0, 1, 1]), t1([-10, 0, -0.85, 2.2]));
    expect(logits.result()).toBeCloseTo(0.75, 6);
  });

  it('loss names as metrics: the weighted mean of the per-sample loss', () => {
    const mae = getMetric('mae');
    expect(mae).toBeInstanceOf(LossMetric);
    mae.updateState(t2([[0, 1], [0, 0]]), t2([[1, 1], [1, 0]]), t1([1, 3]));
    expect(mae.result()).toBeCloseTo((0.5 + 1.5) / 4, 6);
    expect(mae.name).toBe('mae');
  });
});

describe('metrics: replicas, resolution, serialization', () => {
  const makeData = () => {
    const yt = tf.tensor1d([1, 0, 1, 1, 0, 0, 1, 0], 'int32');
    const logits = tf.tensor2d([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.9, 0.1], [0.1, 0.9], [0.55, 0.45], [0.4, 0.6], [0.8, 0.2]]);
    const w = tf.tensor1d([1, 2, 0.5, 1, 1, 0, 3, 1]);
    return { yt, logits, w };
  };
  type Input = 'sparse' | 'oneHot' | 'binary';
  const factories: [string, () => Metric, Input][] = [
    ['sparseCategoricalAccuracy', () => sparseCategoricalAccuracy(), 'sparse'],
    ['precision', () => precision({ classId: 1 }), 'oneHot'],
    ['recall', () => recall({ classId: 1 }), 'oneHot'],
    ['auc', () => auc({ numThresholds: 20 }), 'binary'],
    ['mean of a loss', () => getMetric('sparse_categorical_crossentropy'), 'sparse'],
  ];
  it.each(factories)('%s: summing two replicas\' getState equals one pass', (_name, make, input) => {
    const { yt, logits, w } = makeData();
    const [labels, preds] = input === 'sparse' ? [yt, logits]
      : input === 'oneHot' ? [tf.oneHot(yt, 2), logits]
        : [tf.reshape(tf.cast(yt, 'float32'), [-1, 1]), tf.slice(logits, [0, 1], [-1, 1])];
    const half = (x: tf.Tensor, i: number) => tf.slice(x, [i * 4], [4]);
    const whole = make();
    whole.updateState(labels, preds, w);
    const replicas = [make(), make()];
    replicas.forEach((m, i) => m.updateState(half(labels, i), half(preds, i), half(w, i)));
    const summed = replicas[0].getState().map((v, i) => v + replicas[1].getState()[i]);
    const reduced = make();
    reduced.setState(summed);
    expect(reduced.result()).toBeCloseTo(whole.result(), 6);
    expect(whole.result()).toBeGreaterThan(0);
    expect(() => reduced.setState([1])).toThrow(/setState expects \d+ numbers/);
  });

  it('resolveMetric picks the accuracy the Keras way from loss and output shape', () => {
    expect(resolveMetric('accuracy', 'binaryCrossentropy', [null, 1])).toBeInstanceOf(BinaryAccuracy);
    expect(resolveMetric('acc', 'mse', [null, 1])).toBeInstanceOf(BinaryAccuracy);
    expect(resolveMetric('accuracy', 'sparse_categorical_crossentropy', [null, 10])).toBeInstanceOf(SparseCategoricalAccuracy);
    expect(resolveMetric('accuracy', 'categoricalCrossentropy', [null, 10])).toBeInstanceOf(CategoricalAccuracy);
    expect(resolveMetric('accuracy', 'binary_crossentropy', [null, 80, 4]).name).toBe('accuracy');
    expect(resolveMetric('auc', 'binaryCrossentropy', [null, 1])).toBeInstanceOf(AUC);
  });

  it('round-trips through {className, config}; unknown names list the valid ones', () => {
    for (const m of [precision({ threshold: 0.3, classId: 1 }), auc({ curve: 'PR', numThresholds: 10 }),
      topKCategoricalAccuracy({ k: 3 }), getMetric('mse'), mean({ name: 'loss' })]) {
      const s = serializeMetric(m);
      expect(serializeMetric(getMetric(JSON.parse(JSON.stringify(s))))).toEqual(s);
    }
    expect(() => getMetric('f1')).toThrow(/Unknown metric: 'f1'. Valid metric names: mean, accuracy, binaryAccuracy/);
  });

  it('does not leak tensors', () => {
    const { yt, logits, w } = makeData();
    const oneHot = tf.oneHot(yt, 2);
    const metrics: [Metric, tf.Tensor][] = [[sparseCategoricalAccuracy(), yt], [sparseTopKCategoricalAccuracy({ k: 1 }), yt],
      [precision({ topK: 1 }), oneHot], [auc(), oneHot], [getMetric('categorical_crossentropy'), oneHot], [binaryAccuracy(), oneHot]];
    const before = tf.memory().numTensors;
    for (const [m, labels] of metrics) {
      m.updateState(labels, logits, w);
      expect([m.name, tf.memory().numTensors]).toEqual([m.name, before]);
    }
  });
});
