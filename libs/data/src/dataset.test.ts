import { Dataset } from './dataset';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Dataset', () => {
  it('maps, filters, takes and skips lazily, and reads again each epoch', async () => {
    let reads = 0;
    const ds = Dataset.from(() => {
      reads++;
      return range(10);
    });
    const out = ds.filter((x) => x % 2 === 0).map(async (x) => x * 10).skip(1).take(3);
    expect(reads).toBe(0);
    expect(await out.toArray()).toEqual([20, 40, 60]);
    expect(await out.toArray()).toEqual([20, 40, 60]);
    expect(reads).toBe(2);
    expect(await ds.take(0).toArray()).toEqual([]);
  });

  it('stops reading the source after take', async () => {
    let produced = 0;
    const ds = Dataset.from(async function* () {
      for (let i = 0; ; i++) {
        produced++;
        yield i;
      }
    });
    expect(await ds.take(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(produced).toBe(4);
  });

  it('batches, with or without the smaller last batch', async () => {
    expect(await Dataset.from(range(7)).batch(3).toArray()).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await Dataset.from(range(7)).batch(3, { dropRemainder: true }).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(() => Dataset.from(range(3)).batch(0)).toThrow('batch: batchSize must be a positive integer. Received: 0');
  });

  it('pads sequences per batch (post by default; pre; a fixed length truncates), keeps scalars flat', async () => {
    const ds = Dataset.from([
      { x: [1, 2, 3], y: 1 },
      { x: [4], y: 0 },
      { x: [5, 6], y: 1 },
    ]);
    expect(await ds.paddedBatch(2).toArray()).toEqual([
      { x: { shape: [2, 3], values: [1, 2, 3, 4, 0, 0] }, y: { shape: [2], values: [1, 0] } },
      { x: { shape: [1, 2], values: [5, 6] }, y: { shape: [1], values: [1] } },
    ]);
    const pre = await ds.paddedBatch(3, { length: { x: 2 }, padding: 'pre', truncating: 'pre', paddingValue: -1 }).toArray();
    expect(pre[0].x).toEqual({ shape: [3, 2], values: [2, 3, -1, 4, 5, 6] });
    expect(await Dataset.from([[1], [2, 3]]).paddedBatch(2).toArray()).toEqual([{ shape: [2, 2], values: [1, 0, 2, 3] }]);
  });

  it('shuffles: a seed gives the same order for an epoch everywhere, another order the next epoch; a full buffer permutes', async () => {
    const ds = Dataset.from(range(50)).shuffle(50, 7);
    const again = Dataset.from(range(50)).shuffle(50, 7);
    const [e0, e1] = [await ds.toArray(), await ds.toArray()];
    expect(await again.toArray(0)).toEqual(e0);
    expect(await again.toArray(1)).toEqual(e1);
    expect(e0).not.toEqual(e1);
    expect(e0).not.toEqual(range(50));
    expect([...e0].sort((a, b) => a - b)).toEqual(range(50));
    // A small buffer only moves elements a little: element i comes out no earlier than position i - bufferSize + 1.
    const local = await Dataset.from(range(100)).shuffle(4, 1).toArray();
    local.forEach((x, position) => expect(position).toBeGreaterThanOrEqual(x - 3));
    expect([...local].sort((a, b) => a - b)).toEqual(range(100));
  });

  it('prefetches ahead of the consumer, in order, and passes errors on', async () => {
    let produced = 0;
    const ds = Dataset.from(async function* () {
      for (let i = 0; i < 6; i++) {
        produced++;
        yield i;
      }
    }).prefetch(3);
    const seen: number[] = [];
    for await (const x of ds) {
      if (x === 0) {
        await new Promise((r) => setTimeout(r, 10));
        expect(produced).toBeGreaterThanOrEqual(3); // read ahead while the consumer waited
      }
      seen.push(x);
    }
    expect(seen).toEqual(range(6));
    const failing = Dataset.from(async function* () {
      yield 1;
      throw new Error('bad row');
    }).prefetch(4);
    await expect(failing.toArray()).rejects.toThrow('bad row');
  });

  it('caches the first complete epoch and serves later ones from memory', async () => {
    let reads = 0;
    const ds = Dataset.from(() => {
      reads++;
      return range(5);
    }).cache();
    await ds.take(2).toArray(); // an incomplete epoch fills nothing
    expect(await ds.toArray()).toEqual(range(5));
    expect(await ds.toArray()).toEqual(range(5));
    expect(reads).toBe(2);
    // Before a shuffle, the cached elements are reshuffled every epoch.
    const shuffled = ds.shuffle(5, 3);
    expect(await shuffled.toArray(0)).not.toEqual(await shuffled.toArray(1));
    expect(reads).toBe(2);
  });
});
