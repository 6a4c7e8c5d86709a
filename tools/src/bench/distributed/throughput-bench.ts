import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, listGpus, readTrace, summarizeTrace, tf, threadCpuSeconds, tracePid, type BackendInfo, type TraceEvent } from '@weft/tensor';
import { BYTES_SENT_COUNTER, DataParallel, launchProcesses, launchThreads, type RankOutcome, type RowSplit } from '@weft/distributed';
import type { IndependentRunArgs, IndependentRunTiming } from './independent-rank';
import { StepClock, type WarmupPlan } from './step-clock';
import { stepSharesFromTrace, type ThroughputStepShares } from './step-shares';
import { DEFAULT_THROUGHPUT_MODELS, MODELS, THROUGHPUT_MODELS, type ModelBench, type ThroughputModel } from './throughput-models';

/**
 * Training throughput per device: the same model trained in this process (the single-device
 * baseline) and data-parallel over N workers, with the per-worker batch held fixed (global batch =
 * N x per-worker batch, weak scaling as in Horovod's and PyTorch DDP's benchmarks). Steady state
 * only: the clock runs from the end of the last warm-up step to the end of the last step, both
 * seen on the coordinator (rank 0's batch ends, relayed to fit's callbacks); worker start-up
 * (launch, backend, model rebuild) is timed apart, up to the first epoch's start.
 */

export interface ThroughputBenchOptions {
  /** Default: DEFAULT_THROUGHPUT_MODELS. */
  models?: ThroughputModel[];
  /** Data-parallel worker counts; default [1, 2]. */
  workers?: number[];
  /** Default 'threads'. */
  transport?: 'threads' | 'processes';
  /** Per-worker batch, held fixed (default 32); the global batch is workers x batch. */
  batch?: number;
  /** Steps per timed epoch; default: per model (quick: 3). */
  steps?: number;
  /**
   * Timed epochs per run, after the warm-up; each row keeps its fastest (default 3; quick: 1). A
   * burst of other work on a shared host slows the epochs it lands on, not the fastest.
   */
  timedEpochs?: number;
  /** The fewest warm-up steps, not timed; default 10 (quick: 1). */
  warmupSteps?: number;
  /**
   * The in-process baseline trains whole untimed epochs until this many seconds have passed (default
   * 5; quick: 0); the model's other runs then warm up for as many epochs. A worker is a fresh V8
   * isolate: its JIT optimizes tfjs's functions one by one over seconds of training, on background
   * threads that take the cores the ranks train on, so the first seconds are not the steady state.
   */
  warmupSeconds?: number;
  quick?: boolean;
  /** 'cpu' (default) or 'gpu' (needs @tensorflow/tfjs-node-gpu). */
  device?: 'cpu' | 'gpu';
  /**
   * How the data-parallel runs split each global batch across workers (DataParallel's rowSplit;
   * default ['even']); with both, each worker count is run once per split, interleaved in the same run.
   */
  rowSplits?: RowSplitKind[];
  /** Rounds of every configuration, interleaved; each row keeps its fastest (default 1). */
  repeat?: number;
  /** Called with a line after each measurement (progress). */
  onProgress?: (line: string) => void;
  /** Where to write each run's step traces (a file per rank and a merged one, for Perfetto); fills the rows' stepShares. */
  traceDir?: string;
  /**
   * Also run, for each worker count above 1, that many in-process trainings at once (threads or
   * processes as --transport, nothing exchanged): free-running, the ceiling the cores and memory
   * set on data-parallel training here (row 'independent'); and in lockstep, a barrier after every
   * step, the ceiling of synchronous training, whose step lasts as long as the slowest replica's
   * (row 'lockstep').
   */
  ceiling?: boolean;
}

/** The runs --ceiling adds: in-process trainings at once, free-running or waiting for each other after every step. */
export type CeilingRun = 'independent' | 'lockstep';

/** The row splits the bench compares (DataParallel's rowSplit without fixed parts). */
export type RowSplitKind = Exclude<RowSplit, number[]>;

export interface ThroughputRow {
  model: ThroughputModel;
  /**
   * 'in-process': one device, no DataParallel (the baseline); 'independent': `workers` in-process
   * trainings at once, exchanging nothing (the ceiling, --ceiling); 'lockstep': the same with a
   * barrier after every step (the ceiling of synchronous training, --ceiling); else the
   * DataParallel transport.
   */
  run: 'in-process' | CeilingRun | 'threads' | 'processes';
  workers: number;
  /** How a data-parallel run split each global batch (DataParallel's rowSplit); absent for the others. */
  rowSplit?: RowSplitKind;
  /** Where each worker computed ('cpu'; 'gpu' once DataParallel places workers on GPUs). */
  device: 'cpu' | 'gpu';
  /** What each worker is: 'this process' (in-process), 'worker thread' or 'child process'. */
  worker: 'this process' | 'worker thread' | 'child process';
  /** Each worker's backend and the package that provides it. */
  backend: string;
  package: string;
  perWorkerBatch: number;
  globalBatch: number;
  /** Warm-up steps trained before the timed ones (whole epochs of `steps`). */
  warmupSteps: number;
  /** Steps per timed epoch. */
  steps: number;
  /** steps x globalBatch: the samples one timed epoch trained. */
  samples: number;
  /** Timed epochs per run (--timed-epochs). */
  timedEpochs: number;
  /** Rounds measured (--repeat). */
  repeat: number;
  /** Timed (steady-state) seconds of the fastest epoch of all rounds: the row's figure. */
  seconds: number;
  /** samples / seconds of every round's fastest epoch, in order. */
  roundsSamplesPerSecond: number[];
  /** samples / seconds of every timed epoch, round after round. */
  epochsSamplesPerSecond: number[];
  samplesPerSecond: number;
  samplesPerSecondPerWorker: number;
  /** samplesPerSecond / in-process samplesPerSecond (same run). */
  speedup: number;
  /** samplesPerSecond / (workers x in-process samplesPerSecond). */
  efficiency: number;
  /** From fit's call to the first epoch's start: data handed over (shared memory for threads), workers launched, backends and replicas ready. */
  startupSeconds: number;
  /** The host's 1-minute load average after the run (other jobs share the cores: read the figures with it). */
  loadAverage: number;
  /** CPU seconds of the coordinator's main thread over the fit (threadCpuSeconds), when measured. */
  coordinatorCpuSeconds?: number;
  /** Data-parallel runs: the coordinator main thread's CPU over the timed epochs, as a share of one core. */
  coordinatorCpuShare?: number;
  /** Per rank (index = rank), from the step traces (--trace): the share of the step each part took. */
  stepShares?: ThroughputStepShares[];
  /** Gradient bytes each rank all-reduces per step. */
  bytesPerStep?: number;
}

/** The option values every caller (the CLI included) must pass; messages name the CLI flags. */
export function validateThroughputOptions(options: ThroughputBenchOptions): void {
  for (const model of options.models ?? []) {
    if (!(THROUGHPUT_MODELS as readonly string[]).includes(model)) {
      throw new Error(`Unknown model '${model}'. Choices: ${THROUGHPUT_MODELS.join(', ')}`);
    }
  }
  for (const n of options.workers ?? []) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--workers takes positive integers, e.g. --workers 1,2. Received: ${n}`);
  }
  for (const [name, value] of [['batch', options.batch], ['steps', options.steps], ['timed-epochs', options.timedEpochs], ['warmup', options.warmupSteps], ['repeat', options.repeat]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`--${name} must be a positive integer. Received: ${value}`);
  }
  const seconds = options.warmupSeconds;
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new Error(`--warmup-seconds must be a number of seconds, 0 or more. Received: ${seconds}`);
  }
  if (options.transport !== undefined && options.transport !== 'threads' && options.transport !== 'processes') {
    throw new Error(`--transport must be threads or processes. Received: ${String(options.transport)}`);
  }
  for (const split of options.rowSplits ?? []) {
    if (split !== 'even' && split !== 'balanced') throw new Error(`--row-split must be even, balanced or both (even,balanced). Received: ${String(split)}`);
  }
  if (options.device !== undefined && options.device !== 'cpu' && options.device !== 'gpu') {
    throw new Error(`--device must be cpu or gpu. Received: ${String(options.device)}`);
  }
}

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

/**
 * What --device gpu can do here: an error naming the package when tfjs-node-gpu is not installed,
 * or no GPU is visible; with GPUs, an error too: this bench measures CPU workers only for now
 * (DataParallel({ device: 'gpu' }) trains on GPUs from a script).
 */
export function checkGpuDevice(resolve: (id: string) => string = require.resolve): never {
  try {
    resolve(GPU_PACKAGE);
  } catch {
    throw new Error(
      `--device gpu needs ${GPU_PACKAGE}, which is not installed: \`npm install ${GPU_PACKAGE}\` on a host with CUDA ` +
        `(GPU workers are then one process each with CUDA_VISIBLE_DEVICES). Without it, use --device cpu (wasm).`,
    );
  }
  const gpus = listGpus();
  if (gpus.length === 0) throw new Error(`--device gpu: ${GPU_PACKAGE} is installed but no GPU is visible (nvidia-smi -L, CUDA_VISIBLE_DEVICES).`);
  throw new Error(
    `--device gpu: ${gpus.length} GPU(s) visible, but this bench measures CPU workers only for now. ` +
      "Train on them from a script with new DataParallel({ device: 'gpu' }), or use --device cpu.",
  );
}

/** Each rank's events from the start of its first timed step (its step spans after `warmupSteps`). */
function timedEvents(events: TraceEvent[], warmupSteps: number): TraceEvent[] {
  const firstTimed = new Map<number, number>();
  const stepsSeen = new Map<number, number>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.ph !== 'X' || e.name !== 'step') continue;
    const seen = stepsSeen.get(e.pid) ?? 0;
    if (seen === warmupSteps) firstTimed.set(e.pid, e.ts);
    stepsSeen.set(e.pid, seen + 1);
  }
  return events.filter((e) => e.ph === 'M' || e.ts >= (firstTimed.get(e.pid) ?? Infinity));
}

/** Rank 0's bytes sent per timed step, from the counter every rank samples after each step. */
function bytesPerStep(events: TraceEvent[], warmupSteps: number): number {
  const samples = events.filter((e) => e.ph === 'C' && e.name === BYTES_SENT_COUNTER && e.pid === tracePid(0)).map((e) => Number(e.args?.bytes));
  const timed = samples.slice(warmupSteps - 1);
  return timed.length < 2 ? 0 : (timed[timed.length - 1] - timed[0]) / (timed.length - 1);
}

interface Measured {
  /** Each timed epoch's seconds. */
  epochSeconds: number[];
  warmupEpochs: number;
  startupSeconds: number;
  coordinatorCpuSeconds: number;
  /** This thread's CPU over the timed epochs, as a share of one core. */
  coordinatorCpuShare: number;
  stepShares: ThroughputStepShares[];
  bytesPerStep: number;
}

async function measure(
  spec: ModelBench,
  workers: number | null,
  transport: 'threads' | 'processes',
  batch: number,
  warmup: WarmupPlan,
  steps: number,
  timedEpochs: number,
  rowSplit: RowSplitKind,
  backend: BackendInfo,
  tracePath: string,
): Promise<Measured> {
  const globalBatch = (workers ?? 1) * batch;
  const [x, y] = spec.data(steps * globalBatch, 7);
  const model = spec.build();
  const clock = new StepClock(steps, warmup, timedEpochs);
  try {
    const start = performance.now();
    const cpuAtStart = threadCpuSeconds();
    await model.fit(x, y, {
      batchSize: globalBatch,
      epochs: clock.epochs,
      shuffle: false,
      verbose: 0,
      callbacks: [clock],
      profile: tracePath,
      distribution: workers === null ? undefined : new DataParallel({ workers, transport, backend: backend.backend, rowSplit }),
    });
    const coordinatorCpuSeconds = threadCpuSeconds() - cpuAtStart;
    const { traceEvents } = await readTrace(tracePath);
    const stepShares = stepSharesFromTrace(summarizeTrace(timedEvents(traceEvents, clock.warmupSteps)));
    return {
      epochSeconds: clock.epochSeconds(),
      warmupEpochs: clock.warmupEpochs,
      startupSeconds: ((clock.epochBegin ?? start) - start) / 1000,
      coordinatorCpuSeconds,
      coordinatorCpuShare: clock.cpuShareWhileTimed(),
      stepShares,
      bytesPerStep: workers === null ? 0 : bytesPerStep(traceEvents, clock.warmupSteps),
    };
  } finally {
    tf.dispose([x, y]);
    model.dispose?.();
  }
}

const INDEPENDENT_ENTRY = join(__dirname, 'independent-rank.ts');

/** `workers` in-process trainings at once, each in a thread or process of its own, nothing exchanged: each epoch's seconds of the slowest. */
async function measureIndependent(
  run: CeilingRun,
  name: ThroughputModel,
  workers: number,
  transport: 'threads' | 'processes',
  batch: number,
  warmupEpochs: number,
  steps: number,
  timedEpochs: number,
): Promise<Measured> {
  const launch = { size: workers, entry: INDEPENDENT_ENTRY, args: { model: name, batch, warmupEpochs, steps, timedEpochs, lockstep: run === 'lockstep' }, groupTimeoutMs: 600_000 };
  const outcomes: RankOutcome<IndependentRunTiming>[] =
    transport === 'processes'
      ? await launchProcesses<IndependentRunArgs, IndependentRunTiming>(launch)
      : await launchThreads<IndependentRunArgs, IndependentRunTiming>(launch);
  const perRun = outcomes.map((o) => {
    if (!o.ok) throw new Error(`throughput bench: ${run} run ${o.rank} failed: ${o.error}`);
    return o.value.epochSeconds;
  });
  // Every run trains as many samples; the slowest sets the pace a lockstep job would have. The
  // runs start together, so their k-th epochs fall in about the same seconds.
  const epochSeconds = perRun[0].map((_, k) => Math.max(...perRun.map((seconds) => seconds[k])));
  return { epochSeconds, warmupEpochs, startupSeconds: 0, coordinatorCpuSeconds: 0, coordinatorCpuShare: 0, stepShares: [], bytesPerStep: 0 };
}

const fastestEpoch = (m: Measured) => Math.min(...m.epochSeconds);

type RunConfig = { run: 'in-process' | CeilingRun; workers: number } | { run: 'data-parallel'; workers: number; rowSplit: RowSplitKind };

/** Runs the bench: for each model, the in-process baseline then each worker count (and its ceiling, with `ceiling`), in one run. */
export async function runThroughputBench(options: ThroughputBenchOptions = {}): Promise<ThroughputRow[]> {
  validateThroughputOptions(options);
  if (options.device === 'gpu') checkGpuDevice();
  const models = options.models ?? DEFAULT_THROUGHPUT_MODELS;
  const workerCounts = options.workers ?? [1, 2];
  const transport = options.transport ?? 'threads';
  const batch = options.batch ?? 32;
  const minWarmupSteps = options.warmupSteps ?? (options.quick ? 1 : 10);
  const warmupSeconds = options.warmupSeconds ?? (options.quick ? 0 : 5);
  const timedEpochs = options.timedEpochs ?? (options.quick ? 1 : 3);
  const rowSplits = [...new Set<RowSplitKind>(options.rowSplits ?? ['even'])];
  const backend = await initBackend('wasm');
  const rows: ThroughputRow[] = [];
  const repeat = options.repeat ?? 1;
  const configs: RunConfig[] = [{ run: 'in-process', workers: 1 }];
  for (const workers of workerCounts) {
    if (options.ceiling && workers > 1) configs.push({ run: 'independent', workers }, { run: 'lockstep', workers });
    // One worker has nothing to split: it runs once.
    for (const rowSplit of workers > 1 ? rowSplits : rowSplits.slice(0, 1)) configs.push({ run: 'data-parallel', workers, rowSplit });
  }
  // The split is named only when the run compares splits.
  const splitOf = (c: RunConfig) => (c.run === 'data-parallel' && c.workers > 1 && rowSplits.length > 1 ? ` ${c.rowSplit}` : '');
  const label = (c: RunConfig) => (c.run === 'data-parallel' ? `${transport} x${c.workers}${splitOf(c)}` : c.run === 'in-process' ? 'in-process' : `${c.run} x${c.workers}`);
  // Every run is traced (a few spans a step: no measurable cost) for the step shares; kept with --trace.
  const traceDir = options.traceDir ?? (await mkdtemp(join(tmpdir(), 'weft-bench-trace-')));
  await mkdir(traceDir, { recursive: true });
  try {
    for (const name of models) {
      const spec = MODELS[name];
      const steps = options.steps ?? (options.quick ? 3 : spec.steps);
      // Rounds interleave the configurations (baseline, 1, 2, ..., baseline, 1, 2, ...) so that a
      // burst of other work on the host lands on all of them alike; each keeps its fastest round.
      const rounds: Measured[][] = configs.map(() => []);
      // The first in-process run warms up by time; it sets the warm-up epochs of every later run.
      let warmupEpochs: number | null = null;
      for (let round = 0; round < repeat; round++) {
        for (const [i, config] of configs.entries()) {
          const warmup: WarmupPlan = warmupEpochs === null ? { seconds: warmupSeconds, minSteps: minWarmupSteps } : { epochs: warmupEpochs };
          const m: Measured =
            config.run === 'independent' || config.run === 'lockstep'
              ? await measureIndependent(config.run, name, config.workers, transport, batch, warmupEpochs ?? 1, steps, timedEpochs)
              : await measure(spec, config.run === 'in-process' ? null : config.workers, transport, batch, warmup, steps, timedEpochs, config.run === 'data-parallel' ? config.rowSplit : 'even', backend,
                  join(traceDir, `${name}-${label(config).replace(/ /g, '-')}${repeat > 1 ? `-round${round + 1}` : ''}.json`));
          rounds[i].push(m);
          warmupEpochs ??= m.warmupEpochs;
          if (repeat > 1) options.onProgress?.(`${name} ${label(config)}, round ${round + 1}/${repeat}: ${((steps * config.workers * batch) / fastestEpoch(m)).toFixed(1)} samples/s`);
        }
      }
      let single = 0;
      for (const [i, config] of configs.entries()) {
        const n = config.workers;
        const globalBatch = n * batch;
        const samples = steps * globalBatch;
        const fastest = rounds[i].reduce((a, b) => (fastestEpoch(b) < fastestEpoch(a) ? b : a));
        const seconds = fastestEpoch(fastest);
        const samplesPerSecond = samples / seconds;
        if (config.run === 'in-process') single = samplesPerSecond;
        const measuredHere = config.run === 'in-process' || config.run === 'data-parallel';
        const row: ThroughputRow = {
          model: name,
          run: config.run === 'data-parallel' ? transport : config.run,
          workers: n,
          ...(config.run === 'data-parallel' ? { rowSplit: config.rowSplit } : {}),
          device: backend.device,
          worker: config.run === 'in-process' ? 'this process' : transport === 'threads' ? 'worker thread' : 'child process',
          backend: backend.backend,
          package: backend.package,
          perWorkerBatch: batch,
          globalBatch,
          warmupSteps: fastest.warmupEpochs * steps,
          steps,
          samples,
          timedEpochs,
          repeat,
          seconds,
          roundsSamplesPerSecond: rounds[i].map((m) => samples / fastestEpoch(m)),
          epochsSamplesPerSecond: rounds[i].flatMap((m) => m.epochSeconds.map((s) => samples / s)),
          samplesPerSecond,
          samplesPerSecondPerWorker: samplesPerSecond / n,
          speedup: samplesPerSecond / single,
          efficiency: samplesPerSecond / (n * single),
          startupSeconds: Math.min(...rounds[i].map((m) => m.startupSeconds)),
          coordinatorCpuSeconds: measuredHere ? fastest.coordinatorCpuSeconds : undefined,
          // In-process, the coordinator is the training thread: its share says nothing.
          coordinatorCpuShare: config.run === 'data-parallel' ? fastest.coordinatorCpuShare : undefined,
          bytesPerStep: measuredHere ? fastest.bytesPerStep : undefined,
          stepShares: measuredHere ? fastest.stepShares : undefined,
          loadAverage: loadavg()[0],
        };
        rows.push(row);
        options.onProgress?.(`${name} ${label(config)}: ${samplesPerSecond.toFixed(1)} samples/s`);
      }
    }
  } finally {
    if (options.traceDir === undefined) await rm(traceDir, { recursive: true, force: true });
  }
  return rows;
}
