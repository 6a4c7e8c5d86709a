import { deserializeLayer, serializeLayer } from '@weft/layers';
import { tf, initBackend } from '@weft/tensor';
import { syntheticReviews } from './example-data';
import { buildAttentionClassifier, SimpleAttention } from './simple-attention';

beforeAll(async () => {
  // wasm: the cpu backend's embedding gradient (UnsortedSegmentSum) takes ~0.3 s per step even at this size.
  await initBackend('wasm');
});

const x = () => tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3) as tf.Tensor3D;
const mask = () => tf.tensor2d([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], [2, 5], 'bool');

describe('SimpleAttention (the user-written custom layer)', () => {
  it('gives masked steps zero weight, so their values do not matter; outputs no mask', () => {
    const layer = new SimpleAttention();
    const { outputs, mask: outMask } = layer.invoke(x(), { mask: mask() });
    expect(outMask).toBeNull();
    expect((outputs as tf.Tensor).shape).toEqual([2, 3]);
    const weights = layer.attentionWeights(x(), mask()).arraySync();
    expect([weights[0][3], weights[0][4], weights[1][0]]).toEqual([0, 0, 0]);
    weights.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    const changed = tf.where(tf.expandDims(mask(), 2), x(), tf.fill([2, 5, 3], 100));
    const again = layer.apply(changed, { mask: mask() }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(again, outputs as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('output equals the weighted sum of the steps; gradients agree with finite differences', () => {
    const layer = new SimpleAttention();
    const out = layer.apply(x(), { mask: mask() }) as tf.Tensor;
    const w = layer.attentionWeights(x(), mask());
    const expected = tf.sum(tf.mul(x(), tf.expandDims(w, 2)), 1);
    expect(tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]).toBeLessThan(1e-6);

    const r = tf.randomUniform([2, 3], -1, 1, 'float32', 9);
    const variables = layer.trainableWeights.map((v) => v.variable);
    const loss = () => tf.sum(tf.mul(layer.apply(x(), { mask: mask() }) as tf.Tensor, r)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, variables);
    const eps = 1e-2;
    for (const v of variables) {
      const base = v.dataSync().slice();
      for (let i = 0; i < Math.min(4, v.size); i++) {
        const at = (d: number) => {
          const p = base.slice();
          p[i] += d;
          v.assign(tf.tensor(p, v.shape));
          return loss().dataSync()[0];
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        v.assign(tf.tensor(base, v.shape));
        expect(Math.abs(grads[v.name].dataSync()[i] - numeric)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
      }
    }
  });

  it('its regularizer adds a loss, its constraint holds after training, and it round-trips its config', async () => {
    const model = buildAttentionClassifier({ maxFeatures: 50, maxlen: 8, units: 4 });
    const attention = model.layers.find((l) => l instanceof SimpleAttention) as SimpleAttention;
    expect(attention.losses.length).toBe(1);
    const { x: ids, y } = syntheticReviews(32, 8, 50);
    const history = await model.fit(ids, y, { batchSize: 16, epochs: 2, verbose: 0 });
    expect((history.history.loss as number[]).every(Number.isFinite)).toBe(true);
    const kernel = attention.trainableWeights[0].read();
    expect(tf.norm(kernel).dataSync()[0]).toBeLessThanOrEqual(2 + 1e-5); // maxNorm(2)
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(attention))));
    expect(copy).toBeInstanceOf(SimpleAttention);
    expect(copy.getConfig()).toEqual({ ...attention.getConfig(), name: copy.name });
  });
});
