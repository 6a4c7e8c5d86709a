// DataParallel against its oracle: N workers at a global batch reach the weights and epoch logs of
// one in-process fit at the same batch and data order (real threads, processes and sockets).
import { initBackend, tf } from '@weft/tensor';
import { Sequential, layers, type FitArgs, type History, type Model } from '@weft/layers';
import { DataParallel, type DataParallelOptions } from '../index';

beforeAll(async () => {
  await initBackend('wasm');
});

function mlp(optimizer: string): Sequential {
  const model = new Sequential({
    layers: [layers.dense({ units: 12, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function sequenceModel(): Sequential {
  const model = new Sequential();
  model.add(layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }));
  model.add(layers.lstm({ units: 5 }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function classification(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomNormal([n, 5], 0, 1, 'float32', seed);
  const labels = tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', seed + 1)), -1);
  return [x, tf.oneHot(labels, 3)];
}

function sequences(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomUniform([n, 6], 1, 20, 'int32', seed);
  return [x, tf.cast(tf.greater(tf.mean(tf.cast(x, 'float32'), 1, true), 10), 'float32')];
}

/** A second model with the first one's weights. */
function twin(model: Model, make: () => Model): Model {
  const copy = make();
  copy.setWeights(model.getWeights());
  return copy;
}

function expectSameWeights(actual: Model, expected: Model, tolerance = 1e-5): void {
  const a = actual.getWeights();
  const e = expected.getWeights();
  expect(a.length).toBe(e.length);
  e.forEach((w, i) => {
    const worst = tf.tidy(() => tf.max(tf.sub(tf.abs(tf.sub(a[i], w)), tf.mul(tolerance, tf.maximum(tf.abs(w), 1)))).dataSync()[0]);
    expect(worst).toBeLessThanOrEqual(0);
  });
  expect(actual.compiled!.optimizer.iterations).toBe(expected.compiled!.optimizer.iterations);
}

function expectSameHistory(actual: History, expected: History): void {
  expect(Object.keys(actual.history).sort()).toEqual(Object.keys(expected.history).sort());
  for (const [key, values] of Object.entries(expected.history)) {
    expect(actual.history[key]).toHaveLength(values.length);
    values.forEach((v, i) => expect(Math.abs((actual.history[key][i] as number) - (v as number))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v as number))));
  }
}

/** Fits `make()` in-process and a twin with DataParallel(options); both from the same weights. */
async function oracle(make: () => Model, data: [tf.Tensor, tf.Tensor], args: FitArgs, options: DataParallelOptions) {
  const serial = make();
  const parallel = twin(serial, make);
  const expected = await serial.fit(data[0], data[1], { verbose: 0, ...args });
  const actual = await parallel.fit(data[0], data[1], { verbose: 0, ...args, distribution: new DataParallel(options) });
  expectSameWeights(parallel, serial);
  expectSameHistory(actual, expected);
  return { serial, parallel, expected, actual };
}

describe('DataParallel reaches the weights of one in-process fit at the same global batch', () => {
  it('MLP, SGD, 2 threads x global batch 16, 2 epochs, no shuffling: same weights and epoch logs (loss, accuracy, val_*)', async () => {
    const data = classification(64, 1);
    const { actual } = await oracle(() => mlp('sgd'), data, { batchSize: 16, epochs: 2, shuffle: false, validationData: classification(20, 7) }, { workers: 2 });
    expect(actual.history.val_loss).toHaveLength(2);
    expect(actual.history.accuracy[1]).toBeGreaterThan(0);
  });

  it('MLP, Adam, 2 threads, shuffled from the same seed, an uneven last batch (7 rows: 4 + 3)', async () => {
    const data = classification(69, 2);
    await oracle(() => mlp('adam'), data, { batchSize: 16, epochs: 2, shuffle: true, seed: 11, validationSplit: 0.2 }, { workers: 2 });
  });

  it('a worker with no rows in the last batch still joins the step (3 threads, 66 rows, batch 16)', async () => {
    const data = classification(66, 3);
    await oracle(() => mlp('sgd'), data, { batchSize: 16, epochs: 1, shuffle: false }, { workers: 3 });
  });

  it('Embedding + LSTM + Dense, Adam, 2 threads, shuffled', async () => {
    const data = sequences(40, 4);
    await oracle(sequenceModel, data, { batchSize: 8, epochs: 2, seed: 3 }, { workers: 2 });
  });

  it('MLP, Adam, 2 processes over TCP, shuffled, with validation', async () => {
    const data = classification(50, 5);
    await oracle(() => mlp('adam'), data, { batchSize: 16, epochs: 2, seed: 2, validationData: classification(15, 8) }, { workers: 2, transport: 'processes' });
  });
});
