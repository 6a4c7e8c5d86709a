import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { Callback, type Logs } from '../callbacks/callback';
import { Dense } from '../layers/core/dense';
import { Dropout } from '../layers/regularization/dropout';
import { Sequential } from '../models/sequential';
import { GlorotUniform } from '../initializers';
import { L2 } from '../regularizers';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Two Gaussian blobs per class in 2-D, one-hot labels: learnable by a small MLP. */
function blobs(n: number, classes: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const labels = tf.clipByValue(tf.cast(tf.mul(tf.randomUniform([n], 0, 1, 'float32', seed), classes), 'int32'), 0, classes - 1) as tf.Tensor1D;
    const angle = tf.mul(tf.cast(labels, 'float32'), (2 * Math.PI) / classes);
    const centers = tf.stack([tf.cos(angle), tf.sin(angle)], 1);
    const x = tf.add(tf.mul(centers, 2), tf.randomNormal([n, 2], 0, 0.35, 'float32', seed + 1)) as tf.Tensor2D;
    return { x, y: tf.oneHot(labels, classes) as tf.Tensor2D, labels };
  });
}

class Recorder extends Callback {
  events: string[] = [];
  batchLogs: Logs[] = [];
  override onTrainBegin() { this.events.push('trainBegin'); }
  override onEpochBegin(e: number) { this.events.push(`epochBegin${e}`); }
  override onBatchEnd(_b: number, logs: Logs = {}) { this.batchLogs.push(logs); }
  override onEpochEnd(e: number) { this.events.push(`epochEnd${e}`); }
  override onTrainEnd() { this.events.push('trainEnd'); }
}

describe('compile and fit', () => {
  it("runs the seed's running example (Dense 4 tanh, Dense 4 tanh, Dense 1 softmax, rmsprop, categorical crossentropy, accuracy)", async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 4, activation: 'tanh', inputShape: [3] }));
    model.add(new Dense({ units: 4, activation: 'tanh' }));
    model.add(new Dense({ units: 1, activation: 'softmax' }));
    model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.randomNormal([20, 3], 0, 1, 'float32', 1);
    const y = tf.ones([20, 1]);
    const history = await model.fit(x, y, { batchSize: 8, epochs: 2, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss']);
    expect(history.history.loss).toHaveLength(2);
    // softmax over one unit is 1 everywhere: the loss is 0 and the prediction always "correct".
    expect(history.history.loss[1]).toBeCloseTo(0, 5);
    const [loss, acc] = (await model.evaluate(x, y, { batchSize: 8 })) as number[];
    expect(loss).toBeCloseTo(0, 5);
    expect(acc).toBe(1);
  });

  it('trains the MLP classifier (Dense relu, Dropout, Dense relu, Dropout, Dense softmax) to a stated accuracy', async () => {
    const train = blobs(512, 3, 10);
    const test = blobs(128, 3, 20);
    const model = new Sequential();
    // Seeded weights, dropout and shuffling: the run is reproducible on a given backend.
    model.add(new Dense({ units: 32, activation: 'relu', inputShape: [2], kernelInitializer: new GlorotUniform({ seed: 1 }) }));
    model.add(new Dropout({ rate: 0.2, seed: 1 }));
    model.add(new Dense({ units: 32, activation: 'relu', kernelInitializer: new GlorotUniform({ seed: 2 }) }));
    model.add(new Dropout({ rate: 0.2, seed: 2 }));
    model.add(new Dense({ units: 3, activation: 'softmax', kernelInitializer: new GlorotUniform({ seed: 3 }) }));
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('Total params: 1,251');
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const rec = new Recorder();
    const history = await model.fit(train.x, train.y, {
      batchSize: 32, epochs: 8, verbose: 0, validationData: [test.x, test.y], callbacks: [rec], seed: 3,
    });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.history.loss[7]).toBeLessThan(history.history.loss[0]);
    // Stated target: at least 95% validation accuracy on three separable blobs.
    expect(history.history.val_accuracy[7]).toBeGreaterThanOrEqual(0.95);
    expect(rec.events[0]).toBe('trainBegin');
    expect(rec.events.slice(1, 3)).toEqual(['epochBegin0', 'epochEnd0']);
    expect(rec.batchLogs).toHaveLength(8 * 16);
    const [, acc] = (await model.evaluate(test.x, test.y)) as number[];
    expect(acc).toBeCloseTo(history.history.val_accuracy[7], 5);
    const probs = model.predict(test.x, { batchSize: 50 }) as tf.Tensor;
    expect(probs.shape).toEqual([128, 3]);
  });

  it('keeps the tensor count stable across epochs', async () => {
    const data = blobs(64, 2, 4);
    const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [2] }), new Dropout({ rate: 0.1 }), new Dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(data.x, data.y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adds regularization losses to the loss', async () => {
    const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: new L2({ l2: 0.5 }) })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const loss = (await model.evaluate(tf.zeros([4, 2]), tf.zeros([4, 1]))) as number;
    expect(loss).toBeCloseTo(0.5 * 2, 5); // mse 0 + 0.5 * sum(kernel^2)
  });

  it('weights samples and classes', async () => {
    const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', useBias: false })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.ones([2, 1]);
    const y = tf.tensor2d([[1], [3]]);
    expect(await model.evaluate(x, y)).toBeCloseTo(5, 5);
    expect(await model.evaluate(x, y, { sampleWeight: tf.tensor1d([1, 0]) })).toBeCloseTo(0.5, 5);
    // classWeight {class: weight} acts as per-sample weights from the labels.
    const labels = tf.tensor2d([[0, 1], [1, 0]]);
    const cw = new Sequential({ layers: [new Dense({ units: 2, inputShape: [1], kernelInitializer: 'zeros', useBias: false })] });
    cw.compile({ optimizer: 'sgd', loss: 'mse' });
    const h1 = await cw.fit(x, labels, { classWeight: { 0: 1, 1: 0 }, epochs: 1, verbose: 0, shuffle: false });
    const h2 = await cw.fit(x, labels, { sampleWeight: tf.tensor1d([0, 1]), epochs: 1, verbose: 0, shuffle: false });
    expect(h1.history.loss[0]).toBeCloseTo(0.25, 5); // only sample 1 (class 0) counts: mse 0.5 / 2 samples
    expect(h2.history.loss[0]).toBeLessThan(0.25); // same weighting, one step later
    await expect(cw.fit(x, labels, { classWeight: { 1: 1 }, verbose: 0 })).rejects.toThrow(/classWeight has no entry for class 0/);
    const before = model.getWeights()[0].dataSync()[0];
    await model.trainOnBatch(x, y, { sampleWeight: tf.tensor1d([0, 0]) });
    expect(model.getWeights()[0].dataSync()[0]).toBe(before);
  });

  it('stops at stepsPerEpoch and resumes from initialEpoch', async () => {
    const data = blobs(64, 2, 5);
    const model = new Sequential({ layers: [new Dense({ units: 2, activation: 'softmax', inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const rec = new Recorder();
    const history = await model.fit(data.x, data.y, { epochs: 3, initialEpoch: 1, stepsPerEpoch: 3, batchSize: 8, verbose: 0, callbacks: [rec] });
    expect(history.epoch).toEqual([1, 2]);
    expect(rec.batchLogs).toHaveLength(6);
    expect(model.compiled!.optimizer.iterations).toBe(6);
  });
});

describe('bad input', () => {
  const model = () => {
    const m = new Sequential({ layers: [new Dense({ units: 2, activation: 'softmax', inputShape: [3] })] });
    return m;
  };

  it('fit before compile', async () => {
    await expect(model().fit(tf.ones([2, 3]), tf.ones([2, 2]))).rejects.toThrow(/You must call compile\(\) before fit\(\)/);
  });

  it('unknown optimizer, loss and metric names list the valid ones', () => {
    expect(() => model().compile({ optimizer: 'rmsprob', loss: 'mse' })).toThrow(/Unknown optimizer: 'rmsprob'. Valid optimizer names: .*rmsprop/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'categorical_crossentropi' })).toThrow(/Unknown loss: 'categorical_crossentropi'. Valid loss names: .*categoricalCrossentropy/);
    expect(() => model().compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] })).toThrow(/Unknown metric: 'acuracy'/);
  });

  it('wrong input shape, rank and dtype', async () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(m.fit(tf.ones([2, 4]), tf.ones([2, 2]), { verbose: 0 })).rejects.toThrow(/expected shape \[null,3\]. Received: shape=\[2,4\]/);
    await expect(m.fit(tf.ones([2, 3, 1]), tf.ones([2, 2]), { verbose: 0 })).rejects.toThrow(/expected shape \[null,3\]. Received: shape=\[2,3,1\]/);
    await expect(m.fit(tf.tensor([['a', 'b', 'c']]) as tf.Tensor, tf.ones([1, 2]), { verbose: 0 })).rejects.toThrow(/must be numeric .*Received: dtype=string/);
  });

  it('labels that do not fit the loss, and mismatched sample counts', async () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(m.fit(tf.ones([2, 3]), tf.ones([2, 3]), { verbose: 0 })).rejects.toThrow(/categoricalCrossentropy expects yTrue and yPred of the same shape. Received: yTrue \[2,3\], yPred \[2,2\]/i);
    await expect(m.fit(tf.ones([2, 3]), tf.ones([3, 2]), { verbose: 0 })).rejects.toThrow(/same number of samples/);
    await expect(m.fit(tf.ones([2, 3]), tf.ones([2, 2]), { verbose: 0, batchSize: 0 })).rejects.toThrow('Received: batchSize=0');
  });
});
