import { rankLogger, tf } from '@weft/tensor';
import { Trainer, describeModel, type Model } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import type { ProcessGroup } from '../process-group';
import { BatchSchedule } from './batch-schedule';
import type { CoordinatorMessage, FitJob, ModelState, RankMessage } from './fit-job';
import { batchOf, disposeBatch, evaluateShard, globalLogs, loadReplica, runInGroup } from './rank-replica';
import { checkWeightsAgree } from './weight-checksum';
import { weightedGradientHook } from './weighted-gradients';

function modelState(model: Model): ModelState {
  const { weights, optimizerWeights, optimizerIterations } = describeModel(model);
  return { weights, optimizerWeights, optimizerIterations };
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

/**
 * The coordinator's answer after an epoch, heard by rank 0 and broadcast to the others: whether to
 * stop, and the learning rate its callbacks left (ReduceLROnPlateau), sent as float32 halves.
 */
async function agreeOnEpochEnd(ctx: RankContext<FitJob>, group: ProcessGroup, message: RankMessage | null) {
  const answer = new Float32Array(4); // stop, has a learning rate, its high and low halves
  if (ctx.rank === 0 && message) {
    ctx.send(message);
    const reply = await answerWithin(ctx, ctx.args.timeoutMs);
    if (reply.kind === 'abort') throw new Error(reply.reason);
    answer[0] = reply.stop ? 1 : 0;
    if (reply.learningRate !== null) {
      answer[1] = 1;
      answer[2] = reply.learningRate;
      answer[3] = reply.learningRate - answer[2];
    }
  }
  await group.broadcast(answer, { root: 0, timeoutMs: ctx.args.timeoutMs });
  return { stop: answer[0] === 1, learningRate: answer[1] === 1 ? answer[2] + answer[3] : null };
}

async function train(ctx: RankContext<FitJob>, group: ProcessGroup, progress: { at: string }): Promise<void> {
  const job = ctx.args;
  const log = rankLogger(ctx.rank, { job: 'data-parallel' });
  const model = await loadReplica(job);
  const weights = model.trainableWeights;
  let share = { mine: 0, batch: 0 };
  const allReduce = weightedGradientHook(group, weights, {
    capBytes: job.bucketCapBytes,
    timeoutMs: job.timeoutMs,
    rows: () => share,
    sparseGradients: job.sparseGradients,
  });
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
        share = { mine: count, batch: batchSize };
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
        const valLogs = await evaluateShard(group, validationTrainer, model, job.validation, job.validationBatchSize, job.timeoutMs);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      await checkWeightsAgree(group, weights, `end of epoch ${epoch + 1}`, job.timeoutMs);
      log.debug({ epoch: epoch + 1, ...logs }, 'epoch done');
      const answer = await agreeOnEpochEnd(ctx, group, ctx.rank === 0 ? { kind: 'epochEnd', epoch, logs, state: modelState(model) } : null);
      const optimizer = model.compiled!.optimizer;
      if (answer.learningRate !== null && typeof optimizer.learningRate === 'number') optimizer.learningRate = answer.learningRate;
      if (answer.stop) break;
    }
  } finally {
    trainer.dispose();
    validationTrainer.dispose();
    model.dispose?.();
  }
}

/**
 * A data-parallel rank of DataParallel.fit (run by launchThreads/launchProcesses): rebuilds the
 * model, trains its share of every global batch with a Trainer whose gradient hook all-reduces,
 * sums metric state per epoch, and lets rank 0 report to the coordinator.
 */
export function main(ctx: RankContext<FitJob>): Promise<null> {
  return runInGroup(ctx, async (group, progress) => {
    await train(ctx, group, progress);
    return null;
  });
}
