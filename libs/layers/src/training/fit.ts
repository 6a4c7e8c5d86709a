import * as tf from '@tensorflow/tfjs-core';
import { StepTracer } from '@weft/tensor';
import type { History } from '../callbacks/history';
import { assertPositiveInt } from '../engine/validate';
import { BatchSchedule } from './batch-schedule';
import { tensorValidationData } from './dataset-input';
import { checkData, classWeightsToSampleWeights, takeRows, toTensorList, type DataInput } from './data';
import type { FitArgs } from './fit-args';
import { runEvaluation } from './evaluate';
import { trainSteps, type EpochRunner } from './fit-loop';
import { runTrainerFit, trainerStepEvents } from './trainer-fit';
import { Trainer, requireCompiled, type GradientHook } from './trainer';
import type { TrainingModel } from './training-model';

/** Splits off the last `fraction` of every tensor (Keras's validationSplit, taken before shuffling). */
function splitTail(tensors: (tf.Tensor | null)[], fraction: number, n: number): [(tf.Tensor | null)[], (tf.Tensor | null)[]] {
  const cut = Math.floor(n * (1 - fraction));
  if (cut <= 0 || cut >= n) {
    throw new Error(`validationSplit=${fraction} leaves no training or no validation samples out of ${n}.`);
  }
  return [takeRows(tensors, [0, cut]), takeRows(tensors, [cut, n])];
}

/**
 * Keras's fit over in-memory tensors: runFitLoop with a runner that trains each epoch here, one
 * Trainer step per batch (shuffled each pass unless shuffle is false), validating at each
 * epoch's end. `gradientHook` lets a caller all-reduce gradients inside the step.
 */
export async function fitModel(model: TrainingModel, x: DataInput, y: DataInput, args: FitArgs = {}, gradientHook: GradientHook | null = null): Promise<History> {
  requireCompiled(model, 'fit');
  const batchSize = assertPositiveInt(args.batchSize ?? 32, 'batchSize', 'fit()');
  const epochs = assertPositiveInt(args.epochs ?? 1, 'epochs', 'fit()');
  let xs = toTensorList(x, model.inputNames, 'x', model.name);
  let ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  let sw: tf.Tensor | null = args.sampleWeight ?? null;
  let n = checkData(model, xs, ys, [sw], { strings: true });
  const owned: tf.Tensor[] = [];
  if (args.classWeight) {
    const cw = classWeightsToSampleWeights(ys[0], args.classWeight);
    owned.push(cw);
    sw = sw ? tf.mul(sw, cw) : cw;
    if (sw !== cw) owned.push(sw);
  }

  let validation: { xs: tf.Tensor[]; ys: tf.Tensor[]; sw: tf.Tensor | null } | null = null;
  if (args.validationData) {
    const [vx, vy, vsw] = tensorValidationData(args.validationData);
    const vxs = toTensorList(vx, model.inputNames, 'x', model.name);
    const vys = toTensorList(vy, model.outputNames, 'y', model.name);
    checkData(model, vxs, vys, [vsw ?? null], { strings: true });
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

  const steps = args.stepsPerEpoch !== undefined ? assertPositiveInt(args.stepsPerEpoch, 'stepsPerEpoch', 'fit()') : Math.ceil(n / batchSize);
  const trainer = new Trainer(model, gradientHook);
  if (args.profile) trainer.tracer = new StepTracer({ rank: 0, label: 'fit', gcPauses: true });
  const validationTrainer = new Trainer(model);
  const schedule = new BatchSchedule(n, batchSize, args.shuffle ?? true, args.seed);
  const nextBatch = () => {
    const { rows, batchSize: size } = schedule.next();
    const tensors = takeRows([...xs, ...ys, sw], rows);
    const by = tensors.slice(xs.length, xs.length + ys.length) as tf.Tensor[];
    const bsw = tensors[tensors.length - 1];
    return { batch: { xs: tensors.slice(0, xs.length) as tf.Tensor[], ys: by, sampleWeights: by.map(() => bsw) }, size };
  };
  const runner: EpochRunner = {
    async runEpoch(_epoch, batches) {
      trainer.resetMetrics();
      await trainSteps(trainer, steps, nextBatch, trainerStepEvents(model, trainer, batches));
      const logs = trainer.logs(model.outputNames);
      if (validation) {
        const valLogs = runEvaluation(model, validationTrainer, validation.xs, validation.ys, validation.sw, args.validationBatchSize ?? batchSize);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      return logs;
    },
  };
  try {
    return await runTrainerFit(model, trainer, validationTrainer, runner, args, { epochs, steps, validating: validation !== null });
  } finally {
    tf.dispose(owned);
  }
}
