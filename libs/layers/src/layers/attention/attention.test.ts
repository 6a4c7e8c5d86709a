import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { runLayerTest } from '../../testing';
import { AdditiveAttention } from './additive-attention';
import { Attention } from './attention';
import { MultiHeadAttention } from './multi-head-attention';
import { TransformerEncoder } from './transformer-encoder';

beforeAll(async () => {
  await initBackend('cpu');
});

type Matrix = number[][];
const q = () => tf.randomNormal([2, 2, 3], 0, 1, 'float32', 41);
const v = () => tf.randomNormal([2, 4, 3], 0, 1, 'float32', 42);
// Sample 0 may attend to value steps 0-2, sample 1 to steps 0 and 3.
const valueMask = () => tf.tensor2d([[1, 1, 1, 0], [1, 0, 0, 1]], [2, 4], 'bool');

/** Plain-loop attention for one sample: softmax over allowed keys of score(q_i, k_j), times values. */
function referenceAttention(query: Matrix, key: Matrix, value: Matrix, allowed: number[], score: (a: number[], b: number[]) => number): Matrix {
  return query.map((qi) => {
    const s = key.map((kj, j) => (allowed[j] ? score(qi, kj) : -Infinity));
    const max = Math.max(...s);
    const e = s.map((x) => Math.exp(x - max));
    const total = e.reduce((a, b) => a + b, 0);
    return value[0].map((_, d) => value.reduce((acc, vj, j) => acc + (e[j] / total) * vj[d], 0));
  });
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function expectMatrixClose(actual: tf.Tensor, expected: Matrix[], tol = 1e-5): void {
  const got = actual.arraySync() as Matrix[];
  got.forEach((m, b) => m.forEach((row, i) => row.forEach((x, d) => expect(Math.abs(x - expected[b][i][d])).toBeLessThan(tol))));
}

describe('Attention (dot product)', () => {
  it('equals plain-loop attention with a value mask; masked steps get zero weight; finite differences', () => {
    const layer = new Attention();
    const [out, weights] = layer.apply([q(), v()], { mask: [null, valueMask()], returnAttentionScores: true }) as tf.Tensor[];
    const qs = q().arraySync() as Matrix[];
    const vs = v().arraySync() as Matrix[];
    const allowed = valueMask().arraySync() as unknown as number[][];
    expectMatrixClose(out, qs.map((qb, b) => referenceAttention(qb, vs[b], vs[b], allowed[b].map(Number), dot)));
    const w = weights.arraySync() as Matrix[];
    expect([w[0][0][3], w[0][1][3], w[1][0][1], w[1][1][2]]).toEqual([0, 0, 0, 0]);
    runLayerTest({ layer: () => new Attention({ useScale: true }), inputs: [q(), v()], callArgs: { mask: [null, valueMask()] }, expectedOutputShape: [2, 2, 3] });
  });

  it('query mask zeroes masked query steps and is the output mask; causal mask hides the future', () => {
    const queryMask = tf.tensor2d([[1, 0], [1, 1]], [2, 2], 'bool');
    const { outputs, mask } = new Attention().invoke([q(), v()], { mask: [queryMask, null] });
    expect(Array.from(tf.slice(outputs as tf.Tensor, [0, 1, 0], [1, 1, 3]).dataSync()).map((x) => x + 0)).toEqual([0, 0, 0]);
    expect(Array.from((mask as tf.Tensor).dataSync())).toEqual([1, 0, 1, 1]);
    const x = tf.randomNormal([1, 3, 2], 0, 1, 'float32', 7);
    const [, w] = new Attention().apply([x, x], { useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[];
    const weights = (w.arraySync() as Matrix[])[0];
    expect([weights[0][1], weights[0][2], weights[1][2]]).toEqual([0, 0, 0]);
  });

  it("scoreMode 'concat' with a key input equals plain loops; finite differences", () => {
    const key = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 43);
    const out = new Attention({ scoreMode: 'concat' }).apply([q(), v(), key]) as tf.Tensor;
    const ks = key.arraySync() as Matrix[];
    const concat = (a: number[], b: number[]) => a.reduce((s, x, i) => s + Math.tanh(x + b[i]), 0);
    const vs = v().arraySync() as Matrix[];
    expectMatrixClose(out, (q().arraySync() as Matrix[]).map((qb, b) => referenceAttention(qb, ks[b], vs[b], [1, 1, 1, 1], concat)));
    runLayerTest({ layer: () => new Attention({ scoreMode: 'concat', useScale: true }), inputs: [q(), v(), key], expectedNumTrainableWeights: 2 });
  });
});

describe('AdditiveAttention', () => {
  it('equals plain loops with its learned scale and a mask; finite differences', () => {
    const layer = new AdditiveAttention();
    const out = layer.apply([q(), v()], { mask: [null, valueMask()] }) as tf.Tensor;
    const scale = Array.from(layer.scale!.read().dataSync());
    const additive = (a: number[], b: number[]) => a.reduce((s, x, i) => s + scale[i] * Math.tanh(x + b[i]), 0);
    const vs = v().arraySync() as Matrix[];
    const allowed = valueMask().arraySync() as unknown as number[][];
    expectMatrixClose(out, (q().arraySync() as Matrix[]).map((qb, b) => referenceAttention(qb, vs[b], vs[b], allowed[b].map(Number), additive)));
    runLayerTest({ layer: () => new AdditiveAttention(), inputs: [q(), v()], callArgs: { mask: [null, valueMask()] }, expectedNumTrainableWeights: 1 });
  });
});

describe('MultiHeadAttention', () => {
  it('equals a per-head plain-loop computation with masks; finite differences', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: 4 });
    const out = layer.apply([q(), v()], { mask: [null, valueMask()] }) as tf.Tensor;
    expect(out.shape).toEqual([2, 2, 4]);
    const [wq, bq, wk, bk, wv, bv, wo, bo] = layer.getWeights().map((w) => w.arraySync()) as any[];
    const project = (x: number[], w: number[][][], b: number[][], h: number) =>
      b[h].map((bias, j) => bias + x.reduce((s, xi, i) => s + xi * w[i][h][j], 0));
    const qs = q().arraySync() as Matrix[];
    const vs = v().arraySync() as Matrix[];
    const allowed = valueMask().arraySync() as unknown as number[][];
    const expected = qs.map((qb, b) =>
      qb.map((_, i) => {
        const result = [...bo] as number[];
        for (let h = 0; h < 2; h++) {
          const qh = qb.map((x) => project(x, wq, bq, h).map((y) => y / Math.sqrt(2)));
          const kh = vs[b].map((x) => project(x, wk, bk, h));
          const vh = vs[b].map((x) => project(x, wv, bv, h));
          const ctx = referenceAttention([qh[i]], kh, vh, allowed[b].map(Number), dot)[0];
          for (let o = 0; o < 4; o++) for (let d = 0; d < 3; d++) result[o] += ctx[d] * wo[h][d][o];
        }
        return result;
      }),
    );
    expectMatrixClose(out, expected, 1e-4);
    runLayerTest({
      layer: () => new MultiHeadAttention({ numHeads: 2, keyDim: 2 }),
      inputs: [q(), v()],
      callArgs: { mask: [null, valueMask()] },
      expectedOutputShape: [2, 2, 3],
      expectedNumTrainableWeights: 8,
      finiteDifferences: { samples: 3 },
    });
  });

  it('causal self-attention: an output does not depend on later steps; scores come back per head', () => {
    const layer = new MultiHeadAttention({ numHeads: 3, keyDim: 2 });
    const x = tf.randomNormal([1, 4, 3], 0, 1, 'float32', 9);
    const changedLast = tf.concat([tf.slice(x, [0, 0, 0], [1, 3, 3]), tf.ones([1, 1, 3])], 1);
    const [a, scores] = layer.apply([x, x], { useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[];
    const b = layer.apply([changedLast, changedLast], { useCausalMask: true }) as tf.Tensor;
    expect(scores.shape).toEqual([1, 3, 4, 4]);
    const firstThree = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0], [1, 3, 3]).dataSync());
    expect(firstThree(b)).toEqual(firstThree(a));
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow('Received: numHeads=0');
  });
});

describe('TransformerEncoder', () => {
  it('padded steps do not change the real steps; the mask passes through; finite differences', () => {
    const layer = new TransformerEncoder({ intermediateDim: 5, numHeads: 2 });
    const x = tf.randomNormal([1, 4, 4], 0, 1, 'float32', 17);
    const mask = tf.tensor2d([[1, 1, 1, 0]], [1, 4], 'bool');
    const changedPad = tf.concat([tf.slice(x, [0, 0, 0], [1, 3, 4]), tf.fill([1, 1, 4], 5)], 1);
    const { outputs, mask: outMask } = layer.invoke(x, { mask });
    const again = layer.apply(changedPad, { mask }) as tf.Tensor;
    const real = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 3, 4]);
    expect(tf.max(tf.abs(tf.sub(real(outputs as tf.Tensor), real(again)))).dataSync()[0]).toBeLessThan(1e-5);
    expect(Array.from((outMask as tf.Tensor).dataSync())).toEqual([1, 1, 1, 0]);
    expect(layer.countParams()).toBe(4 * 4 * 4 + 4 * 4 + 2 * 4 * 2 + 4 * 5 + 5 + 5 * 4 + 4);
    runLayerTest({
      layer: () => new TransformerEncoder({ intermediateDim: 3, numHeads: 2, normalizeFirst: true }),
      inputs: tf.randomNormal([2, 3, 4], 0, 1, 'float32', 18),
      callArgs: { mask: tf.tensor2d([[1, 1, 0], [1, 1, 1]], [2, 3], 'bool') },
      expectedNumTrainableWeights: 16,
      finiteDifferences: { samples: 2 },
    });
    expect(() => new TransformerEncoder({ intermediateDim: 3, numHeads: 3 }).apply(tf.zeros([1, 2, 4]))).toThrow(/divisible by numHeads=3/);
  });
});
