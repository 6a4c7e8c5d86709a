import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { activeBackend, tf, writeTrace, type BackendRequest, type TraceEvent } from '@weft/tensor';
import {
  applyModelSpec,
  runFitLoop,
  type BatchEvents,
  type BatchDataset,
  type DataInput,
  type Distribution,
  type EvaluateArgs,
  type FitArgs,
  type History,
  type Model,
  type ModelSpec,
  type PredictArgs,
} from '@weft/layers';
import { DEFAULT_BUCKET_CAP_BYTES } from '../gradient-buckets';
import { readDistributedEnv, type DistributedEnv } from '../env';
import { CheckpointStore } from './checkpoint-store';
import { evaluateDatasetParallel, fitDatasetParallel, predictDatasetParallel, type DatasetRanks } from './dataset-parallel';
import { ElasticRanks, type RestartRecord } from './elastic-ranks';
import type { CoordinatorApi, ReplicaJob, StepsResult } from './fit-job';
import { callbacksReadWeights, callbacksWantBatchLogs, rankTracePath, relayBatchEnds } from './fit-reporting';
import { gpuRankEnvs } from './gpu-placement';
import { fitLaunched } from './launched-fit';
import { gradientArenaBytes } from './overlapped-reducer';
import { prepareEvaluate, prepareFit, preparePredict } from './prepare-fit';
import { Replicas } from './replicas';
import { learningRateOf, startingPoint } from './starting-point';
import type { TrainingCheckpoint } from './training-checkpoint';
import { sidebandLength, type RowSplit } from './row-balancer';

export interface DataParallelOptions {
  /** Worker threads or processes; default: one per CPU core. */
  workers?: number;
  /** 'threads' (default on CPU): worker threads sharing memory; 'processes': child processes over TCP. */
  transport?: 'threads' | 'processes';
  /**
   * 'cpu' (default): workers on CPU cores. 'gpu': one worker process per GPU, each seeing its own
   * GPU through CUDA_VISIBLE_DEVICES, on tfjs-node-gpu (the 'tensorflow' backend); transport processes.
   */
  device?: 'cpu' | 'gpu';
  /** Limit on every collective (and on the coordinator's answer at an epoch's end); default 120 s. */
  timeoutMs?: number;
  /** Gradient bucket size (default PyTorch DDP's 25 MiB). */
  bucketCapBytes?: number;
  /**
   * Exchange the gradient of an Embedding's table as the rows a batch touched, when that is
   * smaller than the table (TensorFlow's IndexedSlices, Horovod's sparse allgather); the result
   * has the dense all-reduce's bits either way. Default: on for processes (TCP); off for threads,
   * where the in-place dense all-reduce in shared memory is faster (IMDB LSTM: 2.3 ms a step against 3.6).
   */
  sparseGradients?: boolean;
  /**
   * How every global batch is split across workers (fit on tensors). 'even' (default): the same
   * rows each. Fixed parts, one per worker ([3, 1]: three quarters of every batch to worker 0),
   * for workers of known unequal speed (two kinds of GPU). 'balanced': by each worker's forward
   * and backward time per row, measured every step (RowBalancer), so that a worker on a busier
   * core or a slower device gets fewer rows and the others do not wait for it at the all-reduce;
   * its splits follow the timings, so unlike 'even' two runs' weights differ in their last bits.
   * The global batch and its gradient are the same whatever the split: only the rounding of the
   * sums changes.
   */
  rowSplit?: RowSplit;
  /** Absolute paths of modules every worker imports before it rebuilds the model (custom layers). */
  modules?: string[];
  /** Seed of the shuffling order when fit has none (default: random; rank 0's when launched). */
  seed?: number;
  /** The workers' backend; default: the caller's (initBackend; wasm for tfjs-node in threads), else wasm. */
  backend?: BackendRequest;
  /** Steps between weight checksums across replicas (also checked at every epoch's end); default 100. */
  checksumEverySteps?: number;
  /**
   * Restarts allowed over a fit (torchrun's max_restarts; default 0: a failure fails the fit). When a
   * rank dies (killed, crashed, threw) or stalls past timeoutMs, every rank is stopped, new ones
   * start from the last checkpoint and training resumes there, to the same weights.
   */
  maxRestarts?: number;
  /**
   * Where the last checkpoint lives (Keras's BackupAndRestore): model, optimizer state, epoch, step,
   * data position and the epoch's metrics so far, written atomically. A fit finding one there
   * resumes from it; a finished fit removes it. Without it, restarts resume from one kept in memory.
   */
  checkpointDir?: string;
  /** Steps between checkpoints within an epoch (also one at every epoch's end) when checkpointing; default 100. */
  checkpointEverySteps?: number;
}

/** The module every rank runs (its `main`): a replica served to the coordinator until stopped. */
export const DATA_PARALLEL_RANK_ENTRY = join(__dirname, 'replica-rank.ts');

function positiveInt(value: number, what: string, hint: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`DataParallel: ${what} must be a positive integer (${hint}). Received: ${what}=${value}`);
  return value;
}

function checkRowSplit(split: RowSplit, workers: number): RowSplit {
  if (split === 'even' || split === 'balanced') return split;
  if (!Array.isArray(split) || split.length !== workers || !split.every((p) => Number.isFinite(p) && p > 0)) {
    throw new Error(
      `DataParallel: rowSplit must be 'balanced', 'even' or one positive part per worker (${workers} here, e.g. [${new Array(workers).fill(1)}]). ` +
        `Received: rowSplit=${JSON.stringify(split)}`,
    );
  }
  return split;
}

/** fit's `profile` over ranks: every rank in `path`, and each alone in `path` with `.rank-N` before its extension. */
async function writeProfile(path: string, eventsByRank: TraceEvent[][]): Promise<void> {
  await writeTrace(path, eventsByRank.flat());
  await Promise.all(eventsByRank.map((events, rank) => writeTrace(rankTracePath(path, rank), events)));
}

/**
 * Keras's DataParallel: `model.fit(x, y, { batchSize, distribution: new DataParallel({ workers }) })`
 * trains replicas in worker threads (or processes). fit's batchSize is the global batch; each is
 * split across workers by contiguous rows, their gradients summed weighted by rows, so N workers
 * reach the weights of one in-process fit with the same batch and data order. The caller's
 * callbacks run here on rank 0's logs; the trained weights and optimizer state end up in `model`.
 */
export class DataParallel implements Distribution {
  readonly workers: number;
  readonly transport: 'threads' | 'processes';
  readonly device: 'cpu' | 'gpu';
  readonly timeoutMs: number;
  readonly bucketCapBytes: number;
  readonly sparseGradients: boolean;
  readonly rowSplit: RowSplit;
  readonly modules: string[];
  readonly checksumEverySteps: number;
  readonly maxRestarts: number;
  readonly checkpointEverySteps: number;
  private lastRestarts: RestartRecord[] = [];

  constructor(private readonly options: DataParallelOptions = {}) {
    this.workers = positiveInt(options.workers ?? availableParallelism(), 'workers', 'the number of worker threads or processes');
    this.device = options.device ?? 'cpu';
    if (this.device !== 'cpu' && this.device !== 'gpu') throw new Error(`DataParallel: device must be 'cpu' or 'gpu'. Received: device=${String(this.device)}`);
    if (this.device === 'gpu' && options.transport === 'threads') {
      throw new Error("DataParallel: device 'gpu' needs transport 'processes' (tfjs-node cannot load in a second thread of one process).");
    }
    this.transport = options.transport ?? (this.device === 'gpu' ? 'processes' : 'threads');
    if (this.transport !== 'threads' && this.transport !== 'processes') {
      throw new Error(`DataParallel: transport must be 'threads' or 'processes'. Received: transport=${String(this.transport)}`);
    }
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (!(this.timeoutMs > 0)) throw new Error(`DataParallel: timeoutMs must be positive. Received: timeoutMs=${this.timeoutMs}`);
    this.bucketCapBytes = options.bucketCapBytes ?? DEFAULT_BUCKET_CAP_BYTES;
    // Over TCP the touched rows save real time; in shared memory the in-place dense all-reduce is faster than finding them.
    this.sparseGradients = options.sparseGradients ?? this.transport === 'processes';
    if (typeof this.sparseGradients !== 'boolean') throw new Error(`DataParallel: sparseGradients must be true or false. Received: sparseGradients=${String(this.sparseGradients)}`);
    this.rowSplit = checkRowSplit(options.rowSplit ?? 'even', this.workers);
    this.checksumEverySteps = positiveInt(options.checksumEverySteps ?? 100, 'checksumEverySteps', 'steps between weight checks');
    this.maxRestarts = options.maxRestarts ?? 0;
    if (!Number.isInteger(this.maxRestarts) || this.maxRestarts < 0) {
      throw new Error(`DataParallel: maxRestarts must be a non-negative integer (restarts allowed over a fit). Received: maxRestarts=${this.maxRestarts}`);
    }
    this.checkpointEverySteps = positiveInt(options.checkpointEverySteps ?? 100, 'checkpointEverySteps', 'steps between checkpoints');
    if (options.checkpointDir !== undefined && (typeof options.checkpointDir !== 'string' || options.checkpointDir === '')) {
      throw new Error(`DataParallel: checkpointDir must be a directory path. Received: checkpointDir=${String(options.checkpointDir)}`);
    }
    this.modules = options.modules ?? [];
    for (const module of this.modules) {
      if (!isAbsolute(module)) {
        throw new Error(`DataParallel: modules must be absolute paths (workers load them from elsewhere). Received: '${module}'; use path.resolve('${module}')`);
      }
      require.resolve(module);
    }
  }

  /** tensorflow on GPUs; else the caller's backend, except tfjs-node in threads (it cannot load twice in one process): wasm there. */
  private defaultBackend(): BackendRequest {
    if (this.device === 'gpu') return 'tensorflow';
    const callers = activeBackend()?.backend ?? 'wasm';
    return callers === 'tensorflow' && this.transport === 'threads' ? 'wasm' : callers;
  }

  /** The restarts of the last fit: their causes, where they resumed, how long each took. */
  get restarts(): readonly RestartRecord[] {
    return this.lastRestarts;
  }

  async fit(model: Model, x: DataInput, y: DataInput, args: FitArgs = {}): Promise<History> {
    const launched = this.launchedRank();
    if (launched) {
      return fitLaunched(model, x, y, args, launched, {
        timeoutMs: this.timeoutMs,
        bucketCapBytes: this.bucketCapBytes,
        // Launched ranks talk over TCP, where the touched rows save time.
        sparseGradients: this.options.sparseGradients ?? true,
        rowSplit: this.rowSplit,
        checksumEverySteps: this.checksumEverySteps,
        seed: this.options.seed,
      });
    }
    const gpuEnvs = this.placeOnGpus();
    const store = new CheckpointStore(this.options.checkpointDir ?? null);
    const resume = await store.load();
    const seed = args.seed ?? this.options.seed ?? resume?.order.seed ?? Math.floor(Math.random() * 2 ** 31);
    const prepared = prepareFit(model, x, y, args, this.workers, this.transport === 'threads', seed);
    const { epochs, plan } = prepared;
    const spec = startingPoint(model, prepared, resume, store);
    await store.removeStaleWrites();
    // The callbacks' batch events, from rank 0's reports; the loop awaits each epoch's last one.
    let batches: BatchEvents | null = null;
    let reported = Promise.resolve();
    let epochNow = 0;
    let reportedStep = -1;
    const coordinator: CoordinatorApi = {
      batchEnds: (ends) => {
        // Steps replayed after a restart: their events went out already.
        const fresh = ends.filter(({ step }) => step > reportedStep);
        if (fresh.length === 0) return;
        reportedStep = fresh[fresh.length - 1].step;
        elastic.reachedStep(epochNow, reportedStep);
        const events = batches!;
        reported = reported.then(() => relayBatchEnds(events, fresh));
      },
    };
    const verbose = args.verbose ?? 1;
    // Running logs cost a small collective per step: only when a callback (a live progress bar included) reads them.
    const job: ReplicaJob = { ...this.replicaJob(spec), plan: { ...plan, batchLogs: callbacksWantBatchLogs(args) }, trace: args.profile !== undefined };
    const checkpointing = this.maxRestarts > 0 || store.path !== null;
    const arenaBytes = gradientArenaBytes(model.trainableWeights, {
      capBytes: this.bucketCapBytes,
      sparseGradients: this.sparseGradients,
      sidebandLength: sidebandLength(this.rowSplit, this.workers),
    });
    const elastic = new ElasticRanks({
      maxRestarts: this.maxRestarts,
      checkpointEverySteps: checkpointing ? this.checkpointEverySteps : null,
      stepsPerEpoch: plan.stepsPerEpoch,
      store,
      start: (from) => this.startFrom(job, from, arenaBytes, coordinator, gpuEnvs),
    });
    this.lastRestarts = elastic.restarts;
    let epochEnd: StepsResult | null = null;
    // Rank 0's state (megabytes) comes over at every epoch's end only for callbacks that read it.
    const statePerEpoch = callbacksReadWeights(args);
    let modelCurrent = true;
    try {
      await elastic.start();
      const history = await runFitLoop(model, {
        runEpoch: async (epoch, events) => {
          batches = events;
          epochNow = epoch;
          reportedStep = -1;
          epochEnd = await elastic.fitEpoch(epoch, () => learningRateOf(model), statePerEpoch);
          await reported;
          // Checkpoints and restoreBestWeights read the caller's model at the epoch's end.
          if (epochEnd.state) applyModelSpec(model, epochEnd.state);
          modelCurrent = epochEnd.state !== null;
          return epochEnd.logs!;
        },
        afterEpochEnd: async (epoch) => {
          const learningRate = learningRateOf(model);
          elastic.epochEnded(epoch, epochEnd!, learningRate);
          if (learningRate !== null) await elastic.call((replica) => replica.setLearningRate(learningRate));
        },
      }, { epochs, initialEpoch: store.latest.epoch, steps: plan.stepsPerEpoch, verbose, callbacks: args.callbacks, metricNames: prepared.metricNames });
      if (!modelCurrent) {
        const states = await elastic.call(async (replica, rank) => (rank === 0 ? replica.state() : null));
        if (states === null || states[0] === null) throw new Error('DataParallel: the workers failed while fit read back the trained weights');
        applyModelSpec(model, states[0]);
      }
      if (args.profile) {
        const events = await elastic.call((replica) => replica.traceEvents());
        if (events) await writeProfile(args.profile, events);
      }
      await store.remove();
      return history;
    } finally {
      await elastic.close();
      await store.flush().catch(() => undefined); // no write outlives fit
    }
  }

  /** Keras's evaluate over the workers, each on a contiguous shard: [loss, ...metrics], or the loss alone. */
  async evaluate(model: Model, x: DataInput, y: DataInput, args: EvaluateArgs = {}): Promise<number | number[]> {
    const gpuEnvs = this.placeOnGpus();
    const { spec, data, batchSize } = prepareEvaluate(model, x, y, args, this.transport === 'threads');
    const replicas = await this.start({ ...this.replicaJob(spec), evaluation: { data, batchSize } }, 0, { batchEnds: () => undefined }, gpuEnvs);
    try {
      const [logs] = await replicas.all((replica) => replica.evaluate());
      const values = Object.values(logs);
      return values.length === 1 ? values[0] : values;
    } finally {
      await replicas.close();
    }
  }

  /**
   * Keras's predict over the workers: each predicts a contiguous shard of x, and the outputs come
   * back concatenated in x's order (one tensor per model output).
   */
  async predict(model: Model, x: DataInput, args: PredictArgs = {}): Promise<tf.Tensor | tf.Tensor[]> {
    const gpuEnvs = this.placeOnGpus();
    const { spec, xs, batchSize } = preparePredict(model, x, args, this.transport === 'threads');
    const replicas = await this.start({ ...this.replicaJob(spec), prediction: { xs, batchSize } }, 0, { batchEnds: () => undefined }, gpuEnvs);
    try {
      const shards = (await replicas.all((replica) => replica.predict())).filter((s) => s.outputs.length > 0);
      const outputs = shards[0].outputs.map((first, o) => {
        const rows = shards.reduce((n, s) => n + s.outputs[o].shape[0], 0);
        const values = new Float32Array(rows * first.values.length / first.shape[0]);
        let at = 0;
        for (const shard of shards) {
          values.set(shard.outputs[o].values, at);
          at += shard.outputs[o].values.length;
        }
        return tf.tensor(values, [rows, ...first.shape.slice(1)], 'float32');
      });
      return outputs.length === 1 ? outputs[0] : outputs;
    } finally {
      await replicas.close();
    }
  }

  /**
   * model.fit(dataset, { distribution }): with Dataset.fromModule every rank builds and reads its
   * own shard (nothing passes through the coordinator); another dataset is read here each epoch and
   * its batches shipped to the ranks (a warning says so). Restarts and launched ranks need tensors for now.
   */
  async fitDataset(model: Model, dataset: BatchDataset, args: FitArgs = {}): Promise<History> {
    if (this.maxRestarts > 0 || this.options.checkpointDir !== undefined) {
      throw new Error("DataParallel: fit(dataset) does not checkpoint or restart yet (a dataset's read position is not saved). Drop maxRestarts and checkpointDir, or fit on tensors.");
    }
    if (readDistributedEnv().worldSize > 1) {
      throw new Error('DataParallel: fit(dataset) in a process a launcher started as one rank is not supported yet. Fit on tensors there, or let DataParallel start its workers.');
    }
    return fitDatasetParallel(this.datasetRanks(), model, dataset, args);
  }

  /** evaluate(dataset) over the workers: each evaluates its shard (from the dataset's module) or its share of every batch read here. */
  async evaluateDataset(model: Model, dataset: BatchDataset, args: EvaluateArgs = {}): Promise<number | number[]> {
    return evaluateDatasetParallel(this.datasetRanks(), model, dataset, args);
  }

  /** predict(dataset) over the workers: outputs in the dataset's order. */
  async predictDataset(model: Model, dataset: BatchDataset, args: PredictArgs = {}): Promise<tf.Tensor | tf.Tensor[]> {
    return predictDatasetParallel(this.datasetRanks(), model, dataset, args);
  }

  private datasetRanks(): DatasetRanks {
    const gpuEnvs = this.placeOnGpus();
    return {
      shared: this.transport === 'threads',
      job: (spec) => this.replicaJob(spec),
      start: (job, arenaBytes, coordinator) => this.start(job, arenaBytes, coordinator, gpuEnvs),
    };
  }

  private replicaJob(spec: ModelSpec): ReplicaJob {
    return {
      spec,
      modules: this.modules,
      backend: this.options.backend ?? this.defaultBackend(),
      timeoutMs: this.timeoutMs,
      bucketCapBytes: this.bucketCapBytes,
      sparseGradients: this.sparseGradients,
      rowSplit: this.rowSplit,
      checksumEverySteps: this.checksumEverySteps,
      dropoutDraws: [],
      plan: null,
      trace: false,
      evaluation: null,
      prediction: null,
    };
  }

  /**
   * This process's place in a group when a launcher started it as one rank (weft launch, torchrun's
   * variables, srun, mpirun: more than one rank in the environment); null when DataParallel starts
   * its own workers.
   */
  private launchedRank(): DistributedEnv | null {
    const env = readDistributedEnv();
    if (env.worldSize === 1) return null;
    if (this.options.workers !== undefined && this.options.workers !== env.worldSize) {
      throw new Error(
        `DataParallel: this process is rank ${env.rank} of ${env.worldSize} started by a launcher (${env.source} variables), ` +
          `but workers=${this.options.workers} was asked for: drop the workers option (the launcher decides) or launch ${this.options.workers} processes.`,
      );
    }
    return env;
  }

  /** With device 'gpu': each worker's CUDA_VISIBLE_DEVICES, found (or refused, naming the fix) before anything starts. */
  private placeOnGpus(): NodeJS.ProcessEnv[] | null {
    return this.device === 'gpu' ? gpuRankEnvs(this.workers) : null;
  }

  /** Ranks for `job` from a checkpoint: its weights and optimizer state, and its learning rate. */
  private async startFrom(job: ReplicaJob, from: TrainingCheckpoint, arenaBytes: number, coordinator: CoordinatorApi, gpuEnvs: NodeJS.ProcessEnv[] | null): Promise<Replicas> {
    const { weights, optimizerWeights, optimizerIterations, dropoutDraws } = from.state;
    const replicas = await this.start({ ...job, spec: { ...job.spec, weights, optimizerWeights, optimizerIterations }, dropoutDraws }, arenaBytes, coordinator, gpuEnvs);
    try {
      const learningRate = from.learningRate;
      if (learningRate !== null) await replicas.all((replica) => replica.setLearningRate(learningRate));
      return replicas;
    } catch (err) {
      await replicas.close();
      throw err;
    }
  }

  private start(job: ReplicaJob, arenaBytes: number, coordinator: CoordinatorApi, gpuEnvs: NodeJS.ProcessEnv[] | null): Promise<Replicas> {
    return Replicas.start({
      entry: DATA_PARALLEL_RANK_ENTRY,
      size: this.workers,
      transport: this.transport,
      job,
      timeoutMs: this.timeoutMs,
      arenaBytes,
      envForRank: gpuEnvs ? (rank) => gpuEnvs[rank] : undefined,
      coordinator,
    });
  }
}
