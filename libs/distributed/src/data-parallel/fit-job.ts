import type { BackendRequest } from '@weft/tensor';
import type { Logs, ModelSpec } from '@weft/layers';
import type { RowData } from './row-data';

/** Inputs, targets and per-sample weights, one RowData per model input and output. */
export interface FitData {
  xs: RowData[];
  ys: RowData[];
  sampleWeight: RowData | null;
}

/** How a rank rebuilds the model. */
export interface ReplicaJob {
  spec: ModelSpec;
  /** Modules every rank imports first (custom layers). */
  modules: string[];
  backend: BackendRequest;
  timeoutMs: number;
}

/** What every rank receives once for evaluate: the model and its shard's data. */
export interface EvaluateJob extends ReplicaJob {
  data: FitData;
  batchSize: number;
}

/** What every rank receives once for fit: the model, the data and fit's arguments. */
export interface FitJob extends ReplicaJob {
  train: FitData;
  validation: FitData | null;
  /** The global batch, split across ranks by contiguous rows. */
  batchSize: number;
  validationBatchSize: number;
  epochs: number;
  initialEpoch: number;
  stepsPerEpoch: number;
  shuffle: boolean;
  /** Seed of the epoch permutations, the same on every rank. */
  seed: number;
  /** Whether the coordinator's callbacks read batch logs (then every step sums metric state; else they get {}). */
  batchLogs: boolean;
  bucketCapBytes: number;
  /** Whether row-sparse gradients (Embedding tables) may travel as their touched rows. */
  sparseGradients: boolean;
  checksumEverySteps: number;
}

/** Rank 0's weights and optimizer state, for applyModelSpec on the coordinator. */
export type ModelState = Pick<ModelSpec, 'weights' | 'optimizerWeights' | 'optimizerIterations'>;

/** From rank 0 (or a failing rank) to the coordinator. */
export type RankMessage =
  | { kind: 'epochBegin'; epoch: number }
  | { kind: 'batchEnd'; step: number; size: number; logs: Logs }
  | { kind: 'epochEnd'; epoch: number; logs: Logs; state: ModelState }
  | { kind: 'failed'; rank: number; message: string };

/** The coordinator's answer to an epochEnd: stop or go on, at the learning rate its callbacks left. */
export type CoordinatorMessage = { kind: 'continue'; stop: boolean; learningRate: number | null } | { kind: 'abort'; reason: string };
