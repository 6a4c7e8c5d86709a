import { join } from 'node:path';
import { datasetContext, type DenseBatchArray } from '@weft/layers';
import { Dataset } from './dataset';
import { idShards } from './testing/id-shards';

const MODULE = join(__dirname, 'testing/id-shards.ts');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Rank r's ids in epoch e, as DataParallel's rank r reads them (the function called with its context). */
async function rankIds(samples: number, ranks: number, rank: number, epoch: number): Promise<number[]> {
  const batches = await idShards(datasetContext(rank, ranks), { samples, seed: 7 }).toArray(epoch);
  return batches.flatMap((b) => b.x.values);
}

describe('Dataset.fromModule', () => {
  it.each([
    [10, 3],
    [11, 4],
    [37, 2],
  ])('%i samples over %i ranks: each epoch every sample exactly once across ranks, in an order that changes by epoch', async (samples, ranks) => {
    const epochs: number[][] = [];
    for (const epoch of [0, 1]) {
      const shares = await Promise.all(range(ranks).map((rank) => rankIds(samples, ranks, rank, epoch)));
      expect(shares.flat().sort((a, b) => a - b)).toEqual(range(samples));
      epochs.push(shares.flat());
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
  });

  it('in this process is rank 0 of 1 (the whole seeded order); derived datasets have no module to rebuild from', async () => {
    const dataset = Dataset.fromModule(MODULE, 'idShards', { samples: 9, seed: 7 });
    expect(dataset.moduleRef).toEqual({ module: MODULE, exportName: 'idShards', args: { samples: 9, seed: 7 } });
    const ids = (await dataset.toArray(0)).flatMap((b) => Array.from((b.x as DenseBatchArray).values));
    expect(ids).toEqual(await Dataset.from(range(9)).shuffle(9, 7).toArray(0));
    expect(dataset.take(1).moduleRef).toBeUndefined();
  });

  it('refuses args that cannot be copied to the ranks', () => {
    expect(() => Dataset.fromModule(MODULE, 'idShards', { encode: () => 1 })).toThrow('Dataset.fromModule: args must be plain data (copied to every rank)');
    expect(() => Dataset.fromModule(join(__dirname, 'no-such-module.ts'), 'idShards')).toThrow('Dataset.fromModule: cannot load');
  });
});
