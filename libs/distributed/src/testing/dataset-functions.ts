// Dataset functions the DataParallel dataset tests load on every rank (Dataset.fromModule).
import { Dataset } from '@weft/data';
import { seededRandom, type DatasetContext } from '@weft/layers';

export interface ClassificationArgs {
  samples: number;
  /** The global batch: each rank batches globalBatch / worldSize of its shard. */
  globalBatch: number;
  /** The shuffling seed (the same on every rank). */
  seed: number;
}

const FEATURES = 5;

/** Sample i of a 3-class task: 5 features and a one-hot label, the same in every process. */
export function classificationSample(i: number): { x: number[]; y: number[] } {
  const random = seededRandom(1000 + i);
  const x = Array.from({ length: FEATURES }, () => random() * 2 - 1);
  const label = (x[0] + x[1] > 0 ? 1 : 0) + (x[2] > 0.5 ? 1 : 0);
  return { x, y: [0, 1, 2].map((c) => (c === label ? 1 : 0)) };
}

/** This rank's shard of a seeded shuffle of the samples, in per-rank batches (TensorFlow's distribute_datasets_from_function). */
export function classificationData(context: DatasetContext, args: ClassificationArgs) {
  const { rank, worldSize } = context;
  return Dataset.from(Array.from({ length: args.samples }, (_, i) => i))
    .shuffle(args.samples, args.seed)
    .shard(worldSize, rank, { remainder: 'uneven' })
    .map(classificationSample)
    .batch(context.perReplicaBatchSize(args.globalBatch))
    .map((rows) => ({
      x: { shape: [rows.length, FEATURES], values: rows.flatMap((r) => r.x) },
      y: { shape: [rows.length, 3], values: rows.flatMap((r) => r.y) },
    }));
}

/** Sample ids as inputs ([n, 1]), this rank's shard of a seeded order, x only: predict them through an identity to see who read what. */
export function sampleIds(context: DatasetContext, args: { samples: number; seed: number; batch: number }) {
  return Dataset.from(Array.from({ length: args.samples }, (_, i) => i))
    .shuffle(args.samples, args.seed)
    .shard(context.worldSize, context.rank, { remainder: 'uneven' })
    .batch(args.batch)
    .map((ids) => ({ x: { shape: [ids.length, 1], values: ids } }));
}

/** A dataset with no elements (fit must say so). */
export function emptyData() {
  return Dataset.from<{ x: { shape: number[]; values: number[] }; y: { shape: number[]; values: number[] } }>([]);
}

export const notAFunction = 42;
