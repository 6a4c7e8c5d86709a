// Models, data and comparisons shared by the DataParallel tests.
import { tf } from '@weft/tensor';
import { Sequential, layers, type History, type Model } from '@weft/layers';

export function mlp(optimizer: string): Sequential {
  const model = new Sequential({
    layers: [layers.dense({ units: 12, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export function sequenceModel(): Sequential {
  const model = new Sequential();
  model.add(layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }));
  model.add(layers.lstm({ units: 5 }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

export function classification(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomNormal([n, 5], 0, 1, 'float32', seed);
  const labels = tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', seed + 1)), -1);
  return [x, tf.oneHot(labels, 3)];
}

export function sequences(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomUniform([n, 6], 1, 20, 'int32', seed);
  return [x, tf.cast(tf.greater(tf.mean(tf.cast(x, 'float32'), 1, true), 10), 'float32')];
}

/** A second model with the first one's weights. */
export function twin(model: Model, make: () => Model): Model {
  const copy = make();
  copy.setWeights(model.getWeights());
  return copy;
}

export function expectSameWeights(actual: Model, expected: Model, tolerance = 1e-5): void {
  const a = actual.getWeights();
  const e = expected.getWeights();
  expect(a.length).toBe(e.length);
  e.forEach((w, i) => {
    const worst = tf.tidy(() => tf.max(tf.sub(tf.abs(tf.sub(a[i], w)), tf.mul(tolerance, tf.maximum(tf.abs(w), 1)))).dataSync()[0]);
    expect(worst).toBeLessThanOrEqual(0);
  });
  expect(actual.compiled!.optimizer.iterations).toBe(expected.compiled!.optimizer.iterations);
}

export function expectSameHistory(actual: History, expected: History): void {
  expect(Object.keys(actual.history).sort()).toEqual(Object.keys(expected.history).sort());
  for (const [key, values] of Object.entries(expected.history)) {
    expect(actual.history[key]).toHaveLength(values.length);
    values.forEach((v, i) => expect(Math.abs((actual.history[key][i] as number) - (v as number))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v as number))));
  }
}

