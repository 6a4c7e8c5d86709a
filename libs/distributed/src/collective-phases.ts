/** Where a group's collectives spent their time, in seconds, summed over calls since the group was made. */
export interface CollectivePhases {
  /** Collectives timed. */
  calls: number;
  /** Waiting at barriers for the other ranks. */
  wait: number;
  /** Summing across ranks (the reduce-scatter), with the scale of a mean. */
  reduce: number;
  /** Copies into and out of shared memory (the all-gather). */
  copy: number;
}

export type PhaseName = Exclude<keyof CollectivePhases, 'calls'>;

/** Splits a collective's wall time into phases: each lap charges the time since the last one. */
export class PhaseClock {
  private readonly totals: CollectivePhases = { calls: 0, wait: 0, reduce: 0, copy: 0 };
  private last = 0;

  start(): void {
    this.totals.calls++;
    this.last = performance.now();
  }

  lap(phase: PhaseName): void {
    const now = performance.now();
    this.totals[phase] += (now - this.last) / 1e3;
    this.last = now;
  }

  read(): CollectivePhases {
    return { ...this.totals };
  }
}
