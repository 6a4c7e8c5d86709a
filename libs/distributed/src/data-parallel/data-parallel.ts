import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { activeBackend, type BackendRequest } from '@weft/tensor';
import {
  CallbackList,
  History,
  ProgbarLogger,
  type Callback,
  type DataInput,
  type Distribution,
  type EvaluateArgs,
  type FitArgs,
  type Logs,
  type Model,
} from '@weft/layers';
import { launchProcesses } from '../launch/launch-processes';
import { launchThreads } from '../launch/launch-threads';
import type { RankOutcome } from '../launch/rank-context';
import { DEFAULT_BUCKET_CAP_BYTES } from '../gradient-buckets';
import { EpochRelay } from './epoch-relay';
import type { CoordinatorMessage, EvaluateJob, FitJob, RankMessage, ReplicaJob } from './fit-job';
import { gpuRankEnvs } from './gpu-placement';
import { prepareEvaluate, prepareFit } from './prepare-fit';

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
   * has the dense all-reduce's bits either way. Default true; false: always dense.
   */
  sparseGradients?: boolean;
  /** Absolute paths of modules every worker imports before it rebuilds the model (custom layers). */
  modules?: string[];
  /** Seed of the shuffling order when fit has none (default: random). */
  seed?: number;
  /** The workers' backend; default: the caller's (initBackend; wasm for tfjs-node in threads), else wasm. */
  backend?: BackendRequest;
  /** Steps between weight checksums across replicas (also checked at every epoch's end); default 100. */
  checksumEverySteps?: number;
}

/** The module every rank of fit runs (its `main`). */
export const DATA_PARALLEL_RANK_ENTRY = join(__dirname, 'fit-rank.ts');
const DATA_PARALLEL_EVALUATE_ENTRY = join(__dirname, 'evaluate-rank.ts');

function positiveInt(value: number, what: string, hint: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`DataParallel: ${what} must be a positive integer (${hint}). Received: ${what}=${value}`);
  return value;
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
  readonly modules: string[];
  readonly checksumEverySteps: number;
  /** Each GPU worker's CUDA_VISIBLE_DEVICES, found at fit/evaluate before anything starts (null on CPU). */
  private gpuEnvs: NodeJS.ProcessEnv[] | null = null;

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
    this.sparseGradients = options.sparseGradients ?? true;
    if (typeof this.sparseGradients !== 'boolean') throw new Error(`DataParallel: sparseGradients must be true or false. Received: sparseGradients=${String(this.sparseGradients)}`);
    this.checksumEverySteps = positiveInt(options.checksumEverySteps ?? 100, 'checksumEverySteps', 'steps between weight checks');
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

  async fit(model: Model, x: DataInput, y: DataInput, args: FitArgs = {}): Promise<History> {
    this.gpuEnvs = this.device === 'gpu' ? gpuRankEnvs(this.workers) : null;
    const shared = this.transport === 'threads';
    const seed = args.seed ?? this.options.seed ?? Math.floor(Math.random() * 2 ** 31);
    const prepared = prepareFit(model, x, y, args, this.workers, shared, seed);
    const verbose = args.verbose ?? 1;
    const history = new History();
    const callbacks: Callback[] = [...(args.callbacks ?? []), history];
    if (verbose > 0) callbacks.push(new ProgbarLogger({ verbose: verbose === 2 ? 2 : 1 }));
    const list = new CallbackList(callbacks);
    list.setModel(model);
    const { epochs, stepsPerEpoch } = prepared.job;
    list.setParams({ epochs, steps: stepsPerEpoch, verbose, metrics: prepared.metricNames });
    const job: FitJob = {
      ...prepared.job,
      modules: this.modules,
      backend: this.options.backend ?? this.defaultBackend(),
      timeoutMs: this.timeoutMs,
      bucketCapBytes: this.bucketCapBytes,
      sparseGradients: this.sparseGradients,
      checksumEverySteps: this.checksumEverySteps,
      batchLogs: list.wantsBatchLogs,
    };
    const relay = new EpochRelay(model, list);
    model.stopTraining = false;
    model.history = history;
    await list.onTrainBegin();
    await this.run<null>(DATA_PARALLEL_RANK_ENTRY, job, prepared.gradientBytes, relay.onMessage, async () => {
      await relay.settled();
      if (relay.failure) throw relay.failure;
    });
    await list.onTrainEnd();
    return history;
  }

  /** Keras's evaluate over the workers, each on a contiguous shard: [loss, ...metrics], or the loss alone. */
  async evaluate(model: Model, x: DataInput, y: DataInput, args: EvaluateArgs = {}): Promise<number | number[]> {
    this.gpuEnvs = this.device === 'gpu' ? gpuRankEnvs(this.workers) : null;
    const job: EvaluateJob = {
      ...prepareEvaluate(model, x, y, args, this.transport === 'threads'),
      modules: this.modules,
      backend: this.options.backend ?? this.defaultBackend(),
      timeoutMs: this.timeoutMs,
    };
    let failure: Error | null = null;
    const onMessage = (_rank: number, message: unknown) => {
      const m = message as RankMessage;
      if (m.kind === 'failed') failure ??= new Error(`DataParallel: ${m.message}`);
    };
    const [logs] = await this.run<Logs>(DATA_PARALLEL_EVALUATE_ENTRY, job, 0, onMessage, async () => {
      if (failure) throw failure;
    });
    const values = Object.values(logs);
    return values.length === 1 ? values[0] : values;
  }

  /**
   * Runs `entry` on every worker with `job`; resolves with their results, or rejects with the
   * first failure (`settle` may throw a more precise one first).
   */
  private async run<R>(
    entry: string,
    job: ReplicaJob,
    arenaBytes: number,
    onMessage: (rank: number, message: unknown, reply: (message: CoordinatorMessage) => void) => void,
    settle: () => Promise<void>,
  ): Promise<R[]> {
    const launch = { size: this.workers, entry, args: job, groupTimeoutMs: this.timeoutMs, failureGraceMs: this.timeoutMs, onMessage };
    const outcomes: RankOutcome<R>[] =
      this.transport === 'threads'
        ? await launchThreads({ ...launch, arenaBytes })
        : await launchProcesses({ ...launch, envForRank: this.gpuEnvs ? (rank) => this.gpuEnvs![rank] : undefined });
    await settle();
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw new Error(`DataParallel: ${outcome.error}`);
      return outcome.value;
    });
  }
}
