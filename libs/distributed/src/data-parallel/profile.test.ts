// fit's `profile`: a Chrome/Perfetto trace of every step, in-process and per rank, that covers the
// step; and, read from the trace, the all-reduce of the last layers' bucket starting while backward
// is still running (the overlap).
import { mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, readTrace, summarizeTrace, type TraceEvent } from '@weft/tensor';
import { DataParallel } from '../index';
import { classification, mlp } from '../testing/oracle-helpers';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'weft-profile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spans(events: TraceEvent[], pid: number, name: string) {
  return events.filter((e) => e.ph === 'X' && e.pid === pid && e.name === name);
}

it('in-process: one step span per batch, each covered by data, forward/backward and optimizer spans', async () => {
  const [x, y] = classification(40, 31);
  const path = join(dir, 'in-process.json');
  await mlp('adam').fit(x, y, { batchSize: 8, epochs: 2, verbose: 0, profile: path });
  const { traceEvents } = await readTrace(path);
  const [summary] = summarizeTrace(traceEvents);
  expect(summary.steps).toBe(10);
  for (const name of ['data', 'backward', 'optimizer']) expect(summary.spans[name].count).toBe(10);
  expect(summary.shares.compute).toBeGreaterThan(0.5);
  expect(summary.shares.compute + summary.shares.data + summary.shares.communication + summary.shares.wait + summary.shares.other).toBeCloseTo(1, 6);
});

it('2 threads: a trace per rank and one of both; buckets are all-reduced while backward runs', async () => {
  const [x, y] = classification(64, 32);
  const path = join(dir, 'parallel.json');
  // A small bucket cap gives each layer its own bucket, so the last layer's is reduced first.
  await mlp('sgd').fit(x, y, { batchSize: 16, epochs: 1, verbose: 0, shuffle: false, profile: path, distribution: new DataParallel({ workers: 2, bucketCapBytes: 64 }) });
  expect(existsSync(join(dir, 'parallel.rank-0.json'))).toBe(true);
  expect(existsSync(join(dir, 'parallel.rank-1.json'))).toBe(true);
  const { traceEvents } = await readTrace(path);
  const summaries = summarizeTrace(traceEvents);
  expect(summaries.map((s) => s.rank)).toEqual([0, 1]);
  for (const s of summaries) {
    expect(s.steps).toBe(4);
    expect(s.spans.forward.count).toBeGreaterThanOrEqual(4);
    expect(s.spans.unpack.count).toBe(4);
    expect(s.shares.compute).toBeGreaterThan(0);
    expect(s.shares.communication).toBeGreaterThan(0);
  }
  // Rank 0, every step: the first bucket's all-reduce (communication track) starts before the last backward stage ends.
  const steps = spans(traceEvents, 1, 'step');
  const reduces = traceEvents.filter((e) => e.ph === 'X' && e.pid === 1 && e.name === 'all-reduce' && e.args?.item === 0);
  const backward = spans(traceEvents, 1, 'backward');
  expect(reduces).toHaveLength(4);
  steps.forEach((step, i) => {
    const inStep = backward.filter((b) => b.ts >= step.ts && b.ts < step.ts + step.dur!);
    const lastBackwardEnd = Math.max(...inStep.map((b) => b.ts + b.dur!));
    expect(reduces[i].ts).toBeLessThan(lastBackwardEnd);
  });
});

it.each(['even', 'balanced'] as const)(
  "2 threads, one bucket of odd-sized weights (%s split): it lies in the shared memory DataParallel reserves, and is reduced there in place",
  async (rowSplit) => {
    const [x, y] = classification(64, 33);
    const path = join(dir, `in-place-${rowSplit}.json`);
    await mlp('sgd').fit(x, y, { batchSize: 16, epochs: 1, verbose: 0, profile: path, distribution: new DataParallel({ workers: 2, rowSplit }) });
    const { traceEvents } = await readTrace(path);
    const reduces = traceEvents.filter((e) => e.ph === 'X' && e.name === 'all-reduce' && e.args?.kind === 'bucket');
    // 4 steps on each rank, one bucket each (the sideband of a balanced split rides in it).
    expect(reduces).toHaveLength(8);
    expect(reduces.map((e) => e.args?.inPlace)).toEqual(reduces.map(() => true));
  },
);
