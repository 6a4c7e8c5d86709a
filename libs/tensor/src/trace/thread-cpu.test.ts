import { setTimeout as sleep } from 'node:timers/promises';
import { spin, traceOnThread } from './busy.fixture';
import { threadCpuSeconds, threadCpuSecondsFromStat } from './thread-cpu';

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('threadCpuSeconds (Linux: this thread only)', () => {
  it('grows by about the busy time after busy work on this thread', () => {
    const before = threadCpuSeconds();
    const wallStart = performance.now();
    spin(300);
    const wall = (performance.now() - wallStart) / 1000;
    const used = threadCpuSeconds() - before;
    // Other jobs share the cores: the thread gets part of the 300 ms, never more than all of it.
    expect(used).toBeGreaterThan(0.05);
    expect(used).toBeLessThanOrEqual(wall + 0.01);
  });

  it('does not grow while this thread sleeps', async () => {
    const before = threadCpuSeconds();
    await sleep(300);
    expect(threadCpuSeconds() - before).toBeLessThan(0.03);
  });

  it("does not count a worker thread's busy work, which process.cpuUsage does", async () => {
    const before = threadCpuSeconds();
    const processBefore = process.cpuUsage();
    const { cpuSeconds: workerSeconds } = await traceOnThread(0, 300);
    const processSeconds = (process.cpuUsage(processBefore).user + process.cpuUsage(processBefore).system) / 1e6;
    expect(workerSeconds).toBeGreaterThan(0.05);
    expect(processSeconds).toBeGreaterThan(workerSeconds * 0.9);
    // The worker's start-up (loading tsx and the fixture) runs on its own thread too; the main
    // thread only waits for its message.
    expect(threadCpuSeconds() - before).toBeLessThan(workerSeconds);
  });

  it('the /proc/thread-self/stat fallback (clock ticks) agrees with schedstat to within a few ticks', () => {
    spin(100);
    const [schedstat, stat] = [threadCpuSeconds(), threadCpuSecondsFromStat()];
    expect(stat).toBeGreaterThan(0);
    expect(Math.abs(schedstat - stat)).toBeLessThan(0.05 + schedstat * 0.02);
  });
});
