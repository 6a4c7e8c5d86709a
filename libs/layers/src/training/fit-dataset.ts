import { StepTracer } from '@weft/tensor';
import type { Logs } from '../callbacks/callback';
import type { History } from '../callbacks/history';
import { assertPositiveInt } from '../engine/validate';
import { checkData, toTensorList } from './data';
import { datasetBatch, disposeBatch, emptyDatasetError, isBatchDataset, type BatchDataset } from './dataset-input';
import { runEvaluation } from './evaluate';
import type { FitArgs } from './fit-args';
import { trainSteps, type EpochRunner, type StepBatch } from './fit-loop';
import { runTrainerFit, trainerStepEvents } from './trainer-fit';
import { Trainer, requireCompiled } from './trainer';
import type { TrainingModel } from './training-model';

/** Keras's rule: a dataset batches, orders and weights its own samples; these fit arguments belong to tensors. */
export function checkDatasetFitArgs(args: FitArgs): void {
  const refuse = (what: string, fix: string) => {
    throw new Error(`fit(dataset): ${what} is for tensor inputs. ${fix}`);
  };
  if (args.batchSize !== undefined) refuse('batchSize', 'The dataset batches itself: drop batchSize and batch in the dataset (.batch(n) or .paddedBatch(n)).');
  if (args.validationSplit !== undefined) refuse('validationSplit', 'Pass validationData (a dataset, or [x, y]), or split the dataset with take() and skip().');
  if (args.sampleWeight !== undefined) refuse('sampleWeight', 'Yield { x, y, sampleWeight } batches instead.');
  if (args.stepsPerEpoch !== undefined) refuse('stepsPerEpoch', 'Take the batches in the dataset: dataset.take(n) trains n batches per epoch.');
}

/** fit's validationData when fitting a dataset: a dataset (epoch 0 of it, each time) or tensors [x, y(, sampleWeight)]. */
export type DatasetValidation = BatchDataset | { xs: ReturnType<typeof toTensorList>; ys: ReturnType<typeof toTensorList>; sw: FitArgs['sampleWeight'] | null };

export function datasetValidation(model: TrainingModel, data: FitArgs['validationData']): DatasetValidation | null {
  if (data === undefined) return null;
  if (isBatchDataset(data)) return data;
  const [vx, vy, vsw] = data;
  const xs = toTensorList(vx, model.inputNames, 'x', model.name);
  const ys = toTensorList(vy, model.outputNames, 'y', model.name);
  checkData(model, xs, ys, [vsw ?? null]);
  return { xs, ys, sw: vsw ?? null };
}

/**
 * Loss and metrics over a dataset's batches (epoch 0 of it), inference mode: Keras's evaluate on a
 * dataset, at most `maxSteps` batches. The trainer's metrics are reset first.
 */
export async function evaluateDatasetLogs(model: TrainingModel, trainer: Trainer, dataset: BatchDataset, maxSteps = Infinity): Promise<Logs> {
  trainer.resetMetrics();
  let index = 0;
  for await (const element of dataset.epoch(0)) {
    if (index >= maxSteps) break;
    const batch = datasetBatch(model, element, { use: 'evaluate', index: index++ });
    try {
      trainer.testStep(batch);
    } finally {
      disposeBatch(batch);
    }
  }
  if (index === 0) throw emptyDatasetError('evaluate', 0);
  return trainer.logs(model.outputNames);
}

/** Validation logs for fit: over a dataset, or over tensors in batches of `batchSize`. */
export async function validationLogs(model: TrainingModel, trainer: Trainer, validation: DatasetValidation, batchSize: number): Promise<Logs> {
  if (isBatchDataset(validation)) return evaluateDatasetLogs(model, trainer, validation);
  return runEvaluation(model, trainer, validation.xs, validation.ys, validation.sw ?? null, batchSize);
}

/** The next batch of a dataset's epoch as a training step (null at the epoch's end). */
export function datasetSteps(model: TrainingModel, iterator: AsyncIterator<unknown>, classWeight?: Record<number, number>): () => Promise<StepBatch | null> {
  let index = 0;
  return async () => {
    const next = await iterator.next();
    if (next.done) return null;
    const batch = datasetBatch(model, next.value, { use: 'fit', index: index++, classWeight });
    return { batch, size: batch.xs[0].shape[0] };
  };
}

/**
 * Keras's fit on a dataset, in this process: runFitLoop with a runner that trains each epoch's
 * batches (dataset.epoch(e): a seeded shuffle orders each epoch its own way) as they stream in.
 * The epoch's length is known once it has run (the progress bar shows "n/Unknown" until then).
 */
export async function fitDatasetModel(model: TrainingModel, dataset: BatchDataset, args: FitArgs = {}): Promise<History> {
  requireCompiled(model, 'fit');
  checkDatasetFitArgs(args);
  const epochs = assertPositiveInt(args.epochs ?? 1, 'epochs', 'fit()');
  const validation = datasetValidation(model, args.validationData);
  const validationBatchSize = assertPositiveInt(args.validationBatchSize ?? 32, 'validationBatchSize', 'fit()');
  const trainer = new Trainer(model);
  if (args.profile) trainer.tracer = new StepTracer({ rank: 0, label: 'fit', gcPauses: true });
  const validationTrainer = new Trainer(model);
  const runner: EpochRunner = {
    async runEpoch(epoch, batches) {
      trainer.resetMetrics();
      const iterator = dataset.epoch(epoch)[Symbol.asyncIterator]();
      let steps: number;
      try {
        steps = await trainSteps(trainer, Infinity, datasetSteps(model, iterator, args.classWeight), trainerStepEvents(model, trainer, batches));
      } finally {
        await iterator.return?.();
      }
      if (steps === 0 && !batches.stopped()) throw emptyDatasetError('fit', epoch);
      const logs = trainer.logs(model.outputNames);
      if (validation) {
        const valLogs = await validationLogs(model, validationTrainer, validation, validationBatchSize);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      return logs;
    },
  };
  return runTrainerFit(model, trainer, validationTrainer, runner, args, { epochs, steps: null, validating: validation !== null });
}
