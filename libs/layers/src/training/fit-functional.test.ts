import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { input } from '../engine/input-layer';
import { Dense } from '../layers/core/dense';
import { Embedding } from '../layers/core/embedding';
import { BatchNormalization } from '../layers/normalization/batch-normalization';
import { Flatten } from '../layers/reshaping/flatten';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { L2 } from '../regularizers';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('fit beyond one output', () => {
  it('trains a two-input, two-output functional model with per-output losses, weights and metrics', async () => {
    const ids = input({ shape: [5], dtype: 'int32', name: 'ids' });
    const feats = input({ shape: [3], name: 'feats' });
    const h = new Flatten().apply(new Embedding({ inputDim: 10, outputDim: 2 }).apply(ids));
    const both = new Dense({ units: 8, activation: 'relu' }).apply(h);
    const joined = new Dense({ units: 4, activation: 'tanh', name: 'joined' }).apply(
      new Dense({ units: 4, name: 'feat_proj' }).apply(feats),
    );
    const cls = new Dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(both);
    const reg = new Dense({ units: 1, name: 'reg' }).apply(joined);
    const model = new Model({ inputs: [ids, feats], outputs: [cls, reg] });
    model.compile({
      optimizer: 'adam',
      loss: { cls: 'sparseCategoricalCrossentropy', reg: 'mse' },
      lossWeights: { cls: 1, reg: 0.5 },
      metrics: { cls: ['accuracy'], reg: ['mae'] },
    });
    const n = 32;
    const x = { ids: tf.randomUniform([n, 5], 0, 10, 'int32', 1), feats: tf.randomNormal([n, 3], 0, 1, 'float32', 2) };
    const y = { cls: tf.cast(tf.greater(tf.sum(x.ids, 1), 22), 'float32'), reg: tf.sum(x.feats, 1, true) };
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['cls_accuracy', 'loss', 'reg_mae']);
    const [loss] = (await model.evaluate(x, y)) as number[];
    // The total is the weighted sum of the output losses.
    const [pc, pr] = model.predict(x) as tf.Tensor[];
    const ce = tf.mean(tf.neg(tf.log(tf.sum(tf.mul(pc, tf.oneHot(tf.cast(y.cls, 'int32'), 2)), 1)))).dataSync()[0];
    const mse = tf.mean(tf.square(tf.sub(pr, y.reg))).dataSync()[0];
    expect(loss).toBeCloseTo(ce + 0.5 * mse, 4);
  });

  it('updates BatchNormalization moving statistics inside the training step, without leaking tensors', async () => {
    const bn = new BatchNormalization({ momentum: 0.5 });
    const model = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3], activityRegularizer: new L2({ l2: 0.01 }) }), bn, new Dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([16, 3], 2, 1, 'float32', 3);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 4);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(Array.from(bn.movingMean!.read().dataSync()).some((v) => v !== 0)).toBe(true);
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationData: [x, y] });
    tf.dispose(model.predict(x));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('includes activity regularization in the loss', async () => {
    const dense = new Dense({ units: 2, inputShape: [2], kernelInitializer: 'ones', useBias: false, activityRegularizer: new L2({ l2: 0.1 }) });
    const model = new Sequential({ layers: [dense] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.ones([4, 2]);
    // Outputs are all 2, so the mse is 0; the activity penalty is 0.1 * sum(out^2) / batch = 0.1 * 32 / 4 (Keras 3).
    expect(await model.evaluate(x, tf.fill([4, 2], 2))).toBeCloseTo(0.8, 5);
  });
});
