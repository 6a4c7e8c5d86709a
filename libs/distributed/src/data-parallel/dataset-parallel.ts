import { tf } from '@weft/tensor';
import { logger } from '@weft/logging';
import {
  applyModelSpec,
  checkDatasetFitArgs,
  datasetBatch,
  describeModel,
  disposeBatch,
  emptyDatasetError,
  isBatchDataset,
  requireCompiled,
  runFitLoop,
  datasetValidation,
  Trainer,
  type BatchDataset,
  type EvaluateArgs,
  type FitArgs,
  type History,
  type Model,
  type ModelSpec,
  type PredictArgs,
} from '@weft/layers';
import type { CoordinatorApi, FitData, PredictionShard, RankDataset, ReplicaJob } from './fit-job';
import { batchRelay, callbacksReadWeights, callbacksWantBatchLogs } from './fit-reporting';
import { toFitData } from './prepare-fit';
import { gradientArenaBytes } from './overlapped-reducer';
import type { Replicas } from './replicas';
import { learningRateOf } from './starting-point';
import { shardRange } from '../shard-range';

/** What DataParallel lends the dataset paths: how to start ranks for a job. */
export interface DatasetRanks {
  /** Threads share memory: batches the coordinator reads go into SharedArrayBuffers. */
  shared: boolean;
  job(spec: ModelSpec): ReplicaJob;
  start(job: ReplicaJob, arenaBytes: number, coordinator: CoordinatorApi): Promise<Replicas>;
}

const FALLBACK_NOTE =
  'the ranks cannot rebuild this dataset (an object in this process), so the coordinator reads each epoch and ships its batches to them, ' +
  "each rank training its share of every batch. Use Dataset.fromModule(path, exportName, args) so that each rank reads only its own shard.";

/** Every batch of one epoch of a dataset, read here (the fallback for a dataset the ranks cannot rebuild), as shippable rows. */
async function readEpochBatches(model: Model, dataset: BatchDataset, epoch: number, shared: boolean, use: 'fit' | 'evaluate' | 'predict', classWeight?: Record<number, number>): Promise<FitData[]> {
  const batches: FitData[] = [];
  for await (const element of dataset.epoch(epoch)) {
    const batch = datasetBatch(model, element, { use, index: batches.length, classWeight });
    try {
      batches.push(toFitData(batch.xs, batch.ys, batch.sampleWeights?.[0] ?? null, shared));
    } finally {
      disposeBatch(batch);
    }
  }
  if (batches.length === 0) throw emptyDatasetError(use, epoch);
  return batches;
}

function requireBuilt(model: Model, use: string): void {
  if (!model.built) {
    throw new Error(
      `DataParallel: ${use}(dataset) needs a built model (its weights go to the ranks before they read any data): ` +
        'give the first layer an inputShape, or call model.build([null, ...]) first.',
    );
  }
}

/** Where the ranks find a dataset: its module when it has one, else batches read here (epoch 0), each evaluated in chunks of `chunk` rows. */
async function rankDataset(model: Model, dataset: BatchDataset, shared: boolean, use: 'evaluate' | 'predict'): Promise<RankDataset> {
  if (dataset.moduleRef) {
    requireBuilt(model, use);
    return { kind: 'module', ref: dataset.moduleRef };
  }
  logger.warn(`DataParallel ${use}(dataset): ${FALLBACK_NOTE}`);
  return { kind: 'batches', batches: await readEpochBatches(model, dataset, 0, shared, use), chunk: Number.MAX_SAFE_INTEGER };
}

/** fit's validationData for the ranks: a dataset (from its module, or read here), or tensors split across ranks in batches. */
async function validationSource(model: Model, args: FitArgs, shared: boolean): Promise<RankDataset | null> {
  const validation = datasetValidation(model, args.validationData);
  if (validation === null) return null;
  if (isBatchDataset(validation)) return rankDataset(model, validation, shared, 'evaluate');
  return { kind: 'batches', batches: [toFitData(validation.xs, validation.ys, validation.sw ?? null, shared)], chunk: args.validationBatchSize ?? 32 };
}

/**
 * DataParallel's fit on a dataset. From a module (Dataset.fromModule): every rank builds its own
 * shard and the ranks agree on each step's rows as they go (row-weighted gradients, so a global
 * batch split unevenly is still exact). From any other dataset: the coordinator reads each epoch
 * and ships its batches (logged as the fallback it is). Callbacks run here as with tensors.
 */
export async function fitDatasetParallel(ranks: DatasetRanks, model: Model, dataset: BatchDataset, args: FitArgs): Promise<History> {
  requireCompiled(model, 'fit');
  checkDatasetFitArgs(args);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`fit(): epochs must be a positive integer. Received: epochs=${epochs}`);
  const initialEpoch = args.initialEpoch ?? 0;
  const ref = dataset.moduleRef ?? null;
  let firstEpoch: FitData[] | null = null;
  if (ref) {
    requireBuilt(model, 'fit');
  } else {
    logger.warn(`DataParallel fit(dataset): ${FALLBACK_NOTE}`);
    firstEpoch = await readEpochBatches(model, dataset, initialEpoch, ranks.shared, 'fit', args.classWeight); // builds an unbuilt model
  }
  const validation = await validationSource(model, args, ranks.shared);
  const relay = batchRelay();
  const job: ReplicaJob = {
    ...ranks.job(describeModel(model)),
    datasetPlan: { train: ref, validation, classWeight: args.classWeight ?? null, batchLogs: callbacksWantBatchLogs(args) },
  };
  // No balanced split for datasets: no sideband.
  const arenaBytes = gradientArenaBytes(model.trainableWeights, { capBytes: job.bucketCapBytes, sparseGradients: job.sparseGradients, sidebandLength: 0 });
  const replicas = await ranks.start(job, arenaBytes, relay.coordinator);
  // Rank 0's state comes over at every epoch's end only for callbacks that read weights, else once at the end.
  const statePerEpoch = callbacksReadWeights(args);
  try {
    const history = await runFitLoop(
      model,
      {
        runEpoch: async (epoch, events) => {
          relay.epoch(events);
          let shipped: FitData[] | null = null;
          if (!ref) {
            shipped = firstEpoch ?? (await readEpochBatches(model, dataset, epoch, ranks.shared, 'fit', args.classWeight));
            firstEpoch = null;
          }
          const [first] = await replicas.all((replica) => replica.fitDatasetEpoch(epoch, shipped, statePerEpoch));
          await relay.flushed();
          if (first.state) applyModelSpec(model, first.state);
          return first.logs!;
        },
        afterEpochEnd: async () => {
          const learningRate = learningRateOf(model);
          if (learningRate !== null) await replicas.all((replica) => replica.setLearningRate(learningRate));
        },
      },
      { epochs, initialEpoch, steps: null, verbose: args.verbose ?? 1, callbacks: args.callbacks, metricNames: new Trainer(model).fitLogNames(model.outputNames, validation !== null) },
    );
    if (!statePerEpoch) {
      const [state] = await replicas.all(async (replica, rank) => (rank === 0 ? replica.state() : null));
      applyModelSpec(model, state!);
    }
    return history;
  } finally {
    await replicas.close();
  }
}

function refuseInferenceArgs(use: string, args: EvaluateArgs | PredictArgs): void {
  if (args.batchSize !== undefined) throw new Error(`${use}(dataset): batchSize is for tensor inputs. The dataset batches itself: drop batchSize.`);
  if ('sampleWeight' in args && args.sampleWeight !== undefined) throw new Error(`${use}(dataset): sampleWeight is for tensor inputs. Yield { x, y, sampleWeight } batches instead.`);
  if ('steps' in args && args.steps !== undefined) throw new Error(`DataParallel ${use}(dataset) covers the whole dataset: steps is not supported (take(n) batches in the dataset instead).`);
}

/** Keras's evaluate on a dataset over the ranks, each on its part: [loss, ...metrics], or the loss alone. */
export async function evaluateDatasetParallel(ranks: DatasetRanks, model: Model, dataset: BatchDataset, args: EvaluateArgs): Promise<number | number[]> {
  requireCompiled(model, 'evaluate');
  refuseInferenceArgs('evaluate', args);
  const source = await rankDataset(model, dataset, ranks.shared, 'evaluate');
  const replicas = await ranks.start({ ...ranks.job(describeModel(model)), datasetInference: source }, 0, { batchEnds: () => undefined });
  try {
    const [logs] = await replicas.all((replica) => replica.evaluateDataset());
    const values = Object.values(logs);
    return values.length === 1 ? values[0] : values;
  } finally {
    await replicas.close();
  }
}

/**
 * Where each output row comes from, [rank, row of that rank's outputs], in the dataset's order.
 * From a module: rank r's j-th row is element j * worldSize + r (what `.shard(worldSize, rank,
 * { remainder: 'uneven' })` before batching gives). From batches read here: each batch's rows
 * split in contiguous shares.
 */
function rowOrigins(source: RankDataset, counts: number[]): [number, number][] {
  const size = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const origins: [number, number][] = [];
  if (source.kind === 'module') {
    counts.forEach((count, rank) => {
      const expected = Math.ceil((total - rank) / size);
      if (count !== expected) {
        throw new Error(
          `DataParallel predict(dataset): rank ${rank} predicted ${count} rows where ${expected} of ${total} belong to it, so the input order cannot be restored. ` +
            "Shard the elements before batching with .shard(worldSize, rank, { remainder: 'uneven' }) over the same order on every rank.",
        );
      }
    });
    for (let g = 0; g < total; g++) origins.push([g % size, Math.floor(g / size)]);
    return origins;
  }
  const next = new Array<number>(size).fill(0);
  for (const data of source.batches) {
    for (let rank = 0; rank < size; rank++) {
      const { start, end } = shardRange(data.xs[0].shape[0], size, rank);
      for (let i = start; i < end; i++) origins.push([rank, next[rank]++]);
    }
  }
  return origins;
}

/** The ranks' outputs as one tensor per model output, rows in the dataset's order. */
function assemble(source: RankDataset, shards: PredictionShard[]): tf.Tensor[] {
  const counts = shards.map((s) => (s.outputs.length > 0 ? s.outputs[0].shape[0] : 0));
  const origins = rowOrigins(source, counts);
  const first = shards.find((s) => s.outputs.length > 0)!;
  return first.outputs.map((template, o) => {
    const rowSize = template.shape.slice(1).reduce((a, b) => a * b, 1);
    const values = new Float32Array(origins.length * rowSize);
    origins.forEach(([rank, row], g) => values.set(shards[rank].outputs[o].values.subarray(row * rowSize, (row + 1) * rowSize), g * rowSize));
    return tf.tensor(values, [origins.length, ...template.shape.slice(1)], 'float32');
  });
}

/** Keras's predict on a dataset over the ranks: outputs in the dataset's order. */
export async function predictDatasetParallel(ranks: DatasetRanks, model: Model, dataset: BatchDataset, args: PredictArgs): Promise<tf.Tensor | tf.Tensor[]> {
  refuseInferenceArgs('predict', args);
  const source = await rankDataset(model, dataset, ranks.shared, 'predict');
  const replicas = await ranks.start({ ...ranks.job(describeModel(model)), datasetInference: source }, 0, { batchEnds: () => undefined });
  let shards: PredictionShard[];
  try {
    shards = await replicas.all((replica) => replica.predictDataset());
  } finally {
    await replicas.close();
  }
  if (shards.every((s) => s.outputs.length === 0)) throw emptyDatasetError('predict', 0);
  const outputs = assemble(source, shards);
  return outputs.length === 1 ? outputs[0] : outputs;
}
