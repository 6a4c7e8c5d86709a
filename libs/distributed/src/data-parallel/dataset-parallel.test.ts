// fit/evaluate/predict on datasets under DataParallel against the same calls in-process: with
// Dataset.fromModule every rank (real threads and processes) reads only its shard.
import { join } from 'node:path';
import { Dataset } from '@weft/data';
import { initBackend, tf } from '@weft/tensor';
import { Sequential, layers, type DatasetBatch, type Model } from '@weft/layers';
import { DataParallel, type DataParallelOptions } from '../index';
import { classificationSample } from '../testing/dataset-functions';
import { expectSameHistory, expectSameWeights, mlp, twin } from '../testing/oracle-helpers';

const FUNCTIONS = join(__dirname, '../testing/dataset-functions.ts');
const classification = (samples: number, globalBatch: number, seed: number) => Dataset.fromModule(FUNCTIONS, 'classificationData', { samples, globalBatch, seed });

beforeAll(async () => {
  await initBackend('wasm');
});

/** fit in-process (worldSize 1: batches of the global batch) and with DataParallel (each rank its shard, per-rank batches), from the same weights. */
async function oracle(make: () => Model, train: () => Dataset<DatasetBatch>, options: DataParallelOptions, args: { epochs: number; validationData?: Dataset<DatasetBatch> }) {
  const serial = make();
  const parallel = twin(serial, make);
  const expected = await serial.fit(train(), { verbose: 0, ...args });
  const actual = await parallel.fit(train(), { verbose: 0, ...args, distribution: new DataParallel(options) });
  expectSameWeights(parallel, serial);
  expectSameHistory(actual, expected);
  return actual;
}

describe('fit(dataset) with DataParallel reaches the weights of one in-process fit(dataset)', () => {
  it('2 threads, per-rank batch 4 vs batch 8, 37 samples (the last global batch 5 = 3 + 2), seeded order, 2 epochs, validation from a module too', async () => {
    const history = await oracle(() => mlp('adam'), () => classification(37, 8, 5), { workers: 2 }, { epochs: 2, validationData: classification(15, 4, 9) });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  });

  it('2 threads, 33 samples, global batch 8: rank 1 runs out first and joins the last step (1 + 0 rows) with no rows', async () => {
    await oracle(() => mlp('sgd'), () => classification(33, 8, 2), { workers: 2 }, { epochs: 1 });
  });

  it('2 processes over TCP, 21 samples, global batch 8', async () => {
    await oracle(() => mlp('adam'), () => classification(21, 8, 3), { workers: 2, transport: 'processes' }, { epochs: 1 });
  });

  it('an in-memory dataset (not from a module) falls back to batches read by the coordinator, to the same weights', async () => {
    const rows = Array.from({ length: 19 }, (_, i) => classificationSample(i));
    const inMemory = () =>
      Dataset.from(rows)
        .shuffle(19, 4)
        .batch(6)
        .map((b) => ({ x: { shape: [b.length, 5], values: b.flatMap((r) => r.x) }, y: { shape: [b.length, 3], values: b.flatMap((r) => r.y) } }));
    await oracle(() => mlp('adam'), inMemory, { workers: 2 }, { epochs: 2 });
  });
});

describe('evaluate(dataset) and predict(dataset) with DataParallel', () => {
  it('evaluate over 2 threads, each on its shard, gives the in-process [loss, accuracy]', async () => {
    const model = mlp('adam');
    const expected = (await model.evaluate(classification(23, 4, 6))) as number[];
    const actual = (await model.evaluate(classification(23, 4, 6), { distribution: new DataParallel({ workers: 2 }) })) as number[];
    expect(actual).toHaveLength(2);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('predict over 3 threads returns every sample once, in the input order (10 ids shuffled: shards of 4, 3, 3)', async () => {
    // Output = input: the rows show which sample each is.
    const identity = new Sequential({ layers: [layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
    const ids = () => Dataset.fromModule(FUNCTIONS, 'sampleIds', { samples: 10, seed: 8, batch: 2 });
    const order = await Dataset.from(Array.from({ length: 10 }, (_, i) => i)).shuffle(10, 8).toArray(0);
    const expected = (await identity.predict(ids())) as tf.Tensor;
    const actual = (await identity.predict(ids(), { distribution: new DataParallel({ workers: 3 }) })) as tf.Tensor;
    expect(Array.from(expected.dataSync())).toEqual(order);
    expect(actual.shape).toEqual([10, 1]);
    expect(Array.from(actual.dataSync())).toEqual(order);
  });
});

describe('bad input names the fix', () => {
  it('a relative module path, a missing export, an empty dataset, an unbuilt model', async () => {
    expect(() => Dataset.fromModule('testing/dataset-functions.ts', 'classificationData')).toThrow("the module path must be absolute (every rank imports it from its own directory). Received: 'testing/dataset-functions.ts'; use path.resolve(");
    expect(() => Dataset.fromModule(FUNCTIONS, 'classificationDta')).toThrow(`${FUNCTIONS} has no function export 'classificationDta' (found: undefined; its function exports: classificationData, classificationSample, emptyData, sampleIds)`);
    expect(() => Dataset.fromModule(FUNCTIONS, 'notAFunction')).toThrow("has no function export 'notAFunction' (found: number");
    await expect(mlp('sgd').fit(Dataset.fromModule(FUNCTIONS, 'emptyData'), { verbose: 0, distribution: new DataParallel({ workers: 2 }) })).rejects.toThrow(
      'fit(dataset): the dataset yielded no batches in epoch 1.',
    );
    const unbuilt = new Sequential({ layers: [layers.dense({ units: 3 })] });
    unbuilt.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(unbuilt.fit(classification(8, 4, 1), { distribution: new DataParallel({ workers: 2 }) })).rejects.toThrow('fit(dataset) needs a built model');
  });
});
