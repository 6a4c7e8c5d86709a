// Worker-thread entry for trace-file.test.ts and thread-cpu.test.ts: traces one step of busy work
// (busyMs of this thread's CPU) as rank workerData.rank and posts its events and the CPU seconds this thread spent.
import { parentPort, workerData } from 'node:worker_threads';
import { spinCpu } from './busy.fixture';
import { StepTracer } from './step-tracer';
import { threadCpuSeconds } from './thread-cpu';

const { rank, busyMs } = workerData as { rank: number; busyMs: number };
const tracer = new StepTracer({ rank, label: `worker ${rank}` });
const cpuBefore = threadCpuSeconds();
tracer.span('step', () => tracer.span('forward', () => spinCpu(busyMs / 1000)));
parentPort?.postMessage({ events: tracer.events(), cpuSeconds: threadCpuSeconds() - cpuBefore });
