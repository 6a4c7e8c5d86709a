import { tf } from '@weft/tensor';
import {
  datasetBatch,
  datasetContext,
  datasetFromModule,
  disposeBatch,
  emptyDatasetError,
  predictBatch,
  type BatchDataset,
  type DatasetModuleRef,
  type Logs,
  type Model,
  type StepBatch,
  type Trainer,
} from '@weft/layers';
import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';
import type { FitData, PredictionShard, RankDataset } from './fit-job';
import { batchOf, disposeBatch as disposeRowBatch } from './rank-replica';
import { sumAcrossRanks } from './sum-across-ranks';

/** This rank's dataset from its module: the module's function called with this rank's place in the group. */
export function openRankDataset(ref: DatasetModuleRef, group: ProcessGroup): Promise<BatchDataset> {
  return datasetFromModule(ref, datasetContext(group.rank, group.size), (module) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(module) as Record<string, unknown>;
  });
}

/** A rank's share of a step: its rows and the global batch's (the gradient hook weights by them). */
export interface StepShare {
  mine: number;
  batch: number;
}

export type RankStep = (StepBatch & { share: StepShare }) | null;

/**
 * The steps of an epoch read from this rank's own shard: each step every rank says how many rows
 * it has (a small all-gather), so that all agree on the global batch and on the epoch's end (every
 * rank out of batches) without knowing the stream's length. A rank whose shard ran out first joins
 * the remaining steps with no rows.
 */
export function moduleSteps(model: Model, iterator: AsyncIterator<unknown>, group: ProcessGroup, timeoutMs: number, classWeight: Record<number, number> | null): () => Promise<RankStep> {
  let index = 0;
  let exhausted = false;
  return async () => {
    let batch = null;
    if (!exhausted) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else batch = datasetBatch(model, next.value, { use: 'fit', index: index++, classWeight: classWeight ?? undefined });
    }
    const mine = batch ? batch.xs[0].shape[0] : 0;
    let total: number;
    try {
      [total] = await sumAcrossRanks(group, [mine], timeoutMs);
    } catch (err) {
      if (batch) disposeBatch(batch);
      throw err;
    }
    if (total === 0) return null;
    return { batch, size: total, share: { mine, batch: total } };
  };
}

/** The steps of an epoch the coordinator read: this rank's contiguous share of every batch. */
export function shippedSteps(batches: FitData[], group: ProcessGroup): () => RankStep {
  let k = 0;
  return () => {
    if (k >= batches.length) return null;
    const data = batches[k++];
    const rows = data.xs[0].shape[0];
    const { start, end } = shardRange(rows, group.size, group.rank);
    return { batch: end > start ? batchOf(data, [start, end]) : null, size: rows, share: { mine: end - start, batch: rows } };
  };
}

/** Calls `use` on this rank's part of a dataset, batch by batch (module: its own shard's batches; batches: its share of each, in chunks). */
async function forEachRankBatch(
  source: RankDataset,
  model: Model,
  group: ProcessGroup,
  use: 'evaluate' | 'predict',
  body: (batch: { xs: tf.Tensor[]; ys: tf.Tensor[]; sampleWeights?: (tf.Tensor | null)[] }) => void,
): Promise<void> {
  if (source.kind === 'module') {
    const dataset = await openRankDataset(source.ref, group);
    let index = 0;
    for await (const element of dataset.epoch(0)) {
      const batch = datasetBatch(model, element, { use, index: index++ });
      try {
        body(batch);
      } finally {
        disposeBatch(batch);
      }
    }
    return;
  }
  for (const data of source.batches) {
    const { start, end } = shardRange(data.xs[0].shape[0], group.size, group.rank);
    for (let from = start; from < end; from += source.chunk) {
      const batch = batchOf(data, [from, Math.min(end, from + source.chunk)]);
      try {
        body(batch);
      } finally {
        disposeRowBatch(batch);
      }
    }
  }
}

/** Loss and metrics over this rank's part of `source` (inference mode), summed over ranks. */
export async function evaluateRankDataset(source: RankDataset, group: ProcessGroup, trainer: Trainer, model: Model, timeoutMs: number): Promise<Logs> {
  trainer.resetMetrics();
  await forEachRankBatch(source, model, group, 'evaluate', (batch) => trainer.testStep(batch));
  const summed = await sumAcrossRanks(group, trainer.getMetricState(), timeoutMs);
  if (summed[1] === 0) throw emptyDatasetError('evaluate', 0); // no rank had a sample (the state's second number counts them)
  trainer.setMetricState(summed);
  return trainer.logs(model.outputNames);
}

/** Outputs for this rank's part of `source`, its rows in order, one flat array per model output. */
export async function predictRankDataset(source: RankDataset, group: ProcessGroup, model: Model): Promise<PredictionShard> {
  const chunks: tf.Tensor[][] = [];
  try {
    await forEachRankBatch(source, model, group, 'predict', (batch) => chunks.push(predictBatch(model, batch.xs)));
    model.clearCallLosses();
    if (chunks.length === 0) return { outputs: [] };
    const outputs = chunks[0].map((_, o) => tf.concat(chunks.map((c) => c[o]), 0));
    const shard = { outputs: outputs.map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape })) };
    tf.dispose(outputs);
    return shard;
  } finally {
    tf.dispose(chunks.flat());
  }
}
