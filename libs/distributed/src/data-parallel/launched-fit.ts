import type { Remote } from 'comlink';
import { activeBackend, writeTrace } from '@weft/tensor';
import { setLogRank } from '@weft/logging';
import { applyModelSpec, runFitLoop, type DataInput, type FitArgs, type History, type Model } from '@weft/layers';
import type { DistributedEnv } from '../env';
import { initProcessGroupFromEnv } from '../init-from-env';
import type { RankContext } from '../launch/rank-context';
import type { ReplicaApi, ReplicaJob } from './fit-job';
import { batchRelay, callbacksWantBatchLogs, rankTracePath } from './fit-reporting';
import { prepareFit } from './prepare-fit';
import type { RowSplit } from './row-balancer';
import { main as replicaMain } from './replica-rank';

/** What launched fit takes from DataParallel's options. */
export interface LaunchedFitOptions {
  timeoutMs: number;
  bucketCapBytes: number;
  sparseGradients: boolean;
  rowSplit: RowSplit;
  checksumEverySteps: number;
  seed?: number;
}

/**
 * DataParallel.fit in a process that a launcher started as one rank of a group (`weft launch`,
 * torchrun's variables, Slurm's srun, Open MPI's mpirun): every process runs the same script and
 * the same fit. Each joins the TCP group from the environment, trains its share of every global
 * batch with the replica the launched workers use (replica-rank.ts, served here in-process),
 * and runs the same fit loop; rank 0 runs the callbacks and shows progress, and the others follow
 * its decisions (stop, learning rate) at each epoch's end. Every rank's model ends with the
 * trained weights.
 */
export async function fitLaunched(model: Model, x: DataInput, y: DataInput, args: FitArgs, env: DistributedEnv, options: LaunchedFitOptions): Promise<History> {
  const { rank, worldSize } = env;
  setLogRank(rank);
  const group = await initProcessGroupFromEnv({ timeoutMs: options.timeoutMs });
  // Every rank must walk the same shuffled order: the script's seed (the same in every process), else rank 0's.
  let seed = args.seed ?? options.seed;
  if (seed === undefined) {
    const drawn = new Float32Array([Math.floor(Math.random() * 2 ** 24)]);
    await group.broadcast(drawn, { root: 0 });
    seed = drawn[0];
  }
  const prepared = prepareFit(model, x, y, args, worldSize, false, seed);
  const verbose = rank === 0 ? (args.verbose ?? 1) : 0;
  const callbacks = rank === 0 ? (args.callbacks ?? []) : [];
  // Every rank runs the same collectives: batch logs when the script's callbacks (or rank 0's live progress bar) read them.
  const batchLogsWanted = new Float32Array([callbacksWantBatchLogs(args) ? 1 : 0]);
  await group.broadcast(batchLogsWanted, { root: 0 });
  const job: ReplicaJob = {
    spec: prepared.spec,
    modules: [],
    backend: activeBackend()?.backend ?? 'wasm',
    timeoutMs: options.timeoutMs,
    bucketCapBytes: options.bucketCapBytes,
    sparseGradients: options.sparseGradients,
    rowSplit: options.rowSplit,
    checksumEverySteps: options.checksumEverySteps,
    plan: { ...prepared.plan, batchLogs: batchLogsWanted[0] === 1 },
    trace: args.profile !== undefined,
    evaluation: null,
    prediction: null,
    dropoutDraws: [],
  };
  const relay = batchRelay();
  let exposed!: (replica: ReplicaApi) => void;
  const ready = new Promise<ReplicaApi>((resolve) => (exposed = resolve));
  const ctx: RankContext<ReplicaJob> = {
    rank,
    size: worldSize,
    args: job,
    createGroup: async () => group,
    expose: (api) => exposed(api as ReplicaApi),
    launcher: <T>() => relay.coordinator as unknown as Remote<T>,
  };
  const serving = replicaMain(ctx);
  const replica = await Promise.race([ready, serving.then(() => Promise.reject(new Error('the replica ended before it was ready')))]);
  try {
    const history = await runFitLoop(
      model,
      {
        runEpoch: async (epoch, events) => {
          relay.epoch(events);
          const steps = prepared.plan.stepsPerEpoch;
          const globalStep = (epoch - prepared.initialEpoch) * steps;
          const { logs } = await replica.fitSteps({ epoch, from: 0, to: steps, globalStep, metricState: null, checkpoint: false, state: false });
          await relay.flushed();
          if (rank === 0) applyModelSpec(model, replica.state());
          return logs!;
        },
        afterEpochEnd: async () => {
          // Rank 0's callbacks decide; a float32 pair (high and low parts) carries the learning rate exactly enough.
          const decision = new Float32Array(4);
          const learningRate = model.compiled?.optimizer.learningRate;
          if (rank === 0) {
            decision[0] = model.stopTraining ? 1 : 0;
            if (typeof learningRate === 'number') {
              decision[1] = 1;
              decision[2] = learningRate;
              decision[3] = learningRate - decision[2];
            }
          }
          await group.broadcast(decision, { root: 0 });
          model.stopTraining = decision[0] === 1;
          if (decision[1] === 1) replica.setLearningRate(decision[2] + decision[3]);
        },
      },
      { epochs: prepared.epochs, initialEpoch: prepared.initialEpoch, steps: prepared.plan.stepsPerEpoch, verbose, callbacks, metricNames: prepared.metricNames },
    );
    applyModelSpec(model, replica.state());
    if (args.profile) {
      await writeTrace(rankTracePath(args.profile, rank), replica.traceEvents());
    }
    return history;
  } finally {
    replica.stop();
    await serving;
  }
}
