import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { ProgbarLogger } from '../callbacks/progbar-logger';
import { Dense } from '../layers/core/dense';
import { Sequential } from '../models/sequential';
import type { BatchDataset, DatasetBatch } from './dataset-input';

beforeAll(async () => {
  await initBackend('cpu');
});

function mlp(inputShape = true): Sequential {
  const model = new Sequential({
    layers: [new Dense({ units: 6, activation: 'tanh', ...(inputShape ? { inputShape: [4] } : {}) }), new Dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

let x: tf.Tensor;
let y: tf.Tensor;
beforeAll(() => {
  x = tf.randomNormal([37, 4], 0, 1, 'float32', 1);
  y = tf.oneHot(tf.tensor1d(Array.from({ length: 37 }, (_, i) => (i * 7) % 3), 'int32'), 3);
});

/** Rows in order, in batches of `size`, as { shape, values } arrays (what @weft/data's batch makes); epoch e logged. */
function rowsDataset(size: number, epochsRead: number[] = [], withY = true): BatchDataset {
  const xv = Array.from(x.dataSync());
  const yv = Array.from(y.dataSync());
  return {
    async *epoch(e: number): AsyncGenerator<DatasetBatch> {
      epochsRead.push(e);
      for (let start = 0; start < 37; start += size) {
        const n = Math.min(size, 37 - start);
        const batch: DatasetBatch = { x: { shape: [n, 4], values: xv.slice(start * 4, (start + n) * 4) } };
        if (withY) batch.y = { shape: [n, 3], values: yv.slice(start * 3, (start + n) * 3) };
        yield batch;
      }
    },
  };
}

const emptyDataset: BatchDataset = { epoch: async function* () {} };

describe('fit(dataset), evaluate(dataset), predict(dataset) in-process', () => {
  it('fit(dataset) of batches of 8 reaches the weights and history of fit(x, y, { batchSize: 8 }) over the same order, reading epoch e at epoch e', async () => {
    const onTensors = mlp();
    const onDataset = mlp();
    onDataset.setWeights(onTensors.getWeights());
    const epochsRead: number[] = [];
    const expected = await onTensors.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, validationData: [x, y] });
    const actual = await onDataset.fit(rowsDataset(8, epochsRead), { epochs: 2, verbose: 0, validationData: rowsDataset(16) });
    expect(epochsRead).toEqual([0, 1]);
    expect(Object.keys(actual.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const key of Object.keys(expected.history)) {
      actual.history[key].forEach((v, i) => expect(v).toBeCloseTo(expected.history[key][i] as number, 5));
    }
    const a = onDataset.getWeights();
    onTensors.getWeights().forEach((w, i) => expect(tf.max(tf.abs(tf.sub(w, a[i]))).dataSync()[0]).toBeLessThan(1e-6));
  });

  it('builds a model without an input shape from the first batch', async () => {
    const model = mlp(false);
    await model.fit(rowsDataset(8), { verbose: 0 });
    expect(model.getWeights()[0].shape).toEqual([4, 6]);
  });

  it('evaluate(dataset) and predict(dataset) give what evaluate(x, y) and predict(x) give', async () => {
    const model = mlp();
    const expected = (await model.evaluate(x, y, { batchSize: 8 })) as number[];
    const actual = (await model.evaluate(rowsDataset(8))) as number[];
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(await model.evaluate(rowsDataset(8), { steps: 1 })).not.toEqual(actual);
    const outputs = (await model.predict(rowsDataset(5, [], false))) as tf.Tensor;
    expect(outputs.shape).toEqual([37, 3]);
    expect(Array.from(outputs.dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it('shows "n/Unknown" in the first epoch and the count after it (Keras)', async () => {
    const lines: string[] = [];
    const progress = new ProgbarLogger({ verbose: 2, stream: { write: (text: string) => lines.push(text) } });
    await mlp().fit(rowsDataset(10), { epochs: 2, verbose: 0, callbacks: [progress] });
    expect(lines.filter((l) => l.includes('/'))).toEqual([expect.stringMatching(/^Epoch 1\/2/), expect.stringMatching(/^4\/Unknown - /), expect.stringMatching(/^Epoch 2\/2/), expect.stringMatching(/^4\/4 - /)]);
  });

  it('refuses what does not fit a dataset, naming the fix', async () => {
    const model = mlp();
    await expect(model.fit(rowsDataset(8, [], false))).rejects.toThrow('fit(dataset) needs targets, but batch 0 of the dataset has no y. Yield { x, y } batches');
    await expect(model.evaluate(rowsDataset(8, [], false))).rejects.toThrow('evaluate(dataset) needs targets');
    await expect(model.fit(emptyDataset)).rejects.toThrow('fit(dataset): the dataset yielded no batches in epoch 1.');
    await expect(model.predict(emptyDataset)).rejects.toThrow('predict(dataset): the dataset yielded no batches.');
    await expect(model.fit(rowsDataset(8), { batchSize: 8 })).rejects.toThrow('drop batchSize and batch in the dataset');
    await expect(model.fit(rowsDataset(8), { validationSplit: 0.2 })).rejects.toThrow('Pass validationData');
    await expect(model.fit(rowsDataset(8), y as never)).rejects.toThrow('Call fit(dataset, args) without y.');
    await expect(model.fit(x, y, { validationData: rowsDataset(8), verbose: 0 })).rejects.toThrow('Pass validationData as [x, y], or fit on a dataset');
    const notBatches: BatchDataset = { epoch: async function* () { yield 3 as unknown as DatasetBatch; } };
    await expect(model.fit(notBatches)).rejects.toThrow('batch 0 of the dataset is number, not { x, y }');
    const wrongWidth: BatchDataset = { epoch: async function* () { yield { x: { shape: [2, 5], values: new Array(10).fill(0) }, y: { shape: [2, 3], values: new Array(6).fill(0) } }; } };
    await expect(model.fit(wrongWidth, { verbose: 0 })).rejects.toThrow('expected shape');
  });
});
