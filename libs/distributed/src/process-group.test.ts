import { ProcessGroupShm } from './shm/process-group-shm';
import { createShmGroupHandle } from './shm/shm-layout';
import { createTcpGroup } from './tcp/rendezvous';
import { shardRange } from './shard-range';

describe('ProcessGroup argument checks and lifecycle (a group of one)', () => {
  const group = () => new ProcessGroupShm(createShmGroupHandle(1, 1024, 1024), 0, { timeoutMs: 1000 });

  it('runs every collective as the identity', async () => {
    for (const g of [group(), await createTcpGroup({ rank: 0, size: 1, masterAddr: '127.0.0.1', masterPort: 0, token: '' })]) {
      const data = new Float32Array([1, 2, 3]);
      await g.allReduce(data, { op: 'mean' });
      await g.broadcast(data);
      const gathered = new Float32Array(3);
      await g.allGather(data, gathered);
      const shard = new Float32Array(3);
      await g.reduceScatter(data, shard);
      await g.barrier();
      expect([...data, ...gathered, ...shard]).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
      g.destroy();
    }
  });

  it.each([
    ['a non-Float32Array', (g: ProcessGroupShm) => g.allReduce([1, 2] as unknown as Float32Array), /needs a Float32Array/],
    ['a root out of range', (g: ProcessGroupShm) => g.broadcast(new Float32Array(2), { root: 1 }), /Received: root=1/],
    [
      'an allGather output of the wrong length',
      (g: ProcessGroupShm) => g.allGather(new Float32Array(2), new Float32Array(3)),
      /Received: output.length=3/,
    ],
    [
      'a reduceScatter output of the wrong length',
      (g: ProcessGroupShm) => g.reduceScatter(new Float32Array(4), new Float32Array(3)),
      /Received: output.length=3/,
    ],
    ['a timeout of zero', (g: ProcessGroupShm) => g.barrier({ timeoutMs: 0 }), /Received: timeoutMs=0/],
  ])('rejects %s with the received value', async (_, call, message) => {
    await expect(call(group())).rejects.toThrow(message);
  });

  it('refuses a second collective before the first is awaited', async () => {
    const g = group();
    const first = g.allReduce(new Float32Array(1));
    await expect(g.allReduce(new Float32Array(1))).rejects.toThrow(/while allReduce is running/);
    await first;
  });

  it('fails every call after abort, naming the rank, and after destroy', async () => {
    const g = group();
    g.abort('test over');
    await expect(g.barrier()).rejects.toThrow(/barrier failed on rank 0: test over/);
    const h = group();
    h.destroy();
    await expect(h.barrier()).rejects.toThrow(/destroyed/);
  });

  it('rejects bad group shapes', () => {
    expect(() => new ProcessGroupShm(createShmGroupHandle(2), 2)).toThrow(/Received: rank=2/);
    expect(() => createShmGroupHandle(0)).toThrow(/Received: size=0/);
    expect(() => createShmGroupHandle(2, 100)).toThrow(/Received: slotBytes=100/);
  });

  it('splits any length into shards that cover it in order', () => {
    for (const [length, size] of [[0, 3], [1, 4], [7, 3], [10, 4]]) {
      const shards = Array.from({ length: size }, (_, r) => shardRange(length, size, r));
      expect(shards[0].start).toBe(0);
      expect(shards[size - 1].end).toBe(length);
      shards.slice(1).forEach((s, i) => expect(s.start).toBe(shards[i].end));
      const sizes = shards.map((s) => s.end - s.start);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});
