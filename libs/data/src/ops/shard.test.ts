import { Dataset } from '../dataset';
import type { ShardRemainder } from './shard';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Every rank's share of epoch `epoch`, each rank with its own dataset (as in separate processes). */
async function shares(n: number, ranks: number, epoch: number, remainder?: ShardRemainder): Promise<number[][]> {
  const out: number[][] = [];
  for (let rank = 0; rank < ranks; rank++) {
    const ds = Dataset.from(range(n)).shuffle(n, 42).shard(ranks, rank, remainder ? { remainder } : {});
    out.push(await ds.toArray(epoch));
  }
  return out;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('shard (DistributedSampler semantics)', () => {
  it.each([
    [12, 3],
    [10, 3],
    [11, 4],
    [3, 5],
  ])('%i samples on %i ranks, uneven: every sample exactly once per epoch, shares differ by at most one', async (n, ranks) => {
    for (const epoch of [0, 1]) {
      const s = await shares(n, ranks, epoch, 'uneven');
      expect(sorted(s.flat())).toEqual(range(n));
      const sizes = s.map((x) => x.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('follows the seeded order: rank r takes positions r, r + ranks, ... of the epoch, and the order changes by epoch', async () => {
    const order0 = await Dataset.from(range(10)).shuffle(10, 42).toArray(0);
    const order1 = await Dataset.from(range(10)).shuffle(10, 42).toArray(1);
    const s0 = await shares(10, 3, 0, 'uneven');
    expect(s0[1]).toEqual([order0[1], order0[4], order0[7]]);
    expect(s0[0]).toEqual([order0[0], order0[3], order0[6], order0[9]]);
    expect((await shares(10, 3, 1, 'uneven'))[2]).toEqual([order1[2], order1[5], order1[8]]);
    expect(s0).not.toEqual(await shares(10, 3, 1, 'uneven'));
  });

  it("'pad' (the default, torch's drop_last=False): equal shares, every sample at least once, the epoch's first samples fill the gap", async () => {
    const order = await Dataset.from(range(10)).shuffle(10, 42).toArray(0);
    const s = await shares(10, 4, 0);
    expect(s.map((x) => x.length)).toEqual([3, 3, 3, 3]);
    expect(new Set(s.flat()).size).toBe(10);
    // torch: indices += indices[:2]; position 10 -> rank 2, position 11 -> rank 3.
    expect(s[2][2]).toBe(order[0]);
    expect(s[3][2]).toBe(order[1]);
    // Divisible counts: exactly once.
    expect(sorted((await shares(12, 4, 0)).flat())).toEqual(range(12));
    // Fewer samples than ranks: the start repeats as often as needed (torch's repeat).
    const tiny = await shares(2, 5, 0);
    expect(tiny.map((x) => x.length)).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(tiny.flat()).size).toBe(2);
  });

  it("'drop' (torch's drop_last=True): equal shares, the incomplete last round dropped, no sample twice", async () => {
    const s = await shares(10, 4, 0, 'drop');
    expect(s.map((x) => x.length)).toEqual([2, 2, 2, 2]);
    expect(new Set(s.flat()).size).toBe(8);
  });

  it('rejects a bad index', () => {
    expect(() => Dataset.from([1]).shard(2, 2)).toThrow('shard: index must be an integer in [0, 2). Received: 2');
  });
});
