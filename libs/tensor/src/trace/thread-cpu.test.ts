import { setTimeout as sleep } from 'node:timers/promises';
import { spin, traceOnThread } from './busy.fixture';
import { threadCpuSeconds, threadCpuSecondsFromStat } from './thread-cpu';

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('threadCpuSeconds (Linux: this thread only)', () => {
  it('grows by the busy work on this thread: most of the process\'s CPU over it, never more', () => {
    const before = threadCpuSeconds();
    const processBefore = process.cpuUsage();
    const processSeconds = () => (process.cpuUsage(processBefore).user + process.cpuUsage(processBefore).system) / 1e6;
    // Busy until the process has had 0.2 s of CPU, however many other jobs share the cores.
    while (processSeconds() < 0.2) spin(5);
    const used = threadCpuSeconds() - before;
    expect(used).toBeGreaterThan(0.1);
    expect(used).toBeLessThanOrEqual(processSeconds() + 0.001);
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
    expect(workerSeconds).toBeGreaterThanOrEqual(0.3);
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
