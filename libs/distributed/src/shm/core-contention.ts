import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const SAMPLE_EVERY_MS = 20;
const buffer = Buffer.alloc(128);

/**
 * The number of threads runnable on the machine right now (the fourth field of Linux's
 * /proc/loadavg, "running/total"), or null where there is no such file. About 25 us a reading.
 */
export function runnableThreads(): number | null {
  try {
    const fd = openSync('/proc/loadavg', 'r');
    try {
      const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
      const runnable = Number.parseInt(text.split(' ')[3], 10);
      return Number.isFinite(runnable) ? runnable : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * Whether threads outside a group want the machine's cores, so that a rank spinning at a barrier
 * would take the core a late partner (or anyone else) is waiting for. Counts runnable threads at
 * most every 20 ms (counting all `ranks` of the group as runnable) and smooths the count over
 * samples. Where the count cannot be read, the cores are taken to be free.
 */
export class CoreContention {
  private others = 0;
  private sampledAt = -Infinity;

  constructor(
    private readonly ranks: number,
    private readonly cores = availableParallelism(),
  ) {}

  /** True while, on recent samples, the group's ranks and other threads outnumber the cores. */
  busy(): boolean {
    const now = performance.now();
    if (now - this.sampledAt >= SAMPLE_EVERY_MS) {
      this.sampledAt = now;
      const runnable = runnableThreads();
      if (runnable !== null) this.others = (this.others + Math.max(0, runnable - this.ranks)) / 2;
    }
    return this.ranks + this.others > this.cores + 0.5;
  }
}
