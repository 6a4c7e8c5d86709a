// A dataset function for the fromModule tests: sample ids, this rank's shard of a seeded order.
import type { DatasetContext } from '@weft/layers';
import { Dataset } from '../dataset';

export function idShards({ rank, worldSize }: DatasetContext, args: { samples: number; seed: number }) {
  return Dataset.from(Array.from({ length: args.samples }, (_, i) => i))
    .shuffle(args.samples, args.seed)
    .shard(worldSize, rank, { remainder: 'uneven' })
    .batch(2)
    .map((ids) => ({ x: { shape: [ids.length], values: ids } }));
}
