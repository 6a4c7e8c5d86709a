import * as tf from '@tensorflow/tfjs-core';
import { datasetBatch, disposeBatch, emptyDatasetError, type BatchDataset } from './dataset-input';
import type { EvaluateArgs, PredictArgs } from './fit-args';
import { evaluateDatasetLogs } from './fit-dataset';
import { Trainer, requireCompiled } from './trainer';
import type { TrainingModel } from './training-model';

function refuseBatchSize(use: string, batchSize: number | undefined): void {
  if (batchSize !== undefined) {
    throw new Error(`${use}(dataset): batchSize is for tensor inputs. The dataset batches itself: drop batchSize and batch in the dataset (.batch(n) or .paddedBatch(n)).`);
  }
}

/** Keras's evaluate on a dataset (its epoch 0; at most `steps` batches): [loss, ...metrics], or the loss alone. */
export async function evaluateDatasetModel(model: TrainingModel, dataset: BatchDataset, args: EvaluateArgs = {}): Promise<number | number[]> {
  requireCompiled(model, 'evaluate');
  refuseBatchSize('evaluate', args.batchSize);
  if (args.sampleWeight !== undefined) throw new Error('evaluate(dataset): sampleWeight is for tensor inputs. Yield { x, y, sampleWeight } batches instead.');
  const trainer = new Trainer(model);
  try {
    const values = Object.values(await evaluateDatasetLogs(model, trainer, dataset, args.steps ?? Infinity));
    return values.length === 1 ? values[0] : values;
  } finally {
    trainer.dispose();
  }
}

/** A batch's outputs in inference mode, one tensor per model output (the caller owns them). */
export function predictBatch(model: TrainingModel, xs: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const out = model.invoke(xs.length === 1 ? xs[0] : xs, { training: false }).outputs;
    // An identity model returns its input: copy so the caller owns every result.
    return (Array.isArray(out) ? out : [out]).map((o) => (xs.includes(o) ? o.clone() : o));
  });
}

/** Outputs for every batch of a dataset's epoch 0, in its order, concatenated (y, when the batches have it, is ignored). */
export async function predictDatasetModel(model: TrainingModel, dataset: BatchDataset, args: PredictArgs = {}): Promise<tf.Tensor | tf.Tensor[]> {
  refuseBatchSize('predict', args.batchSize);
  const chunks: tf.Tensor[][] = [];
  let index = 0;
  try {
    for await (const element of dataset.epoch(0)) {
      const batch = datasetBatch(model, element, { use: 'predict', index: index++ });
      try {
        chunks.push(predictBatch(model, batch.xs));
      } finally {
        disposeBatch(batch);
      }
    }
    model.clearCallLosses(); // activity-regularization terms mean nothing at inference
    if (chunks.length === 0) throw emptyDatasetError('predict', 0);
    const outputs = chunks[0].map((_, i) => (chunks.length === 1 ? chunks[0][i].clone() : tf.concat(chunks.map((c) => c[i]), 0)));
    return outputs.length === 1 ? outputs[0] : outputs;
  } finally {
    tf.dispose(chunks.flat());
  }
}
