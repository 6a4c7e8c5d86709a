// Hand-built throughput rows for the format and chart tests (the bench's own test runs it for real).
import type { ThroughputRow } from './throughput-bench';
import type { ThroughputModel } from './throughput-models';

/** An in-process row and one threads row per worker count, with the given efficiencies. */
export function rowsOf(model: ThroughputModel, inProcess: number, efficiencies: Record<number, number>): ThroughputRow[] {
  const row = (run: ThroughputRow['run'], workers: number, samplesPerSecond: number): ThroughputRow => ({
    model,
    run,
    workers,
    device: 'cpu',
    worker: run === 'in-process' ? 'this process' : 'worker thread',
    backend: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    perWorkerBatch: 32,
    globalBatch: 32 * workers,
    warmupSteps: 2,
    steps: 10,
    samples: 320 * workers,
    timedEpochs: 1,
    repeat: 1,
    seconds: (320 * workers) / samplesPerSecond,
    roundsSamplesPerSecond: [samplesPerSecond],
    epochsSamplesPerSecond: [samplesPerSecond],
    samplesPerSecond,
    samplesPerSecondPerWorker: samplesPerSecond / workers,
    speedup: samplesPerSecond / inProcess,
    efficiency: samplesPerSecond / (workers * inProcess),
    startupSeconds: 0.5,
    loadAverage: 1.5,
  });
  return [row('in-process', 1, inProcess), ...Object.entries(efficiencies).map(([n, e]) => row('threads', Number(n), Number(n) * e * inProcess))];
}
