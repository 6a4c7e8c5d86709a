// A model described on the main thread is rebuilt from its config in a worker thread (started with
// the tsx CJS hook, as the project's workers are); one step there equals one step here.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { initBackend, tf } from '@weft/tensor';
import { Sequential, Trainer, describeModel, layers, type ModelSpec } from '@weft/layers';

beforeAll(async () => {
  await initBackend('cpu');
});

function runInWorker(data: unknown): Promise<{ loss: number; spec: ModelSpec; metricState: number[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'fixtures', 'train-step-worker.ts'), {
      workerData: data,
      execArgv: ['--require', 'tsx/cjs'],
    });
    worker.once('message', (msg) => {
      void worker.terminate();
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once('error', reject);
  });
}

it('a worker thread rebuilds the compiled model from describeModel() and takes the same step', async () => {
  const model = new Sequential();
  model.add(layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 5 }));
  model.add(layers.flatten());
  model.add(layers.layerNormalization());
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 0, 1, 0, 2]]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
  const trainer = new Trainer(model);
  await trainer.trainStep({ xs: [x], ys: [y] }); // optimizer state exists before the hand-over
  const spec = describeModel(model);

  const remote = await runInWorker({
    spec,
    x: { values: x.dataSync(), shape: x.shape },
    y: { values: y.dataSync(), shape: y.shape },
  });
  trainer.resetMetrics();
  await trainer.trainStep({ xs: [x], ys: [y] });
  const loss = trainer.logs(model.outputNames).loss;
  expect(remote.loss).toBeCloseTo(loss, 6);
  expect(remote.metricState).toEqual(trainer.getMetricState());
  const local = describeModel(model);
  expect(remote.spec.optimizerIterations).toBe(2);
  remote.spec.weights.forEach((w, i) => {
    expect(w.name).toBe(local.weights[i].name);
    w.values.forEach((v, j) => expect(v).toBeCloseTo(local.weights[i].values[j], 6));
  });
});
