import { tf } from '@weft/tensor';
import { runEvaluation, type Logs, type Model, type Rows, type Trainer } from '@weft/layers';
import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';
import type { FitData } from './fit-job';
import { rowsToTensor } from './row-data';
import { sumAcrossRanks } from './sum-across-ranks';

/** The given rows of the data as a Trainer batch. */
export function batchOf(data: FitData, rows: Rows) {
  const ys = data.ys.map((y) => rowsToTensor(y, rows));
  const sw = data.sampleWeight ? rowsToTensor(data.sampleWeight, rows) : null;
  return { xs: data.xs.map((x) => rowsToTensor(x, rows)), ys, sampleWeights: ys.map(() => sw) };
}

export function disposeBatch(batch: ReturnType<typeof batchOf>): void {
  tf.dispose([...batch.xs, ...batch.ys, ...(batch.sampleWeights[0] ? [batch.sampleWeights[0]] : [])]);
}

/** Logs of the metric state summed over ranks, leaving the trainer's own state as it was. */
export async function globalLogs(group: ProcessGroup, trainer: Trainer, model: Model, timeoutMs: number): Promise<Logs> {
  const local = trainer.getMetricState();
  trainer.setMetricState(await sumAcrossRanks(group, local, timeoutMs));
  const logs = trainer.logs(model.outputNames);
  trainer.setMetricState(local);
  return logs;
}

/** Loss and metrics over this rank's contiguous shard of `data` (inference mode), summed over ranks. */
export async function evaluateShard(group: ProcessGroup, trainer: Trainer, model: Model, data: FitData, batchSize: number, timeoutMs: number): Promise<Logs> {
  const { start, end } = shardRange(data.xs[0].shape[0], group.size, group.rank);
  trainer.resetMetrics();
  if (end > start) {
    const batch = batchOf(data, [start, end]);
    try {
      runEvaluation(model, trainer, batch.xs, batch.ys, batch.sampleWeights[0], batchSize);
    } finally {
      disposeBatch(batch);
    }
  }
  return globalLogs(group, trainer, model, timeoutMs);
}
