import * as tf from '@tensorflow/tfjs-core';
import { checkData, takeRows, toTensorList, type DataInput } from './data';
import type { EvaluateArgs } from './fit-args';
import { Trainer, requireCompiled } from './trainer';
import type { TrainingModel } from './training-model';

/** Loss and metrics over the data in batches, inference mode; returns {loss, metric names...}. */
export function runEvaluation(
  model: TrainingModel,
  trainer: Trainer,
  xs: tf.Tensor[],
  ys: tf.Tensor[],
  sw: tf.Tensor | null,
  batchSize: number,
  maxSteps = Infinity,
): Record<string, number> {
  const n = xs[0].shape[0];
  trainer.resetMetrics();
  for (let start = 0, step = 0; start < n && step < maxSteps; start += batchSize, step++) {
    const end = Math.min(start + batchSize, n);
    const batch = takeRows([...xs, ...ys, sw], [start, end]);
    try {
      const by = batch.slice(xs.length, xs.length + ys.length) as tf.Tensor[];
      trainer.testStep({ xs: batch.slice(0, xs.length) as tf.Tensor[], ys: by, sampleWeights: by.map(() => batch[batch.length - 1]) });
    } finally {
      tf.dispose(batch.filter((t) => t) as tf.Tensor[]);
    }
  }
  return trainer.logs(model.outputNames);
}

/** Keras's evaluate: [loss, ...metrics], or the loss alone when no metrics were compiled. */
export async function evaluateModel(model: TrainingModel, x: DataInput, y: DataInput, args: EvaluateArgs = {}): Promise<number | number[]> {
  requireCompiled(model, 'evaluate');
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  const ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  checkData(model, xs, ys, [args.sampleWeight ?? null], { strings: true });
  const trainer = new Trainer(model);
  let logs: Record<string, number>;
  try {
    logs = runEvaluation(model, trainer, xs, ys, args.sampleWeight ?? null, args.batchSize ?? 32, args.steps ?? Infinity);
  } finally {
    trainer.dispose();
  }
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}
