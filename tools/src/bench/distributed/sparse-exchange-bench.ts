import { join } from 'node:path';
import { loadavg } from 'node:os';
import { launchProcesses, launchThreads, type RankOutcome } from '@weft/distributed';
import type { SparseBenchArgs, SparseBenchTimings } from './sparse-exchange-rank';
import { MODELS, type ThroughputModel } from './throughput-models';

export interface SparseExchangeBenchOptions {
  /** An IMDB model (binary cross-entropy); default imdb-lstm. */
  model?: ThroughputModel;
  /** Replaces the model's Adam, e.g. 'sgd' (whose update then touches only the exchanged rows). */
  optimizer?: string;
  /** Default 2. */
  workers?: number;
  /** 'threads' (default; shared memory) or 'processes' (TCP). */
  transport?: 'threads' | 'processes';
  /** Per-worker batch; default 32. */
  batch?: number;
  warmupSteps?: number;
  steps?: number;
  /** Interleaved rounds of dense then sparse; default 2. */
  rounds?: number;
}

export interface SparseExchangeRow {
  exchange: 'dense' | 'sparse';
  /** Mean bytes a rank sent per step for the gradients. */
  bytesPerStep: number;
  /** Median step (forward, backward, exchange, update) and median time in the exchange (after a barrier), rank 0. */
  stepMs: number;
  exchangeMs: number;
  /** Timed steps whose embedding gradient travelled as rows (the exchange goes dense when rows would not be smaller). */
  sparseSteps: number;
  /** Mean rows of the embedding gradient summed per sparse step (the union over ranks; null: none). */
  touchedRows: number | null;
  /** workers x batch / step. */
  samplesPerSecond: number;
}

export interface SparseExchangeReport {
  describe: string;
  workers: number;
  transport: 'threads' | 'processes';
  batch: number;
  steps: number;
  rows: SparseExchangeRow[];
  loadAverage: number;
}

const ENTRY = join(__dirname, 'sparse-exchange-rank.ts');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Bytes per step and step time of data-parallel training with the embedding gradient exchanged dense and sparse, in one run. */
export async function runSparseExchangeBench(options: SparseExchangeBenchOptions = {}): Promise<SparseExchangeReport> {
  const model = options.model ?? 'imdb-lstm';
  if (!model.startsWith('imdb-')) throw new Error(`The sparse exchange bench trains an IMDB model (an Embedding). Received: model=${model}`);
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 2) throw new Error(`The sparse exchange bench needs at least 2 workers. Received: workers=${workers}`);
  const transport = options.transport ?? 'threads';
  const args: SparseBenchArgs = {
    model,
    optimizer: options.optimizer ?? null,
    batch: options.batch ?? 32,
    warmupSteps: options.warmupSteps ?? 2,
    steps: options.steps ?? 8,
    rounds: options.rounds ?? 2,
  };
  // Two hooks' buffers per rank: the embedding twice (20000 x 128 floats) and the rest.
  const launch = { size: workers, entry: ENTRY, args, groupTimeoutMs: 120_000 };
  const outcomes: RankOutcome<SparseBenchTimings[]>[] =
    transport === 'threads' ? await launchThreads({ ...launch, arenaBytes: 32 << 20 }) : await launchProcesses(launch);
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new Error(`sparse exchange bench: ${failed.error}`);
  const timings = (outcomes[0] as { value: SparseBenchTimings[] }).value;
  const globalBatch = workers * args.batch;
  return {
    describe: MODELS[model].describe,
    workers,
    transport,
    batch: args.batch,
    steps: args.steps * args.rounds,
    rows: timings.map((t) => ({
      exchange: t.sparse ? 'sparse' : 'dense',
      bytesPerStep: mean(t.bytes),
      stepMs: median(t.stepMs),
      exchangeMs: median(t.exchangeMs),
      sparseSteps: t.touchedRows.filter((n) => n >= 0).length,
      touchedRows: t.touchedRows.some((n) => n >= 0) ? mean(t.touchedRows.filter((n) => n >= 0)) : null,
      samplesPerSecond: globalBatch / (median(t.stepMs) / 1000),
    })),
    loadAverage: loadavg()[0],
  };
}
