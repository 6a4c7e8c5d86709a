import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spin, traceOnThread } from './busy.fixture';
import { StepTracer } from './step-tracer';
import { readTrace, validateTrace, writeRankTraces, writeTrace } from './trace-file';
import { summarizeTrace } from './trace-summary';
import { traceClockUs } from './trace-clock';

describe('trace files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weft-trace-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writeTrace writes the Trace Event Format: traceEvents with name, ph, ts, dur, pid, tid, cat; displayTimeUnit ms', async () => {
    const tracer = new StepTracer({ rank: 0 });
    tracer.span('step', () => tracer.span('forward', () => spin(1)));
    const path = join(dir, 'one.json');
    await writeTrace(path, tracer.events());
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json.displayTimeUnit).toBe('ms');
    const complete = json.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(complete).toHaveLength(2);
    for (const e of complete) {
      expect(Object.keys(e).sort()).toEqual(['cat', 'dur', 'name', 'ph', 'pid', 'tid', 'ts']);
      expect(e.dur).toBeGreaterThan(0);
    }
    expect((await readTrace(path)).traceEvents).toEqual(tracer.events());
  });

  it('a rank on a worker thread and one on the main thread: one file each and a merged one with a process per rank, on one clock', async () => {
    const main = new StepTracer({ rank: 0, label: 'coordinator' });
    const before = traceClockUs();
    const worker = await main.spanAsync('step', () => main.spanAsync('wait', () => traceOnThread(1, 20)));
    const files = await writeRankTraces(join(dir, 'traces'), [main.events(), worker.events]);
    expect(files.ranks).toEqual([join(dir, 'traces', 'trace-rank-0.json'), join(dir, 'traces', 'trace-rank-1.json')]);
    expect(files.merged).toBe(join(dir, 'traces', 'trace-all-ranks.json'));

    const merged = (await readTrace(files.merged)).traceEvents;
    expect(new Set(merged.map((e) => e.pid))).toEqual(new Set([1, 2]));
    expect(merged.filter((e) => e.name === 'process_name').map((e) => e.args?.name).sort()).toEqual(['coordinator', 'worker 1']);
    expect((await readTrace(files.ranks[1])).traceEvents).toEqual(worker.events);
    // The worker's step happened while the main thread waited for it: same clock on both threads.
    const wait = merged.find((e) => e.name === 'wait' && e.pid === 1)!;
    const workerStep = merged.find((e) => e.name === 'step' && e.pid === 2)!;
    expect(wait.ts).toBeGreaterThanOrEqual(before);
    expect(workerStep.ts).toBeGreaterThan(wait.ts);
    expect(workerStep.ts + workerStep.dur!).toBeLessThan(wait.ts + wait.dur!);
    const [rank0, rank1] = summarizeTrace(merged);
    expect([rank0.label, rank1.label]).toEqual(['coordinator', 'worker 1']);
    expect(rank0.shares.wait).toBeGreaterThan(0.9);
    expect(rank1.shares.compute).toBeGreaterThan(0.9);
  });

  it('refuses two entries of the same rank, and an entry of several ranks', async () => {
    const a = new StepTracer({ rank: 3 });
    const b = new StepTracer({ rank: 3 });
    await expect(writeRankTraces(dir, [a.events(), b.events()])).rejects.toThrow('two entries are both rank 3; give each rank');
    const c = new StepTracer({ rank: 4 });
    await expect(writeRankTraces(dir, [[...a.events(), ...c.events()]])).rejects.toThrow('entry 0 holds events of 2 processes');
  });

  it('validateTrace and readTrace name what is wrong', async () => {
    expect(() => validateTrace([])).toThrow('trace: not a trace file: expected an object with a traceEvents array');
    const good = { name: 'forward', ph: 'X', cat: 'compute', ts: 1, dur: 2, pid: 1, tid: 1000 };
    expect(() => validateTrace({ traceEvents: [good] })).not.toThrow();
    expect(() => validateTrace({ traceEvents: [{ ...good, dur: undefined }] })).toThrow('traceEvents[0] ("forward"): dur must be a number >= 0 on a complete (X) event');
    expect(() => validateTrace({ traceEvents: [good, { ...good, pid: 'a' }] })).toThrow('traceEvents[1] ("forward"): pid must be an integer. Received: "a"');
    expect(() => validateTrace({ traceEvents: [{ ...good, ph: 'B' }] })).toThrow('ph must be one of X, i, C, M');
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"traceEvents": [');
    await expect(readTrace(path)).rejects.toThrow(`${path}: not JSON`);
  });
});
