import * as tf from '@tensorflow/tfjs-core';
import { checkData, classWeightsToSampleWeights, toTensorList } from './data';
import type { Batch } from './trainer';
import type { Shape } from '../engine/shape';
import type { DataModel } from './training-model';

/** A row-major block of numbers and its shape ([batch, ...]): what @weft/data's batch and paddedBatch make. */
export interface DenseBatchArray {
  shape: number[];
  values: ArrayLike<number>;
}

export type BatchValue = tf.Tensor | DenseBatchArray;
/** One batch's inputs or targets: one value, one per model input/output, or keyed by input/output name. */
export type BatchInput = BatchValue | BatchValue[] | Record<string, BatchValue>;

/**
 * One batch a dataset yields: Keras's (x, y, sample_weight). fit and evaluate need y; predict
 * ignores it. fit owns the tensors a dataset yields and disposes them once their step is done (as
 * tfjs's fitDataset), so yield fresh ones each epoch, or DenseBatchArrays.
 */
export interface DatasetBatch {
  x: BatchInput;
  y?: BatchInput;
  sampleWeight?: BatchValue;
}

/** Where each data-parallel rank rebuilds a dataset: a module's export, called with the rank's DatasetContext and `args`. */
export interface DatasetModuleRef {
  /** Absolute path of the module (each rank imports it). */
  module: string;
  exportName: string;
  /** Passed to the function as its second argument (structured-cloned to every rank: plain data). */
  args?: unknown;
}

/**
 * What a dataset function hears about the rank that calls it (TensorFlow's InputContext in
 * distribute_datasets_from_function): it reads this rank's shard, with
 * `.shard(worldSize, rank, { remainder: 'uneven' })` on the same seeded order as every rank.
 */
export interface DatasetContext {
  rank: number;
  worldSize: number;
  /** The per-rank batch of a global batch (which must divide by worldSize). */
  perReplicaBatchSize(globalBatchSize: number): number;
}

export type DatasetFunction<A = any> = (context: DatasetContext, args: A) => BatchDataset | Promise<BatchDataset>;

/**
 * What fit, evaluate and predict take in place of tensors (@weft/data's Dataset is one): the
 * batches of each epoch, read again for every epoch (a seeded shuffle orders epoch e its own way).
 */
export interface BatchDataset {
  epoch(epoch: number): AsyncIterable<DatasetBatch>;
  /** Set when each rank can build the dataset itself (Dataset.fromModule): DataParallel has every rank read its own shard. */
  readonly moduleRef?: DatasetModuleRef;
}

export function isBatchDataset(x: unknown): x is BatchDataset {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && typeof (x as BatchDataset).epoch === 'function';
}

export function datasetContext(rank: number, worldSize: number): DatasetContext {
  return {
    rank,
    worldSize,
    perReplicaBatchSize(globalBatchSize: number) {
      if (!Number.isInteger(globalBatchSize) || globalBatchSize < worldSize || globalBatchSize % worldSize !== 0) {
        throw new Error(`perReplicaBatchSize: the global batch (${globalBatchSize}) must be a positive multiple of the ${worldSize} ranks.`);
      }
      return globalBatchSize / worldSize;
    },
  };
}

/** The dataset a module's export makes for one rank; errors name the module, the export and the fix. */
export async function datasetFromModule(ref: DatasetModuleRef, context: DatasetContext, load: (module: string) => Record<string, unknown>): Promise<BatchDataset> {
  const fn = load(ref.module)[ref.exportName];
  if (typeof fn !== 'function') {
    throw new Error(`Dataset module ${ref.module} has no function export '${ref.exportName}' (found: ${typeof fn}). Export a function (context, args) => Dataset under that name.`);
  }
  const dataset = await (fn as DatasetFunction)(context, ref.args);
  if (!isBatchDataset(dataset)) {
    throw new Error(`Dataset module ${ref.module}: '${ref.exportName}' returned ${dataset === null ? 'null' : typeof dataset}, not a dataset. Return a Dataset of { x, y } batches.`);
  }
  return dataset;
}

const isDense = (v: unknown): v is DenseBatchArray =>
  typeof v === 'object' && v !== null && Array.isArray((v as DenseBatchArray).shape) && typeof (v as DenseBatchArray).values === 'object';

/** A batch value as a tensor: a DenseBatchArray as int32 when its values are an Int32Array, else float32 (the model casts inputs to its dtypes). */
function toTensor(value: unknown, what: string): tf.Tensor {
  if (value instanceof tf.Tensor) return value;
  if (isDense(value)) return tf.tensor(value.values as number[], value.shape, value.values instanceof Int32Array ? 'int32' : 'float32');
  throw new Error(`${what} must be a tensor or a { shape, values } array (paddedBatch's). Received: ${value === null ? 'null' : typeof value}`);
}

function toTensors(input: BatchInput, what: string): tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> {
  if (Array.isArray(input)) return input.map((v, i) => toTensor(v, `${what}[${i}]`));
  if (input instanceof tf.Tensor || isDense(input)) return toTensor(input, what);
  if (typeof input === 'object' && input !== null) {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, toTensor(v, `${what}.${k}`)]));
  }
  return toTensor(input, what);
}

/** Everything a conversion made or took over: disposed after the step. */
function allTensors(...parts: (tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> | null)[]): tf.Tensor[] {
  return parts.flatMap((p) => (p === null ? [] : p instanceof tf.Tensor ? [p] : Array.isArray(p) ? p : Object.values(p)));
}

/** A model that may still need building from its first batch. */
export type BuildableModel = DataModel & { readonly built?: boolean; build?(inputShape: Shape | Shape[]): void };

export interface DatasetBatchOptions {
  /** 'fit' and 'evaluate' need targets; 'predict' ignores them. */
  use: 'fit' | 'evaluate' | 'predict';
  /** Batch `index` of the epoch (for errors). */
  index: number;
  classWeight?: Record<number, number>;
}

/**
 * A dataset's element as a Trainer batch (checked as fit checks tensors). The batch owns every
 * tensor in it: the caller disposes them (disposeBatch).
 */
export function datasetBatch(model: BuildableModel, element: unknown, options: DatasetBatchOptions): Batch {
  const where = `batch ${options.index} of the dataset`;
  if (typeof element !== 'object' || element === null || !('x' in element)) {
    throw new Error(`${options.use}(dataset): ${where} is ${element === null ? 'null' : typeof element}, not { x, y }. Map the dataset's elements to { x, y } batches (e.g. .map(({ text, label }) => ({ x: encode(text), y: label })).paddedBatch(32)).`);
  }
  const { x, y, sampleWeight } = element as DatasetBatch;
  if (options.use !== 'predict' && y === undefined) {
    throw new Error(`${options.use}(dataset) needs targets, but ${where} has no y. Yield { x, y } batches (predict(dataset) is the one that takes x alone).`);
  }
  const made = { x: toTensors(x, 'x'), y: options.use === 'predict' || y === undefined ? null : toTensors(y, 'y'), sw: sampleWeight === undefined || options.use === 'predict' ? null : toTensor(sampleWeight, 'sampleWeight') };
  const owned = allTensors(made.x, made.y, made.sw);
  let extra: tf.Tensor | null = null;
  try {
    // An unbuilt model (a Sequential without an input shape) builds from the first batch, as fit on tensors does from x.
    if (model.built === false && model.build) {
      const given = allTensors(made.x);
      model.build(given.length === 1 ? given[0].shape : given.map((t) => t.shape));
    }
    const xs = toTensorList(made.x, model.inputNames, 'x', model.name);
    const ys = made.y ? toTensorList(made.y, model.outputNames, 'y', model.name) : [];
    checkData(model, xs, made.y ? ys : null, [made.sw]);
    let sw = made.sw;
    if (options.classWeight && ys.length > 0) {
      const cw = classWeightsToSampleWeights(ys[0], options.classWeight);
      extra = sw ? tf.mul(sw, cw) : cw;
      if (extra !== cw) cw.dispose();
      sw?.dispose();
      sw = extra;
    }
    return { xs, ys, sampleWeights: ys.map(() => sw) };
  } catch (err) {
    tf.dispose([...owned, ...(extra ? [extra] : [])]);
    throw new Error(`${options.use}(dataset), ${where}: ${(err as Error).message}`);
  }
}

/** Frees a batch made by datasetBatch. */
export function disposeBatch(batch: Batch): void {
  const weights = (batch.sampleWeights ?? []).filter((w): w is tf.Tensor => w !== null);
  tf.dispose([...batch.xs, ...batch.ys, ...new Set(weights)]);
}

/** The error for an epoch that yielded no batches. */
export function emptyDatasetError(use: string, epoch: number): Error {
  return new Error(
    `${use}(dataset): the dataset yielded no batches${use === 'fit' ? ` in epoch ${epoch + 1}` : ''}. ` +
      'Check its source (an empty file or folder), its filters and take(); a dataset function sharding for ranks needs at least one sample per rank.',
  );
}

/** fit(x, y) validates on tensors: the error for a dataset given as its validationData. */
export function tensorValidationData<T>(data: T | BatchDataset): T {
  if (isBatchDataset(data)) {
    throw new Error('fit(x, y): validationData is a dataset, but the training data are tensors. Pass validationData as [x, y], or fit on a dataset: fit(dataset, { validationData }).');
  }
  return data;
}
