// The sparse row exchange against the dense all-reduce of the same gradients: the same bits, fewer bytes.
import { join } from 'node:path';
import { launchThreads, type LaunchThreadsOptions } from './launch/launch-threads';
import type { RankOutcome } from './launch/rank-context';
import type { DeclaredCall, DeclaredCallResult } from './testing/declared-rows-rank';
import type { HookReport } from './testing/sparse-hook-rank';
import type { SparseCase, SparseCaseResult } from './testing/sparse-rows-rank';

const ENTRY = join(__dirname, 'testing/sparse-rows-rank.ts');
const LIMITS = { groupTimeoutMs: 10_000, timeoutMs: 60_000 };

/** Rows every rank touches (shard edges of a 1501 x 16 array among them) and rows of each rank's own, uneven counts. */
function overlapping(size: number, rows: number, spread: number): number[][] {
  const shared = [0, Math.floor(rows / 3), Math.floor(rows / 2), rows - 1];
  return Array.from({ length: size }, (_, r) => {
    const own = Array.from({ length: 3 + 4 * r }, (_, j) => (j * spread + r * 13 + 5) % rows);
    return [...new Set([...shared, ...own])].sort((a, b) => b - a); // any order: the exchange sorts
  });
}

/** The cases each rank count runs: small (one-barrier path) and large arrays, means and weighted sums, empty ranks, a dense fallback. */
function cases(size: number): SparseCase[] {
  const scale = Array.from({ length: size }, (_, r) => (r + 1) / ((size * (size + 1)) / 2));
  const none = overlapping(size, 100, 7).map((rows, r) => (r === 1 ? [] : rows));
  return [
    { rows: 100, cols: 16, touched: overlapping(size, 100, 7), op: 'mean' },
    { rows: 100, cols: 16, touched: none, op: 'sum', scale },
    { rows: 1501, cols: 16, touched: overlapping(size, 1501, 97), op: 'mean' },
    { rows: 1501, cols: 16, touched: overlapping(size, 1501, 31), op: 'sum', scale },
    { rows: 50, cols: 8, touched: Array.from({ length: size }, () => []), op: 'mean' },
    { rows: 100, cols: 16, touched: [Array.from({ length: 95 }, (_, j) => j), ...overlapping(size - 1, 100, 3)], op: 'mean' },
  ];
}

async function run(size: number, launch: Partial<LaunchThreadsOptions<unknown>>): Promise<SparseCaseResult[][]> {
  const outcomes: RankOutcome<SparseCaseResult[]>[] = await launchThreads({ ...LIMITS, ...launch, size, entry: ENTRY, args: { cases: cases(size) } });
  expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(outcomes.map(() => 'ok'));
  return outcomes.map((o) => (o as { value: SparseCaseResult[] }).value);
}

function expectDenseBits(results: SparseCaseResult[][]): void {
  for (const perRank of results) {
    expect(perRank.map((r) => r.mismatches)).toEqual(perRank.map(() => 0));
    // Sparse but for the case where one rank touched 95 of 100 rows.
    expect(perRank.map((r) => r.sparse)).toEqual([true, true, true, true, true, false]);
    expect(perRank[4].rows).toBe(0);
    for (const r of perRank.slice(0, 5)) expect(r.exchangeBytes).toBeLessThan(r.denseBytes);
  }
}

describe('RowSparseExchange: the dense all-reduce bits, from the touched rows', () => {
  it('2 ranks over shared memory; bytes counted as a ring sends them', async () => {
    const results = await run(2, { arenaBytes: 1 << 20 });
    expectDenseBits(results);
    const [first] = cases(2);
    const max = Math.max(...first.touched.map((t) => t.length));
    // Dense: the whole array once; sparse: [count, signature], then [indices | rows] padded to the largest count.
    expect(results[0][0]).toMatchObject({ denseBytes: 100 * 16 * 4, exchangeBytes: 2 * 4 + max * 17 * 4, rows: new Set(first.touched.flat()).size });
  });

  it('sparseAdvantage: rows must send that many times fewer bytes; far from it, the next calls skip counting rows', async () => {
    const touched = overlapping(2, 100, 7);
    const outcomes: RankOutcome<SparseCaseResult[]>[] = await launchThreads({
      ...LIMITS,
      arenaBytes: 1 << 20,
      size: 2,
      entry: ENTRY,
      args: {
        cases: [
          { rows: 100, cols: 16, touched, op: 'mean', advantage: 4, calls: 2 },
          { rows: 100, cols: 16, touched, op: 'mean', advantage: 16, calls: 3 },
          { rows: 100, cols: 16, touched, op: 'mean', advantage: 32, calls: 3 },
        ],
      },
    });
    const [near, dense, far] = (outcomes[0] as { value: SparseCaseResult[] }).value;
    const counts = 2 * 4; // [count, signature] from each rank
    // At most 11 rows of 17 floats from each of 2 ranks, times 4: under the dense 2 x 1600 floats.
    expect(near.sparse).toBe(true);
    // Times 16, over: dense, and counting again at the next call.
    expect(dense.sparse).toBe(false);
    expect(dense.bytesPerCall).toEqual([counts + dense.denseBytes, counts + dense.denseBytes, counts + dense.denseBytes]);
    // Times 32, over by twice the margin: the calls after it go dense at once.
    expect(far.sparse).toBe(false);
    expect(far.bytesPerCall).toEqual([counts + far.denseBytes, far.denseBytes, far.denseBytes]);
    for (const r of [near, dense, far]) expect(r.mismatches).toBe(0);
  });

  it('3 ranks over shared memory, arrays in the group arena (a large all-reduce, in place)', async () => {
    expectDenseBits(await run(3, { arenaBytes: 1 << 20 }));
  });

  it('3 ranks over shared memory, arrays copied through small slots (several rounds, shards cut mid-row)', async () => {
    expectDenseBits(await run(3, { arenaBytes: 0, slotBytes: 16384 }));
  });

  it('3 ranks over TCP (a ring: each segment summed from its first rank on)', async () => {
    expectDenseBits(await run(3, { transport: 'tcp' }));
  });
});

describe('RowSparseExchange of tensors that declare their touched rows', () => {
  // One exchange in turn: rows that change from call to call (the rows the last call left in its
  // buffer must not leak into the next), a dense call between, a weighted sum, a rank without rows.
  const shifted = (touched: number[][], by: number) => touched.map((rows) => rows.map((row) => (row + by) % 100));
  const calls: DeclaredCall[] = [
    { touched: overlapping(2, 100, 7), op: 'mean' },
    { touched: shifted(overlapping(2, 100, 11), 37), op: 'mean' },
    { touched: [Array.from({ length: 95 }, (_, j) => j), [3, 50]], op: 'mean' },
    { touched: shifted(overlapping(2, 100, 3), 61), op: 'sum', scale: [0.25, 0.75] },
    { touched: [[5, 9, 99], []], op: 'mean' },
  ];

  it.each(['shm', 'tcp'] as const)('reads the declared rows alone and gives the dense all-reduce bits at every call (%s)', async (transport) => {
    const outcomes: RankOutcome<{ calls: DeclaredCallResult[]; wrongShape: string }>[] = await launchThreads({
      ...LIMITS,
      ...(transport === 'shm' ? { arenaBytes: 1 << 20 } : { transport }),
      size: 2,
      entry: join(__dirname, 'testing/declared-rows-rank.ts'),
      args: { rows: 100, cols: 16, calls },
    });
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(['ok', 'ok']);
    for (const { value } of outcomes as { value: { calls: DeclaredCallResult[]; wrongShape: string } }[]) {
      expect(value.calls.map((r) => r.mismatches)).toEqual([0, 0, 0, 0, 0]);
      expect(value.calls.map((r) => r.sparse)).toEqual([true, true, false, true, true]);
      expect(value.wrongShape).toBe("RowSparseExchange 'table': the gradient must be float32 [100,16]. Received: float32 [100,17]");
    }
  });
});

describe('the data-parallel gradient hook with sparse gradients', () => {
  it("sends an Embedding's touched rows, declares them on the result, and gives the dense exchange's bits", async () => {
    const outcomes: RankOutcome<HookReport>[] = await launchThreads({ ...LIMITS, size: 2, entry: join(__dirname, 'testing/sparse-hook-rank.ts'), arenaBytes: 1 << 20 });
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(['ok', 'ok']);
    for (const { value } of outcomes as { value: HookReport }[]) {
      expect(value.sameBits).toBe(true);
      // 4 sequences x 10 words on each rank: at most 80 of the 500 rows.
      expect(value.declaredRows).toBeGreaterThan(10);
      expect(value.declaredRows).toBeLessThanOrEqual(80);
      // A first step checks the buckets' layout (1 float). A bucket starts each tensor at a multiple
      // of 16 floats: the dense layer's bias (1), 15 of padding, its kernel (16). Dense: one bucket,
      // those 32, then the table's 500 x 16; sparse: the 32, a count and signature, and at most 40
      // rows of 1 + 16.
      expect(value.bytes.dense).toBe((1 + 32 + 500 * 16) * 4);
      expect(value.bytes.sparse).toBeLessThanOrEqual((1 + 32 + 2 + 40 * 17) * 4);
    }
  });
});
