import type * as tf from '@tensorflow/tfjs-core';
import type { Callback } from '../callbacks/callback';
import type { History } from '../callbacks/history';
import type { DataInput } from './data';
import type { BatchDataset } from './dataset-input';
import type { TrainingModel } from './training-model';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  /** 0 silent, 1 progress bar (one line per epoch when not a TTY), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Tensors [x, y(, sampleWeight)]; or, when fitting a dataset, a dataset too (its epoch 0 at every epoch's end). */
  validationData?: [DataInput, DataInput] | [DataInput, DataInput, tf.Tensor] | BatchDataset;
  /** Fraction of the data (the last samples, before shuffling, as Keras) held out for validation. */
  validationSplit?: number;
  validationBatchSize?: number;
  shuffle?: boolean;
  /** Weight per class index, e.g. {0: 1, 1: 5}, applied as per-sample weights. */
  classWeight?: Record<number, number>;
  /** Weight per sample ([samples]), or per timestep ([samples, steps]). */
  sampleWeight?: tf.Tensor;
  initialEpoch?: number;
  /** Batches per epoch; the data stream continues across epochs when fewer than a full pass. */
  stepsPerEpoch?: number;
  callbacks?: Callback[];
  /** Train data-parallel: the distribution takes over fit (see Distribution). */
  distribution?: Distribution;
  /** Seed for the shuffling order (default: random). */
  seed?: number;
  /**
   * Writes a Chrome/Perfetto trace of every step's phases (data, forward, backward, all-reduce,
   * optimizer, waits) to this .json file; data-parallel also writes one per rank beside it
   * (`trace.rank-0.json`, ...), the given file holding every rank.
   */
  profile?: string;
}

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
  sampleWeight?: tf.Tensor;
  steps?: number;
  callbacks?: Callback[];
  /** Evaluate data-parallel: the distribution takes over when it implements evaluate. */
  distribution?: Distribution;
}

export interface PredictArgs {
  batchSize?: number;
  verbose?: 0 | 1;
  /** Predict data-parallel (predict then returns a Promise): each worker a contiguous shard, outputs in input order. */
  distribution?: Distribution;
}

export interface TrainOnBatchArgs {
  sampleWeight?: tf.Tensor;
  classWeight?: Record<number, number>;
}

/**
 * A way to train over several devices (implemented outside libs/layers, e.g. @weft/distributed's
 * DataParallel). model.fit(x, y, {distribution}) hands over to distribution.fit, which can use
 * describeModel(model) to ship the model to workers, run their steps with a Trainer whose gradient
 * hook all-reduces, sum metric state with getMetricState/setMetricState, and finally write the
 * trained weights back into `model` (applyModelSpec) before returning the History.
 */
export interface Distribution {
  fit(model: TrainingModel, x: DataInput, y: DataInput, args: FitArgs): Promise<History>;
  evaluate?(model: TrainingModel, x: DataInput, y: DataInput, args: EvaluateArgs): Promise<number | number[]>;
  /** Outputs for x, in x's order, computed on the distribution's devices. */
  predict?(model: TrainingModel, x: DataInput, args: PredictArgs): Promise<tf.Tensor | tf.Tensor[]>;
  /** model.fit(dataset, {distribution}): trains on a dataset's batches (see BatchDataset). */
  fitDataset?(model: TrainingModel, dataset: BatchDataset, args: FitArgs): Promise<History>;
  evaluateDataset?(model: TrainingModel, dataset: BatchDataset, args: EvaluateArgs): Promise<number | number[]>;
  /** Outputs for every batch of the dataset, in its order. */
  predictDataset?(model: TrainingModel, dataset: BatchDataset, args: PredictArgs): Promise<tf.Tensor | tf.Tensor[]>;
}
