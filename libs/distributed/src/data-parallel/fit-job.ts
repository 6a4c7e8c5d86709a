import type { BackendRequest, TraceEvent } from '@weft/tensor';
import type { DatasetModuleRef, Logs, ModelSpec } from '@weft/layers';
import type { RowData } from './row-data';
import type { RowSplit } from './row-balancer';

/** Inputs, targets and per-sample weights, one RowData per model input and output. */
export interface FitData {
  xs: RowData[];
  ys: RowData[];
  sampleWeight: RowData | null;
}

/** What fit trains on and how: the same on every rank. */
export interface TrainPlan {
  train: FitData;
  validation: FitData | null;
  /** The global batch, split across ranks by contiguous rows. */
  batchSize: number;
  validationBatchSize: number;
  stepsPerEpoch: number;
  shuffle: boolean;
  /** Seed of the epoch permutations, the same on every rank. */
  seed: number;
  /** Whether the coordinator's callbacks read batch logs (then every step sums metric state; else they get {}). */
  batchLogs: boolean;
}

/**
 * A dataset on the ranks: a module each rank builds its own shard from (Dataset.fromModule), or
 * batches the coordinator read (a dataset the ranks cannot rebuild, or tensors), of which each rank
 * takes its contiguous share of every batch, evaluated in chunks of at most `chunk` rows.
 */
export type RankDataset = { kind: 'module'; ref: DatasetModuleRef } | { kind: 'batches'; batches: FitData[]; chunk: number };

/** What fit(dataset) trains on: the same on every rank. */
export interface DatasetPlan {
  /** Each rank's own shard, from a module; null: the coordinator ships each epoch's batches (fitDatasetEpoch's argument). */
  train: DatasetModuleRef | null;
  validation: RankDataset | null;
  /** Applied to each batch a rank builds from the module (shipped batches carry it in their sample weights already). */
  classWeight: Record<number, number> | null;
  batchLogs: boolean;
}

/** What every rank receives when it starts: how to rebuild the model, and what to train or evaluate. */
export interface ReplicaJob {
  spec: ModelSpec;
  /** Masks each seeded Dropout has drawn (resuming from a checkpoint: its mask sequences go on); [] for a new fit. */
  dropoutDraws: number[];
  /** Modules every rank imports first (custom layers). */
  modules: string[];
  backend: BackendRequest;
  timeoutMs: number;
  bucketCapBytes: number;
  /** Whether row-sparse gradients (Embedding tables) may travel as their touched rows. */
  sparseGradients: boolean;
  /** How every global batch is split across ranks. */
  rowSplit: RowSplit;
  checksumEverySteps: number;
  /** For fit. */
  plan: TrainPlan | null;
  /** Record a trace of every step (fit's `profile`). */
  trace: boolean;
  /** For evaluate: the data and batch size. */
  evaluation: { data: FitData; batchSize: number } | null;
  /** For predict: the inputs and batch size. */
  prediction: { xs: RowData[]; batchSize: number } | null;
  /** For fit(dataset). */
  datasetPlan?: DatasetPlan | null;
  /** For evaluate(dataset) and predict(dataset). */
  datasetInference?: RankDataset | null;
}

/** One rank's predictions: per model output, its shard's rows, flat, and their shape. */
export interface PredictionShard {
  outputs: { values: Float32Array; shape: number[] }[];
}

/** Rank 0's weights and optimizer state (for applyModelSpec on the coordinator), and where its seeded Dropouts' mask sequences are. */
export type ModelState = Pick<ModelSpec, 'weights' | 'optimizerWeights' | 'optimizerIterations'> & { dropoutDraws: number[] };

/** Steps [from, to) of an epoch, for every rank to train: the whole epoch, or a part between checkpoints. */
export interface StepRange {
  epoch: number;
  from: number;
  to: number;
  /** Batches drawn since the fit began before step `from` (the data position): new ranks skip ahead to it. */
  globalStep: number;
  /** Resuming mid-epoch on new ranks: the epoch's metric state so far, summed over ranks (rank 0 takes it, the others start from zero). */
  metricState: number[] | null;
  /** Ending before the epoch's end: return the metric state summed over ranks and rank 0's state, for a checkpoint. */
  checkpoint: boolean;
  /** At the epoch's end: rank 0 returns its state (weights and optimizer state: megabytes, so only when asked). */
  state: boolean;
}

/** A step range as every rank ends it; rank 0 adds its state at the epoch's end when asked, or for a checkpoint. */
export interface StepsResult {
  /** At the epoch's end: its logs, summed over ranks (val_* included); else null. */
  logs: Logs | null;
  /** For a checkpoint: the epoch's metric state so far, summed over ranks. */
  metricState: number[] | null;
  state: ModelState | null;
}

/** The control API a data-parallel rank serves to the coordinator (comlink): the coordinator drives, the ranks train. */
export interface ReplicaApi {
  /** Trains steps [from, to) of an epoch; at the epoch's end, validates and makes every rank's non-trainable state rank 0's. */
  fitSteps(range: StepRange): Promise<StepsResult>;
  /** Loss and metrics over the job's evaluation data, this rank's shard, summed over ranks. */
  evaluate(): Promise<Logs>;
  /** Outputs for this rank's contiguous shard of the job's prediction inputs. */
  predict(): Promise<PredictionShard>;
  /**
   * Trains epoch `epoch` of the job's dataset plan, step by step while any rank has a batch left
   * (the ranks agree on each step's rows), then validates as fitSteps does at an epoch's end.
   * `shipped`: the epoch's batches, when the coordinator reads them. `withState`: rank 0 returns its state.
   */
  fitDatasetEpoch(epoch: number, shipped: FitData[] | null, withState: boolean): Promise<StepsResult>;
  /** Loss and metrics over this rank's part of the job's inference dataset, summed over ranks. */
  evaluateDataset(): Promise<Logs>;
  /** Outputs for this rank's part of the job's inference dataset, its rows in its order. */
  predictDataset(): Promise<PredictionShard>;
  setLearningRate(learningRate: number): void;
  /** This rank's weights and optimizer state (the same on every rank). */
  state(): ModelState;
  /** The rank's step trace so far (empty unless the job asked for one). */
  traceEvents(): TraceEvent[];
  /** Ends the rank: it releases its group and returns. */
  stop(): void;
}

/** A step's end as rank 0 reports it: the global batch's size, and the running logs when the callbacks read them. */
export interface BatchEnd {
  step: number;
  size: number;
  logs: Logs;
}

/** What the coordinator serves to the ranks (comlink). */
export interface CoordinatorApi {
  /** Rank 0's batch ends since its last report, in order (BatchEndReports: not a message per step). */
  batchEnds(ends: BatchEnd[]): void;
}
