import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { Dense } from '../layers/core/dense';
import { Sequential } from '../models/sequential';
import { loadModel } from '../models/load-model';
import { CSVLogger } from './csv-logger';
import { EarlyStopping } from './early-stopping';
import { LambdaCallback } from './lambda-callback';
import { ModelCheckpoint, formatFilepath } from './model-checkpoint';
import { ProgbarLogger } from './progbar-logger';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import { TerminateOnNaN } from './terminate-on-nan';

beforeAll(async () => {
  await initBackend('cpu');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-callbacks-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const regression = () => {
  const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tf.randomNormal([32, 2], 0, 1, 'float32', 3);
  const y = tf.matMul(x, tf.tensor2d([[2], [-1]]));
  return { model, x, y };
};

describe('callbacks', () => {
  it('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', () => {
    const { model } = regression();
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    es.setModel(model);
    es.onTrainBegin();
    const snapshots: number[][] = [];
    const losses = [1.0, 0.5, 0.7, 0.8, 0.9];
    for (let epoch = 0; epoch < losses.length && !model.stopTraining; epoch++) {
      model.setWeights([tf.fill([2, 1], epoch), tf.fill([1], epoch)]);
      snapshots.push(Array.from(model.getWeights()[0].dataSync()));
      es.onEpochEnd(epoch, { val_loss: losses[epoch] });
    }
    expect(es.stoppedEpoch).toBe(3);
    expect(model.stopTraining).toBe(true);
    es.onTrainEnd();
    expect(Array.from(model.getWeights()[0].dataSync())).toEqual(snapshots[1]);
    expect(() => es.onEpochEnd(0, { loss: 1 })).toThrow(/monitors 'val_loss', which is not in the logs. Available: loss/);
  });

  it('EarlyStopping ends fit early on a model that cannot improve', async () => {
    const { model, x, y } = regression();
    model.compile({ optimizer: { className: 'SGD', config: { learningRate: 0 } }, loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'loss', patience: 1 })] });
    expect(history.epoch).toEqual([0, 1]);
  });

  it('ModelCheckpoint saves only improvements, atomically, and the checkpoint loads', async () => {
    const { model, x, y } = regression();
    const ckpt = new ModelCheckpoint({ filepath: path.join(dir, 'ckpt-{epoch:02d}'), monitor: 'loss', saveBestOnly: true });
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [ckpt] });
    expect(ckpt.saved.map((p) => path.basename(p))).toEqual(['ckpt-01', 'ckpt-02', 'ckpt-03']);
    expect(fs.readdirSync(dir).sort()).toEqual(['ckpt-01', 'ckpt-02', 'ckpt-03']); // no temporary leftovers
    const restored = await loadModel(path.join(dir, 'ckpt-03'));
    expect(Array.from((restored.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));

    const weightsOnly = new ModelCheckpoint({ filepath: path.join(dir, 'best.weights'), monitor: 'loss', saveBestOnly: true, saveWeightsOnly: true });
    weightsOnly.setModel(model);
    await weightsOnly.onEpochEnd(0, { loss: 1 });
    const first = fs.readFileSync(path.join(dir, 'best.weights'));
    await weightsOnly.onEpochEnd(1, { loss: 2 }); // worse: the best file stays as it was
    expect(fs.readFileSync(path.join(dir, 'best.weights')).equals(first)).toBe(true);
    expect(formatFilepath('m-{epoch:03d}-{val_loss:.2f}', 4, { val_loss: 0.12345 })).toBe('m-005-0.12');
  });

  it('ReduceLROnPlateau divides the learning rate after `patience` flat epochs, then cools down', () => {
    const { model } = regression();
    model.compile({ optimizer: { className: 'SGD', config: { learningRate: 0.1 } }, loss: 'mse' });
    const cb = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.02 });
    cb.setModel(model);
    cb.onTrainBegin();
    const lrs: number[] = [];
    for (const [epoch, v] of [1, 1, 1, 1, 1, 1, 1, 1].entries()) {
      cb.onEpochEnd(epoch, { val_loss: v });
      lrs.push(model.compiled!.optimizer.learningRate as number);
    }
    // Keras 3's sequence: the cooldown epoch resets `wait`, the next flat epochs count again; minLr floors it.
    expect(lrs).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02]);
  });

  it('TerminateOnNaN stops on a NaN loss and says so', async () => {
    const { model } = regression();
    const lines: string[] = [];
    const cb = new TerminateOnNaN((l) => lines.push(l));
    const x = tf.tensor2d([[NaN, 1], [1, 1], [2, 2], [3, 3]]);
    const history = await model.fit(x, tf.ones([4, 1]), { epochs: 5, batchSize: 2, shuffle: false, verbose: 0, callbacks: [cb] });
    expect(lines).toEqual(['Batch 0: Invalid loss (NaN), terminating training']);
    expect(history.epoch).toEqual([0]);
  });

  it('CSVLogger writes a header and one row per epoch; LambdaCallback runs functions', async () => {
    const { model, x, y } = regression();
    const file = path.join(dir, 'log.csv');
    const epochs: number[] = [];
    await model.fit(x, y, {
      epochs: 2, verbose: 0, validationSplit: 0.25,
      callbacks: [new CSVLogger({ filename: file }), new LambdaCallback({ onEpochEnd: (e) => { epochs.push(e); } })],
    });
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,val_loss');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/^1,\d+\.\d+(e-?\d+)?,\d+\.\d+/);
    expect(epochs).toEqual([0, 1]);
  });

  it('ProgbarLogger prints Keras lines: one per epoch off a TTY, in place on a TTY', async () => {
    const { model, x, y } = regression();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    let plain = '';
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationData: [x, y], callbacks: [new ProgbarLogger({ stream: { write: (t) => (plain += t) } })] });
    const lines = plain.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^4\/4 \[==============================\] - \d+m?s \d+(ms|us|s)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4} - val_loss: \d+\.\d{4} - val_mae: \d+\.\d{4}$/);
    let tty = '';
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [new ProgbarLogger({ stream: { write: (t) => (tty += t), isTTY: true }, interval: 0 })] });
    expect(tty).toMatch(/\r1\/4 \[======>\.{23}\] - ETA: /);
    expect(tty.endsWith('\n')).toBe(true);
    expect(tty.split('\n')).toHaveLength(3);
  });
});
