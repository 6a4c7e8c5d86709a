import { Trainer, type Logs } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import type { EvaluateJob } from './fit-job';
import { evaluateShard, loadReplica, runInGroup } from './rank-replica';

/** A rank of DataParallel.evaluate: loss and metrics over its shard, summed over ranks (every rank returns them). */
export function main(ctx: RankContext<EvaluateJob>): Promise<Logs> {
  return runInGroup(ctx, async (group, progress) => {
    const job = ctx.args;
    const model = await loadReplica(job);
    const trainer = new Trainer(model);
    try {
      progress.at = 'evaluating';
      return await evaluateShard(group, trainer, model, job.data, job.batchSize, job.timeoutMs);
    } finally {
      trainer.dispose();
      model.dispose?.();
    }
  });
}
