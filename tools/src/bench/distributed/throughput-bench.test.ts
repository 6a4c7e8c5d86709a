// The throughput bench's option checks, its ceilings and --device gpu's answers (a quick run of the
// whole bench: apps/coordinator's bench.test.ts).
import { join } from 'node:path';
import { launchThreads } from '@weft/distributed';
import type { IndependentRunArgs, IndependentRunTiming } from './independent-rank';
import { checkGpuDevice, runThroughputBench, validateThroughputOptions } from './throughput-bench';
import type { ThroughputModel } from './throughput-models';

describe('throughput bench options', () => {
  it('names the bad value', () => {
    expect(() => validateThroughputOptions({ models: ['vgg' as ThroughputModel] })).toThrow("Unknown model 'vgg'");
    expect(() => validateThroughputOptions({ workers: [1, 0] })).toThrow('--workers takes positive integers');
    expect(() => validateThroughputOptions({ steps: 0 })).toThrow('--steps must be a positive integer. Received: 0');
    expect(() => validateThroughputOptions({ repeat: 0 })).toThrow('--repeat must be a positive integer. Received: 0');
    expect(() => validateThroughputOptions({ timedEpochs: 1.5 })).toThrow('--timed-epochs must be a positive integer. Received: 1.5');
    expect(() => validateThroughputOptions({ warmupSeconds: Number('soon') })).toThrow('--warmup-seconds must be a number of seconds, 0 or more. Received: NaN');
    expect(() => validateThroughputOptions({ models: ['tiny', 'imdb-lstm'], workers: [1, 2, 4], batch: 8 })).not.toThrow();
  });
});

describe('--repeat and --timed-epochs', () => {
  it('keeps the fastest epoch of all the rounds (in-process only: no workers)', async () => {
    const lines: string[] = [];
    const [row, ...more] = await runThroughputBench({ models: ['tiny'], workers: [], quick: true, repeat: 2, timedEpochs: 3, onProgress: (l) => lines.push(l) });
    expect(more).toHaveLength(0);
    expect(row.repeat).toBe(2);
    expect(row.timedEpochs).toBe(3);
    expect(row.epochsSamplesPerSecond).toHaveLength(6);
    expect(row.roundsSamplesPerSecond).toEqual([Math.max(...row.epochsSamplesPerSecond.slice(0, 3)), Math.max(...row.epochsSamplesPerSecond.slice(3))]);
    expect(row.samplesPerSecond).toBe(Math.max(...row.epochsSamplesPerSecond));
    expect(row.samplesPerSecond).toBeCloseTo(row.samples / row.seconds, 6);
    expect(row.efficiency).toBe(1);
    expect(lines.filter((l) => l.includes('round'))).toHaveLength(2);
  });
});

describe('warm-up', () => {
  it('the in-process run warms up for --warmup-seconds in whole epochs; every later run of the model for as many steps', async () => {
    const rows = await runThroughputBench({ models: ['tiny'], workers: [1], steps: 4, warmupSeconds: 0.4, warmupSteps: 1 });
    const [single, threads] = rows;
    expect(single.warmupSteps % 4).toBe(0);
    // tiny trains 4 steps in well under 0.4 s, so it needs several epochs to pass 0.4 s.
    expect(single.warmupSteps).toBeGreaterThan(4);
    expect(threads.warmupSteps).toBe(single.warmupSteps);
    expect(threads.stepShares?.length).toBe(1);
  }, 60_000);
});

describe('--ceiling', () => {
  it('adds, before each data-parallel run above 1 worker, that many trainings at once, free-running and in lockstep', async () => {
    const rows = await runThroughputBench({ models: ['tiny'], workers: [1, 2], quick: true, ceiling: true, timedEpochs: 2 });
    expect(rows.map((r) => `${r.run} x${r.workers}`)).toEqual(['in-process x1', 'threads x1', 'independent x2', 'lockstep x2', 'threads x2']);
    const [single, , ...ceilings] = rows.slice(0, 4);
    for (const ceiling of ceilings) {
      // Two trainings of 3 steps of 32 rows, timed by the slower of the two.
      expect(ceiling.samples).toBe(192);
      expect(ceiling.samplesPerSecond).toBeCloseTo(192 / ceiling.seconds, 6);
      expect(ceiling.speedup).toBeCloseTo(ceiling.samplesPerSecond / single.samplesPerSecond, 6);
      expect(ceiling.stepShares).toBeUndefined();
      // Each timed epoch timed by the slower run; the row is the faster epoch.
      expect(ceiling.epochsSamplesPerSecond).toHaveLength(2);
      expect(ceiling.samplesPerSecond).toBe(Math.max(...ceiling.epochsSamplesPerSecond));
    }
  }, 60_000);

  it('runs in lockstep wait for each other after every step; independent ones never', async () => {
    const launch = (lockstep: boolean) =>
      launchThreads<IndependentRunArgs, IndependentRunTiming>({
        size: 2,
        entry: join(__dirname, 'independent-rank.ts'),
        args: { model: 'tiny', batch: 8, warmupEpochs: 1, steps: 3, timedEpochs: 2, lockstep },
      });
    const timings = async (lockstep: boolean) =>
      (await launch(lockstep)).map((o) => {
        if (!o.ok) throw new Error(o.error);
        return o.value;
      });
    // One warm-up epoch and two timed ones of 3 steps: a barrier after each of the 9 steps.
    expect((await timings(true)).map((t) => [t.lockstepBarriers, t.epochSeconds.length])).toEqual([[9, 2], [9, 2]]);
    expect((await timings(false)).map((t) => t.lockstepBarriers)).toEqual([0, 0]);
  }, 60_000);
});

describe('--device gpu', () => {
  const saved = process.env.CUDA_VISIBLE_DEVICES;
  afterEach(() => {
    if (saved === undefined) delete process.env.CUDA_VISIBLE_DEVICES;
    else process.env.CUDA_VISIBLE_DEVICES = saved;
  });
  const missing = () => {
    throw Object.assign(new Error('Cannot find module'), { code: 'MODULE_NOT_FOUND' });
  };
  const installed = (id: string) => `/node_modules/${id}/index.js`;

  it('without tfjs-node-gpu: names the package to install', () => {
    expect(() => checkGpuDevice(missing)).toThrow('npm install @tensorflow/tfjs-node-gpu');
  });

  it('with tfjs-node-gpu but no GPU visible: says so', () => {
    process.env.CUDA_VISIBLE_DEVICES = '';
    expect(() => checkGpuDevice(installed)).toThrow('no GPU is visible');
  });

  it('with GPUs: says the bench measures CPU workers only (no pretend GPU run)', () => {
    process.env.CUDA_VISIBLE_DEVICES = '0,1';
    expect(() => checkGpuDevice(installed)).toThrow('2 GPU(s) visible, but this bench measures CPU workers only for now');
  });
});

describe('--row-split even,balanced', () => {
  it('runs each worker count above 1 once per split, in the same run, and names the split in each data-parallel row', async () => {
    const rows = await runThroughputBench({ models: ['tiny'], workers: [1, 2], quick: true, rowSplits: ['even', 'balanced'] });
    expect(rows.map((r) => [r.run, r.workers, r.rowSplit])).toEqual([
      ['in-process', 1, undefined],
      ['threads', 1, 'even'],
      ['threads', 2, 'even'],
      ['threads', 2, 'balanced'],
    ]);
    expect(() => validateThroughputOptions({ rowSplits: ['even', 'fair' as 'even'] })).toThrow('--row-split must be even, balanced or both (even,balanced). Received: fair');
  }, 60_000);
});
