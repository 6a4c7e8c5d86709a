import { initBackend, rankLogger, tf } from '@weft/tensor';
import { Trainer, buildModelFromSpec, describeModel, runEvaluation, type Logs, type Model } from '@weft/layers';
import { CollectiveError } from '../errors';
import type { RankContext } from '../launch/rank-context';
import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';
import { BatchSchedule } from './batch-schedule';
import type { CoordinatorMessage, FitData, FitJob, ModelState, RankMessage } from './fit-job';
import { rowsToTensor, type Rows } from './row-data';
import { sumAcrossRanks } from './sum-across-ranks';
import { checkWeightsAgree } from './weight-checksum';
import { weightedGradientHook } from './weighted-gradients';

function rebuildModel(job: FitJob): Model {
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

function batchOf(data: FitData, rows: Rows) {
  const ys = data.ys.map((y) => rowsToTensor(y, rows));
  const sw = data.sampleWeight ? rowsToTensor(data.sampleWeight, rows) : null;
  return { xs: data.xs.map((x) => rowsToTensor(x, rows)), ys, sampleWeights: ys.map(() => sw) };
}

function disposeBatch(batch: ReturnType<typeof batchOf>): void {
  tf.dispose([...batch.xs, ...batch.ys, ...(batch.sampleWeights[0] ? [batch.sampleWeights[0]] : [])]);
}

function modelState(model: Model): ModelState {
  const { weights, optimizerWeights, optimizerIterations } = describeModel(model);
  return { weights, optimizerWeights, optimizerIterations };
}

/** Logs of the metric state summed over ranks, leaving the trainer's own state as it was. */
async function globalLogs(group: ProcessGroup, trainer: Trainer, model: Model, timeoutMs: number): Promise<Logs> {
  const local = trainer.getMetricState();
  trainer.setMetricState(await sumAcrossRanks(group, local, timeoutMs));
  const logs = trainer.logs(model.outputNames);
  trainer.setMetricState(local);
  return logs;
}

/** Loss and metrics over this rank's contiguous shard of the validation data, summed over ranks. */
async function validate(group: ProcessGroup, trainer: Trainer, model: Model, job: FitJob, data: FitData): Promise<Logs> {
  const n = data.xs[0].shape[0];
  const { start, end } = shardRange(n, group.size, group.rank);
  trainer.resetMetrics();
  if (end > start) {
    const batch = batchOf(data, [start, end]);
    try {
      runEvaluation(model, trainer, batch.xs, batch.ys, batch.sampleWeights[0], job.validationBatchSize);
    } finally {
      disposeBatch(batch);
    }
  }
  return globalLogs(group, trainer, model, job.timeoutMs);
}

/** The coordinator's next message, or an error once `timeoutMs` passed without one. */
async function answerWithin(ctx: RankContext<FitJob>, timeoutMs: number): Promise<CoordinatorMessage> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the coordinator did not answer within ${timeoutMs} ms (are its callbacks stuck?)`)), timeoutMs);
  });
  try {
    return (await Promise.race([ctx.receive(), late])) as CoordinatorMessage;
  } finally {
    clearTimeout(timer);
  }
}

/** The coordinator's decision after an epoch, heard by rank 0 and broadcast to the others. */
async function agreeOnStop(ctx: RankContext<FitJob>, group: ProcessGroup, message: RankMessage | null): Promise<boolean> {
  const flag = new Float32Array(1);
  if (ctx.rank === 0 && message) {
    ctx.send(message);
    const reply = await answerWithin(ctx, ctx.args.timeoutMs);
    if (reply.kind === 'abort') throw new Error(reply.reason);
    flag[0] = reply.stop ? 1 : 0;
  }
  await group.broadcast(flag, { root: 0, timeoutMs: ctx.args.timeoutMs });
  return flag[0] === 1;
}

async function train(ctx: RankContext<FitJob>, group: ProcessGroup, progress: { at: string }): Promise<void> {
  const job = ctx.args;
  const log = rankLogger(ctx.rank, { job: 'data-parallel' });
  await initBackend(job.backend);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const module of job.modules) require(module);
  const model = rebuildModel(job);
  const weights = model.trainableWeights;
  let share = 0;
  const allReduce = weightedGradientHook(group, weights, { capBytes: job.bucketCapBytes, timeoutMs: job.timeoutMs, share: () => share });
  const trainer = new Trainer(model, allReduce);
  const validationTrainer = new Trainer(model);
  const schedule = new BatchSchedule(job.train.xs[0].shape[0], job.batchSize, job.shuffle, job.seed);
  log.debug({ size: ctx.size, backend: job.backend }, 'data-parallel rank ready');
  let globalStep = 0;
  try {
    for (let epoch = job.initialEpoch; epoch < job.epochs; epoch++) {
      trainer.resetMetrics();
      if (ctx.rank === 0) ctx.send({ kind: 'epochBegin', epoch } satisfies RankMessage);
      for (let step = 0; step < job.stepsPerEpoch; step++, globalStep++) {
        progress.at = `epoch ${epoch + 1}, step ${step + 1}`;
        const { rows, count, batchSize } = schedule.next(ctx.size, ctx.rank);
        share = count / batchSize;
        if (count > 0) {
          const batch = batchOf(job.train, rows);
          try {
            await trainer.trainStep(batch);
          } finally {
            disposeBatch(batch);
          }
        } else {
          // No rows of this batch here: still join the all-reduce, with nothing to add.
          const zeros = weights.map((w) => tf.zerosLike(w.variable));
          const reduced = (await allReduce(zeros, weights)) as tf.Tensor[];
          trainer.applyGradients(reduced);
          tf.dispose([...zeros, ...reduced]);
        }
        const logs = job.batchLogs ? await globalLogs(group, trainer, model, job.timeoutMs) : {};
        if (ctx.rank === 0) ctx.send({ kind: 'batchEnd', step, size: batchSize, logs } satisfies RankMessage);
        if ((globalStep + 1) % job.checksumEverySteps === 0) {
          await checkWeightsAgree(group, weights, `epoch ${epoch + 1}, step ${step + 1}`, job.timeoutMs);
        }
      }
      progress.at = `end of epoch ${epoch + 1}`;
      const logs = await globalLogs(group, trainer, model, job.timeoutMs);
      if (job.validation) {
        for (const [k, v] of Object.entries(await validate(group, validationTrainer, model, job, job.validation))) logs[`val_${k}`] = v;
      }
      await checkWeightsAgree(group, weights, `end of epoch ${epoch + 1}`, job.timeoutMs);
      if (await agreeOnStop(ctx, group, ctx.rank === 0 ? { kind: 'epochEnd', epoch, logs, state: modelState(model) } : null)) break;
    }
  } finally {
    trainer.dispose();
    validationTrainer.dispose();
    model.dispose?.();
  }
}

/**
 * A data-parallel rank (run by launchThreads/launchProcesses for DataParallel.fit): rebuilds the
 * model, trains its share of every global batch with a Trainer whose gradient hook all-reduces,
 * sums metric state per epoch, and lets rank 0 report to the coordinator. A failure here aborts
 * the group, so every rank stops at once, and reaches the coordinator naming this rank.
 */
export async function main(ctx: RankContext<FitJob>): Promise<null> {
  const group = await ctx.createGroup();
  const progress = { at: 'before training' };
  try {
    await train(ctx, group, progress);
    return null;
  } catch (err) {
    if (err instanceof CollectiveError) throw err;
    const message = `rank ${ctx.rank} failed (${progress.at}): ${err instanceof Error ? err.message : String(err)}`;
    ctx.send({ kind: 'failed', rank: ctx.rank, message } satisfies RankMessage);
    group.abort(message);
    throw new Error(message);
  } finally {
    group.destroy();
  }
}
