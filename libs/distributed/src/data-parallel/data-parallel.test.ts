// DataParallel against its oracle: N workers at a global batch reach the weights and epoch logs of
// one in-process fit at the same batch and data order (real threads, processes and sockets).
import { initBackend, tf } from '@weft/tensor';
import { Sequential, layers, type FitArgs, type Model } from '@weft/layers';
import { DataParallel, type DataParallelOptions } from '../index';
import { classification, expectSameHistory, expectSameWeights, mlp, sequenceModel, sequences, twin } from '../testing/oracle-helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

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

  it('a worker with no rows in the last batch still joins the step (3 threads, 66 rows, batch 16, class weights)', async () => {
    const data = classification(66, 3);
    await oracle(() => mlp('sgd'), data, { batchSize: 16, epochs: 1, shuffle: false, classWeight: { 0: 1, 1: 2, 2: 0.5 } }, { workers: 3 });
  });

  it('Embedding + LSTM + Dense, Adam, 2 threads, shuffled', async () => {
    const data = sequences(40, 4);
    await oracle(sequenceModel, data, { batchSize: 8, epochs: 2, seed: 3 }, { workers: 2 });
  });

  it('MLP, Adam, 2 processes over TCP, shuffled, with validation and sample weights', async () => {
    const data = classification(50, 5);
    const sampleWeight = tf.randomUniform([50], 0.5, 1.5, 'float32', 9);
    await oracle(() => mlp('adam'), data, { batchSize: 16, epochs: 2, seed: 2, sampleWeight, validationData: classification(15, 8) }, { workers: 2, transport: 'processes' });
  });
});

it("BatchNormalization: every rank ends each epoch with rank 0's moving statistics (DDP's buffer broadcast; the epoch-end checksum covers them)", async () => {
  // BatchNorm first: its statistics depend on the data only. Rank 0 trains rows 0-3 of each batch of 8.
  const make = () => {
    const model = new Sequential({ layers: [layers.batchNormalization({ inputShape: [3], momentum: 0.5 }), layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return model;
  };
  const x = tf.add(tf.randomNormal([32, 3], 0, 1, 'float32', 41), tf.reshape(tf.range(0, 32), [32, 1]));
  const y = tf.randomNormal([32, 1], 0, 1, 'float32', 42);
  const parallel = make();
  await parallel.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, distribution: new DataParallel({ workers: 2 }) });
  const rank0 = make();
  const rank0Rows = tf.concat([0, 8, 16, 24].map((start) => tf.slice(x, [start, 0], [4, 3])));
  await rank0.fit(rank0Rows, tf.zeros([16, 1]), { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
  for (const name of ['moving_mean', 'moving_variance']) {
    const actual = parallel.weights.find((w) => w.name.endsWith(name))!.read();
    const expected = rank0.weights.find((w) => w.name.endsWith(name))!.read();
    expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-5);
  }
});

describe('DataParallel.evaluate', () => {
  it('gives the in-process [loss, accuracy] over shards on 2 threads, sample weights included', async () => {
    const model = mlp('adam');
    const [x, y] = classification(37, 12);
    const sampleWeight = tf.randomUniform([37], 0.5, 1.5, 'float32', 13);
    const expected = (await model.evaluate(x, y, { batchSize: 8, sampleWeight })) as number[];
    const actual = (await model.evaluate(x, y, { batchSize: 8, sampleWeight, distribution: new DataParallel({ workers: 2 }) })) as number[];
    expect(actual).toHaveLength(2);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });
});

describe('DataParallel.predict', () => {
  it.each([
    ['3 threads', { workers: 3 }],
    ['2 processes', { workers: 2, transport: 'processes' as const }],
  ])('gives the in-process outputs, in input order, over uneven shards (%s)', async (_name, options) => {
    const model = mlp('adam');
    const [x] = classification(10, 14);
    const expected = model.predict(x, { batchSize: 4 }) as tf.Tensor;
    const actual = (await model.predict(x, { batchSize: 4, distribution: new DataParallel(options) })) as tf.Tensor;
    expect(actual.shape).toEqual([10, 3]);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
  });
});
