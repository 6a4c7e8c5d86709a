import * as tf from '@tensorflow/tfjs-core';
import { CallbackList, type Callback } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { ProgbarLogger } from '../callbacks/progbar-logger';
import type { Model } from '../models/model';
import {
  checkData,
  classWeightsToSampleWeights,
  permutation,
  seededRandom,
  takeRows,
  toTensorList,
  type DataInput,
  type FitArgs,
} from './data';
import { runEvaluation } from './evaluate';
import { Trainer, requireCompiled, type GradientHook } from './trainer';

function checkPositiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`fit(): \`${what}\` must be a positive integer. Received: ${what}=${value}`);
  return value;
}

/** Splits off the last `fraction` of every tensor (Keras's validationSplit, taken before shuffling). */
function splitTail(tensors: (tf.Tensor | null)[], fraction: number, n: number): [(tf.Tensor | null)[], (tf.Tensor | null)[]] {
  const cut = Math.floor(n * (1 - fraction));
  if (cut <= 0 || cut >= n) {
    throw new Error(`validationSplit=${fraction} leaves no training or no validation samples out of ${n}.`);
  }
  return [takeRows(tensors, [0, cut]), takeRows(tensors, [cut, n])];
}

/**
 * Keras's fit over in-memory tensors: batches (shuffled each epoch unless shuffle is false),
 * one Trainer step each, callbacks around batches and epochs, validation at each epoch's end.
 * `gradientHook` lets a caller (a distribution's worker) all-reduce gradients inside the step.
 */
export async function fitModel(model: Model, x: DataInput, y: DataInput, args: FitArgs = {}, gradientHook: GradientHook | null = null): Promise<History> {
  requireCompiled(model, 'fit');
  const batchSize = checkPositiveInt(args.batchSize ?? 32, 'batchSize');
  const epochs = checkPositiveInt(args.epochs ?? 1, 'epochs');
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = args.verbose ?? 1;
  let xs = toTensorList(x, model.inputNames, 'x', model.name);
  let ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  let sw: tf.Tensor | null = args.sampleWeight ?? null;
  let n = checkData(model, xs, ys, [sw]);
  const owned: tf.Tensor[] = [];
  if (args.classWeight) {
    const cw = classWeightsToSampleWeights(ys[0], args.classWeight);
    owned.push(cw);
    sw = sw ? tf.mul(sw, cw) : cw;
    if (sw !== cw) owned.push(sw);
  }

  let validation: { xs: tf.Tensor[]; ys: tf.Tensor[]; sw: tf.Tensor | null } | null = null;
  if (args.validationData) {
    const [vx, vy, vsw] = args.validationData;
    const vxs = toTensorList(vx, model.inputNames, 'x', model.name);
    const vys = toTensorList(vy, model.outputNames, 'y', model.name);
    checkData(model, vxs, vys, [vsw ?? null]);
    validation = { xs: vxs, ys: vys, sw: vsw ?? null };
  } else if (args.validationSplit) {
    if (!(args.validationSplit > 0 && args.validationSplit < 1)) {
      throw new Error(`fit(): validationSplit must be in (0, 1). Received: validationSplit=${args.validationSplit}`);
    }
    const all = [...xs, ...ys, sw];
    const [train, val] = splitTail(all, args.validationSplit, n);
    owned.push(...(train.filter((t) => t) as tf.Tensor[]), ...(val.filter((t) => t) as tf.Tensor[]));
    validation = { xs: val.slice(0, xs.length) as tf.Tensor[], ys: val.slice(xs.length, xs.length + ys.length) as tf.Tensor[], sw: val[val.length - 1] };
    xs = train.slice(0, xs.length) as tf.Tensor[];
    ys = train.slice(xs.length, xs.length + ys.length) as tf.Tensor[];
    sw = train[train.length - 1];
    n = xs[0].shape[0];
  }

  const batchesPerPass = Math.ceil(n / batchSize);
  const steps = args.stepsPerEpoch !== undefined ? checkPositiveInt(args.stepsPerEpoch, 'stepsPerEpoch') : batchesPerPass;
  const trainer = new Trainer(model, gradientHook);
  const validationTrainer = new Trainer(model);
  const history = new History();
  const callbacks: Callback[] = [...(args.callbacks ?? []), history];
  if (verbose > 0) callbacks.push(new ProgbarLogger({ verbose: verbose === 2 ? 2 : 1 }));
  const list = new CallbackList(callbacks);
  list.setModel(model);
  const metricNames = ['loss', ...trainer.metricEntries(model.outputNames).map((e) => e.name)];
  list.setParams({ epochs, steps, verbose, metrics: [...metricNames, ...(validation ? metricNames.map((m) => `val_${m}`) : [])] });

  const wantsBatchLogs = list.wantsBatchLogs;
  const random = args.seed !== undefined ? seededRandom(args.seed) : Math.random;
  const shuffle = args.shuffle ?? true;
  let order: Int32Array | null = null;
  let position = 0; // next batch within the current pass; continues across epochs with stepsPerEpoch
  model.stopTraining = false;
  model.history = history;
  try {
    await list.onTrainBegin();
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      trainer.resetMetrics();
      await list.onEpochBegin(epoch);
      for (let step = 0; step < steps && !model.stopTraining; step++) {
        if (position === 0) order = shuffle ? permutation(n, random) : null;
        const start = position * batchSize;
        const end = Math.min(start + batchSize, n);
        position = (position + 1) % batchesPerPass;
        await list.onBatchBegin(step, { batch: step, size: end - start });
        const rows = order ? order.subarray(start, end) : ([start, end] as [number, number]);
        const batchTensors = takeRows([...xs, ...ys, sw], rows);
        const bx = batchTensors.slice(0, xs.length) as tf.Tensor[];
        const by = batchTensors.slice(xs.length, xs.length + ys.length) as tf.Tensor[];
        const bsw = batchTensors[batchTensors.length - 1];
        try {
          await trainer.trainStep({ xs: bx, ys: by, sampleWeights: by.map(() => bsw) });
        } finally {
          tf.dispose(batchTensors.filter((t) => t) as tf.Tensor[]);
        }
        await list.onBatchEnd(step, wantsBatchLogs ? trainer.logs(model.outputNames) : {});
      }
      const logs = trainer.logs(model.outputNames);
      if (validation) {
        const valLogs = runEvaluation(model, validationTrainer, validation.xs, validation.ys, validation.sw, args.validationBatchSize ?? batchSize);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      await list.onEpochEnd(epoch, logs);
    }
    await list.onTrainEnd();
  } finally {
    tf.dispose(owned);
    trainer.dispose();
    validationTrainer.dispose();
  }
  return history;
}
