import { existsSync } from 'node:fs';
import { CoreContention, runnableThreads } from './core-contention';

describe('CoreContention', () => {
  (existsSync('/proc/loadavg') ? it : it.skip)('reads the runnable threads from /proc/loadavg, this one among them', () => {
    const runnable = runnableThreads();
    expect(Number.isInteger(runnable)).toBe(true);
    expect(runnable).toBeGreaterThanOrEqual(1);
  });

  it('calls the cores busy when the group alone outnumbers them, and free when there are cores to spare', () => {
    expect(new CoreContention(4, 2).busy()).toBe(true);
    expect(new CoreContention(2, 100_000).busy()).toBe(false);
  });
});
