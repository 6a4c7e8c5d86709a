import { initBackend, rankLogger, tf } from '@weft/tensor';
import { buildModelFromSpec, runEvaluation, type Logs, type Model, type Trainer } from '@weft/layers';
import { CollectiveError } from '../errors';
import type { RankContext } from '../launch/rank-context';
import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';
import type { FitData, ReplicaJob, RankMessage } from './fit-job';
import { rowsToTensor, type Rows } from './row-data';
import { sumAcrossRanks } from './sum-across-ranks';

/** This rank's copy of the model: backend, the caller's modules, then the model from its spec. */
export async function loadReplica(job: ReplicaJob): Promise<Model> {
  await initBackend(job.backend);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const module of job.modules) require(module);
  try {
    return buildModelFromSpec(job.spec);
  } catch (err) {
    const message = (err as Error).message;
    if (!message.startsWith('Unknown layer class')) throw err;
    throw new Error(
      `${message} Workers start with weft's layers only: pass the module that registers it as ` +
        `DataParallel({ modules: ['/absolute/path/to/module'] }).`,
    );
  }
}

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

/**
 * Runs a rank's work in its group. A failure of its own (not a collective's) goes to the
 * coordinator naming this rank and `progress.at`, and aborts the group so every rank stops at once.
 */
export async function runInGroup<R>(ctx: RankContext, body: (group: ProcessGroup, progress: { at: string }) => Promise<R>): Promise<R> {
  const group = await ctx.createGroup();
  const progress = { at: 'while starting' };
  try {
    return await body(group, progress);
  } catch (err) {
    if (err instanceof CollectiveError) throw err;
    const message = `rank ${ctx.rank} failed (${progress.at}): ${err instanceof Error ? err.message : String(err)}`;
    rankLogger(ctx.rank).debug({ err }, message); // the stack; fit rejects with the message
    ctx.send({ kind: 'failed', rank: ctx.rank, message } satisfies RankMessage);
    group.abort(message);
    throw new Error(message);
  } finally {
    group.destroy();
  }
}
