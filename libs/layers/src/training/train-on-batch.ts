import * as tf from '@tensorflow/tfjs-core';
import { checkData, classWeightsToSampleWeights, toTensorList, type DataInput } from './data';
import type { TrainOnBatchArgs } from './fit-args';
import { Trainer, requireCompiled } from './trainer';
import type { TrainingModel } from './training-model';

/** One optimizer step on one batch: [loss, ...metrics] of that batch (the loss alone without metrics). */
export async function trainOnBatch(model: TrainingModel, x: DataInput, y: DataInput, args: TrainOnBatchArgs = {}): Promise<number | number[]> {
  requireCompiled(model, 'trainOnBatch');
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  const ys = toTensorList(y, model.outputNames, 'y', model.name);
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  checkData(model, xs, ys, [args.sampleWeight ?? null], { strings: true });
  const cw = args.classWeight ? classWeightsToSampleWeights(ys[0], args.classWeight) : null;
  const sw = cw && args.sampleWeight ? tf.mul(cw, args.sampleWeight) : (cw ?? args.sampleWeight ?? null);
  const trainer = new Trainer(model);
  trainer.resetMetrics();
  try {
    await trainer.trainStep({ xs, ys, sampleWeights: ys.map(() => sw) });
  } finally {
    tf.dispose([cw, sw !== args.sampleWeight ? sw : null].filter((t): t is tf.Tensor => t !== null));
  }
  const values = Object.values(trainer.logs(model.outputNames));
  trainer.dispose();
  return values.length === 1 ? values[0] : values;
}
