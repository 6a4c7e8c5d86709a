import { initBackend, tf } from '@weft/tensor';
import { meanGradConfig, sumGradConfig } from './gradients';

/** tfjs's own formula for Sum's and Mean's gradients: dy, shaped to keep the reduced axes, times ones (then / count). */
function onesFormula(dy: tf.Tensor, shape: number[], axes: number[], mean: boolean): tf.Tensor {
  const kept = shape.map((size, i) => (axes.includes(i) ? 1 : size));
  const spread = tf.mul(tf.reshape(dy, kept), tf.ones(shape));
  return mean ? tf.div(spread, axes.reduce((n, a) => n * shape[a], 1)) : spread;
}

describe("Sum's and Mean's gradients broadcast in the backend", () => {
  afterAll(async () => {
    await initBackend('cpu');
  });

  it("replace tfjs-layers' configs (registered when its bundle loads)", () => {
    expect(tf.getGradient(tf.Sum)).toBe(sumGradConfig);
    expect(tf.getGradient(tf.Mean)).toBe(meanGradConfig);
  });

  it.each(['cpu', 'wasm'] as const)('on %s: the same bits as dy * ones(x.shape), for every axis set', async (backend) => {
    await initBackend(backend);
    const shape = [3, 5, 4];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    for (const axes of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
      for (const mean of [false, true]) {
        const reduce = (t: tf.Tensor) => (mean ? tf.mean(t, axes) : tf.sum(t, axes));
        const outShape = reduce(x).shape;
        const dy = tf.randomNormal(outShape, 0, 1, 'float32', 5);
        const got = tf.grad((t: tf.Tensor) => reduce(t))(x, dy);
        const want = onesFormula(dy, shape, axes, mean);
        expect(got.shape).toEqual(shape);
        expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      }
    }
  });

  it('a negative axis and keepDims', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 7);
    const got = tf.grad((t: tf.Tensor) => tf.mean(t, -1, true))(x, tf.ones([2, 3, 1]));
    expect(Array.from(got.dataSync())).toEqual(new Array(24).fill(Math.fround(1 / 4)));
  });
});
