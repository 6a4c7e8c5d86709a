// Test helpers: busy work on this thread, and a traced step of busy work on a worker thread.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadCpuSeconds } from './thread-cpu';
import type { TraceEvent } from './trace-event';

/** Keeps this thread on the CPU for ms milliseconds of wall time. */
export function spin(ms: number): number {
  const start = performance.now();
  let x = 0;
  while (performance.now() - start < ms) x += Math.sqrt(x + 1);
  return x;
}

/** Keeps this thread busy until it has had seconds of CPU (however many other jobs share the cores). */
export function spinCpu(seconds: number): number {
  const start = threadCpuSeconds();
  let x = 0;
  while (threadCpuSeconds() - start < seconds) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
  return x;
}

export interface ThreadStep {
  events: TraceEvent[];
  /** The worker thread's own CPU seconds over the step. */
  cpuSeconds: number;
}

/** Runs trace-thread.fixture.ts on a worker thread: one traced step of busyMs milliseconds of CPU as `rank`. */
export function traceOnThread(rank: number, busyMs: number): Promise<ThreadStep> {
  const worker = new Worker(join(__dirname, 'trace-thread.fixture.ts'), { execArgv: ['--require', 'tsx/cjs'], workerData: { rank, busyMs } });
  return new Promise<ThreadStep>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}
