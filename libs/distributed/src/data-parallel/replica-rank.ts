import type { Remote } from 'comlink';
import { StepTracer, initBackend, tf, type TraceEvent } from '@weft/tensor';
import { rankLogger } from '@weft/logging';
import { BatchSchedule, Trainer, buildModelFromSpec, describeModel, emptyDatasetError, trainSteps, type BatchDataset, type LayerVariable, type Logs, type Model } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';
import { dropoutDraws, restoreDropoutDraws } from './dropout-draws';
import type { CoordinatorApi, FitData, ModelState, PredictionShard, ReplicaApi, ReplicaJob, StepRange, StepsResult } from './fit-job';
import { rowsToTensor } from './row-data';
import { batchOf, evaluateShard, globalLogs } from './rank-replica';
import { broadcastFromRank0 } from './broadcast-buffers';
import { sumAcrossRanks } from './sum-across-ranks';
import { checkWeightsAgree } from './weight-checksum';
import { overlappedGradientHook } from './overlapped-reducer';
import { RowBalancer } from './row-balancer';
import { evaluateRankDataset, moduleSteps, openRankDataset, predictRankDataset, shippedSteps, type RankStep, type StepShare } from './rank-datasets';
import { BatchEndReports } from './batch-end-reports';

/** This rank's copy of the model: backend, the caller's modules, then the model from its spec. */
async function loadReplica(job: ReplicaJob): Promise<Model> {
  await initBackend(job.backend);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const module of job.modules) require(module);
  try {
    const model = buildModelFromSpec(job.spec);
    restoreDropoutDraws(model, job.dropoutDraws);
    return model;
  } catch (err) {
    const message = (err as Error).message;
    if (!message.startsWith('Unknown layer class')) throw err;
    throw new Error(
      `${message} Workers start with weft's layers only: pass the module that registers it as ` +
        `DataParallel({ modules: ['/absolute/path/to/module'] }).`,
    );
  }
}

/** The trace counter of the bytes a rank has sent, sampled after every step. */
export const BYTES_SENT_COUNTER = 'bytes sent';
/** The trace counter of the rows a rank trained in each step (they follow its speed with rowSplit 'balanced'). */
export const ROWS_COUNTER = 'rows';

/** A rank's own failure (not a collective's), named so that the coordinator reports it before the collective errors it caused. */
export const RANK_FAILURE = 'RankFailure';

/**
 * A data-parallel replica: rebuilds the model, then serves ReplicaApi until stop(). Training
 * steps run trainSteps (fit's own step loop) with a Trainer whose gradient hook all-reduces
 * (none with one rank: nothing to reduce); rank 0 reports batch ends to the coordinator. A failure
 * of its own aborts the group (every rank stops at once) and names this rank and where it was.
 */
class Replica implements ReplicaApi {
  private at = 'while starting';
  private readonly trainer: Trainer;
  private readonly evaluator: Trainer;
  private readonly schedule: BatchSchedule | null;
  private readonly coordinator: Remote<CoordinatorApi>;
  /** Rank 0's batch ends, on their way to the coordinator (every run of steps flushes them). */
  private readonly batchEnds: BatchEndReports;
  private readonly tracer: StepTracer;
  private share: StepShare = { mine: 0, batch: 0 };
  /** How each global batch is split across ranks (null: no training plan). */
  private readonly balancer: RowBalancer | null;
  /** When the current step's batch was ready: its forward and backward are timed from here. */
  private stepStartedAt = 0;
  /** fit(dataset)'s training data on this rank, built once from its module. */
  private trainDataset: BatchDataset | null = null;
  private globalStep = 0;

  constructor(
    private readonly ctx: RankContext<ReplicaJob>,
    private readonly group: ProcessGroup,
    private readonly model: Model,
    private readonly stopped: () => void,
  ) {
    const job = ctx.args;
    this.tracer = job.trace ? new StepTracer({ rank: ctx.rank, gcPauses: true }) : StepTracer.off;
    const plan = job.plan;
    this.balancer = plan ? new RowBalancer(group, job.rowSplit, plan.batchSize) : null;
    const hook =
      group.size > 1
        ? overlappedGradientHook(group, model.trainableWeights, {
            capBytes: job.bucketCapBytes,
            timeoutMs: job.timeoutMs,
            rows: () => this.share,
            sparseGradients: job.sparseGradients,
            tracer: this.tracer,
            onGradientsComputed: (handover) => this.balancer?.record((performance.now() - this.stepStartedAt) / 1000 - handover, this.share.mine),
            sideband: this.balancer?.sideband,
          })
        : null;
    this.trainer = new Trainer(model, hook);
    this.trainer.tracer = this.tracer;
    this.evaluator = new Trainer(model);
    this.schedule = plan ? new BatchSchedule(plan.train.xs[0].shape[0], plan.batchSize, plan.shuffle, plan.seed) : null;
    this.coordinator = ctx.launcher<CoordinatorApi>();
    this.batchEnds = new BatchEndReports((ends) => void this.coordinator.batchEnds(ends));
  }

  fitSteps(range: StepRange): Promise<StepsResult> {
    return this.guard(async () => {
      const { trainer, ctx } = this;
      const job = ctx.args;
      const plan = job.plan;
      if (!plan || !this.schedule) throw new Error('fitSteps needs a job with a training plan');
      const { epoch, from, to } = range;
      if (from === 0) trainer.resetMetrics();
      else if (range.metricState) trainer.setMetricState(ctx.rank === 0 ? range.metricState : range.metricState.map(() => 0));
      this.seek(range.globalStep);
      await trainSteps(trainer, to, () => this.nextBatch(plan.train), this.stepEvents(epoch, plan.batchLogs), from);
      this.batchEnds.flush();
      if (to < plan.stepsPerEpoch) {
        if (!range.checkpoint) return { logs: null, metricState: null, state: null };
        const metricState = this.group.size > 1 ? await sumAcrossRanks(this.group, trainer.getMetricState(), job.timeoutMs) : trainer.getMetricState();
        return { logs: null, metricState, state: ctx.rank === 0 ? this.state() : null };
      }
      return this.endEpoch(epoch, plan.validation ? () => this.evaluateOn(plan.validation!, plan.validationBatchSize) : null, range.state);
    });
  }

  fitDatasetEpoch(epoch: number, shipped: FitData[] | null, withState: boolean): Promise<StepsResult> {
    return this.guard(async () => {
      const { trainer, ctx, group } = this;
      const plan = ctx.args.datasetPlan;
      if (!plan) throw new Error('fitDatasetEpoch needs a job with a dataset plan');
      trainer.resetMetrics();
      let iterator: AsyncIterator<unknown> | null = null;
      let draw: () => RankStep | Promise<RankStep>;
      if (plan.train) {
        this.trainDataset ??= await openRankDataset(plan.train, group);
        iterator = this.trainDataset.epoch(epoch)[Symbol.asyncIterator]();
        draw = moduleSteps(this.model, iterator, group, ctx.args.timeoutMs, plan.classWeight);
      } else {
        if (!shipped) throw new Error('fitDatasetEpoch: the coordinator sent no batches for a dataset the ranks cannot build');
        draw = shippedSteps(shipped, group);
      }
      const next = async () => {
        const step = await draw();
        if (step) this.share = step.share;
        return step;
      };
      let steps: number;
      try {
        steps = await trainSteps(trainer, Infinity, next, this.stepEvents(epoch, plan.batchLogs));
      } finally {
        await iterator?.return?.();
      }
      this.batchEnds.flush();
      if (steps === 0) throw emptyDatasetError('fit', epoch);
      const validation = plan.validation;
      return this.endEpoch(epoch, validation ? () => evaluateRankDataset(validation, group, this.evaluator, this.model, ctx.args.timeoutMs) : null, withState);
    });
  }

  evaluateDataset(): Promise<Logs> {
    return this.guard(async () => {
      const source = this.ctx.args.datasetInference;
      if (!source) throw new Error('evaluateDataset needs a job with an inference dataset');
      this.at = 'evaluating';
      return evaluateRankDataset(source, this.group, this.evaluator, this.model, this.ctx.args.timeoutMs);
    });
  }

  predictDataset(): Promise<PredictionShard> {
    return this.guard(async () => {
      const source = this.ctx.args.datasetInference;
      if (!source) throw new Error('predictDataset needs a job with an inference dataset');
      this.at = 'predicting';
      return predictRankDataset(source, this.group, this.model);
    });
  }

  /** An epoch's end on every rank: the logs summed over ranks, validation, rank 0's non-trainable state everywhere, the weights checked. */
  private async endEpoch(epoch: number, validate: (() => Promise<Logs>) | null, withState = true): Promise<StepsResult> {
    const { ctx } = this;
    this.at = `end of epoch ${epoch + 1}`;
    const logs = await this.logs();
    if (validate) {
      const valLogs = await validate();
      for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
    }
    await broadcastFromRank0(this.group, this.model.nonTrainableWeights, ctx.args.timeoutMs);
    await this.checkWeights(this.at, this.model.weights);
    rankLogger(ctx.rank, { job: 'data-parallel' }).debug({ epoch: epoch + 1, ...logs }, 'epoch done');
    return { logs, metricState: null, state: ctx.rank === 0 && withState ? this.state() : null };
  }

  /** What every step of an epoch reports: where the rank is (for errors), bytes sent, running logs to rank 0's coordinator, periodic weight checks. */
  private stepEvents(epoch: number, batchLogs: boolean) {
    return {
      begin: (step: number) => {
        this.at = `epoch ${epoch + 1}, step ${step + 1}`;
      },
      end: async (step: number, size: number) => {
        // Bytes this rank has sent through its collectives so far (a graph in the trace viewer; the bench reads it per step).
        this.tracer.counter(BYTES_SENT_COUNTER, { bytes: this.group.bytesSent });
        this.tracer.counter(ROWS_COUNTER, { rows: this.share.mine });
        const logs = batchLogs ? await this.logs() : {};
        if (this.ctx.rank === 0) this.batchEnds.add({ step, size, logs });
        if (++this.globalStep % this.ctx.args.checksumEverySteps === 0) await this.checkWeights(this.at, this.model.trainableWeights);
      },
    };
  }

  evaluate(): Promise<Logs> {
    return this.guard(async () => {
      const evaluation = this.ctx.args.evaluation;
      if (!evaluation) throw new Error('evaluate needs a job with evaluation data');
      this.at = 'evaluating';
      return this.evaluateOn(evaluation.data, evaluation.batchSize);
    });
  }

  predict(): Promise<PredictionShard> {
    return this.guard(async () => {
      const prediction = this.ctx.args.prediction;
      if (!prediction) throw new Error('predict needs a job with prediction inputs');
      this.at = 'predicting';
      const { start, end } = shardRange(prediction.xs[0].shape[0], this.group.size, this.group.rank);
      const xs = prediction.xs.map((x) => rowsToTensor(x, [start, end]));
      try {
        const out = end > start ? this.model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: prediction.batchSize }) : [];
        const outputs = Array.isArray(out) ? out : [out];
        const shards = outputs.map((o) => ({ values: o.dataSync() as Float32Array, shape: o.shape }));
        tf.dispose(outputs);
        return { outputs: shards };
      } finally {
        tf.dispose(xs);
      }
    });
  }

  setLearningRate(learningRate: number): void {
    const optimizer = this.model.compiled!.optimizer;
    if (typeof optimizer.learningRate === 'number') optimizer.learningRate = learningRate;
  }

  traceEvents(): TraceEvent[] {
    return this.tracer.events();
  }

  stop(): void {
    this.tracer.close();
    this.trainer.dispose();
    this.evaluator.dispose();
    this.model.dispose?.();
    this.stopped();
  }

  private async nextBatch(data: FitData) {
    const balancer = this.balancer!;
    if (balancer.rebalance()) {
      rankLogger(this.ctx.rank, { job: 'data-parallel' }).debug({ step: this.globalStep, rows: balancer.current ?? 'even' }, 'batch split across ranks changed');
    }
    const { rows, count, batchSize } = this.schedule!.next(this.group.size, this.group.rank, balancer.current);
    this.share = { mine: count, batch: batchSize };
    const batch = count > 0 ? batchOf(data, rows) : null;
    this.stepStartedAt = performance.now();
    return { batch, size: batchSize };
  }

  private logs(): Promise<Logs> {
    return this.group.size > 1 ? globalLogs(this.group, this.trainer, this.model, this.ctx.args.timeoutMs) : Promise.resolve(this.trainer.logs(this.model.outputNames));
  }

  private evaluateOn(data: FitData, batchSize: number): Promise<Logs> {
    return evaluateShard(this.group, this.evaluator, this.model, data, batchSize, this.ctx.args.timeoutMs);
  }

  /** Trainable weights agree after every step; all of them once the epoch's end has broadcast rank 0's non-trainable ones. */
  private async checkWeights(where: string, weights: readonly LayerVariable[]): Promise<void> {
    if (this.group.size > 1) await checkWeightsAgree(this.group, weights, where, this.ctx.args.timeoutMs);
  }

  /** Moves the data position to `globalStep` batches since the fit began (forward only: new ranks resuming from a checkpoint skip ahead). */
  private seek(globalStep: number): void {
    if (globalStep < this.globalStep) throw new Error(`cannot go back to batch ${globalStep} of the fit from batch ${this.globalStep}`);
    this.schedule!.skip(globalStep - this.globalStep);
    this.globalStep = globalStep;
  }

  state(): ModelState {
    const { weights, optimizerWeights, optimizerIterations } = describeModel(this.model);
    return { weights, optimizerWeights, optimizerIterations, dropoutDraws: dropoutDraws(this.model) };
  }

  /** Runs a control call; a failure of this rank's own aborts the group and names the rank and where it was. */
  private async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw rankFailure(this.ctx.rank, this.at, err, this.group);
    }
  }
}

/** The error a rank reports for a failure; its own (not a collective's) also aborts the group. */
function rankFailure(rank: number, at: string, err: unknown, group: ProcessGroup | null): Error {
  if (err instanceof Error && err.name === 'CollectiveError') return err;
  const message = `rank ${rank} failed (${at}): ${err instanceof Error ? err.message : String(err)}`;
  rankLogger(rank).debug({ err }, message); // the stack; fit rejects with the message
  group?.abort(message);
  const failure = new Error(message);
  failure.name = RANK_FAILURE;
  return failure;
}

/** The entry launchThreads/launchProcesses run for DataParallel: a Replica, served until stop(). */
export async function main(ctx: RankContext<ReplicaJob>): Promise<null> {
  const group = await ctx.createGroup();
  try {
    let model: Model;
    try {
      model = await loadReplica(ctx.args);
    } catch (err) {
      throw rankFailure(ctx.rank, 'while starting', err, group);
    }
    rankLogger(ctx.rank, { job: 'data-parallel' }).debug({ size: ctx.size, backend: ctx.args.backend }, 'data-parallel rank ready');
    await new Promise<void>((resolve) => ctx.expose(new Replica(ctx, group, model, resolve)));
    return null;
  } finally {
    group.destroy();
  }
}
