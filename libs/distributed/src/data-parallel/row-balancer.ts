import type { ProcessGroup } from '../process-group';
import { SplitTrials } from './split-trials';

/** Steps before the first look at the ranks' speeds (which only starts the clock: they include the JIT's warm-up), and the fewest between two looks. */
export const REBALANCE_EVERY_STEPS = 16;

/**
 * About how many seconds of steps each later look measures: a short step's time varies by more
 * than the 5% a new split must gain (an MLP's 16 steps of 8 ms split 30:34 one look and 36:28 the
 * next on an idle 2-core machine).
 */
const LOOK_SECONDS = 1;

/** How a fit splits every global batch across ranks: even, by each rank's measured speed, or by fixed parts (one per rank). */
export type RowSplit = 'even' | 'balanced' | number[];

/**
 * Splits every global batch across ranks in proportion to their speed, as LB-BSP does for
 * workers of unequal speed: a rank that computes more slowly (a busier core, a slower device)
 * gets fewer rows, so that all ranks reach each all-reduce together instead of waiting for the
 * slowest. Each rank times its forward and backward (not its waits); at each look the ranks
 * all-gather those times and every rank derives the same decision from the same numbers.
 *
 * Each new split is a trial that the next look keeps or undoes (SplitTrials).
 *
 * The global batch and its gradient stay the same (each rank's gradient is weighted by its rows),
 * so only the float rounding of the sums changes with the split.
 */
export class RowBalancer {
  /** Fixed parts, or the balanced split's trials; null: even. */
  private readonly fixed: number[] | null;
  private readonly trials: SplitTrials;
  private seconds = 0;
  private rows = 0;
  private steps = 0;
  /** The global step of the next look, and when and where the last one was. */
  private nextLook = REBALANCE_EVERY_STEPS;
  private lastLookAt = performance.now();
  private lastLookStep = 0;
  /** Whether a look has passed: the first window's times include the JIT's warm-up, and decide nothing. */
  private warm = false;

  constructor(
    private readonly group: ProcessGroup,
    private readonly split: RowSplit,
    batchSize: number,
  ) {
    this.fixed = Array.isArray(split) ? [...split] : null;
    this.trials = new SplitTrials(batchSize, group.size);
  }

  /** The parts to split the next batch by (BatchSchedule.next), or undefined for an even split. */
  get current(): readonly number[] | undefined {
    return this.fixed ?? this.trials.current ?? undefined;
  }

  /** This rank spent `seconds` of a step computing the gradients of `rows` rows. */
  record(seconds: number, rows: number): void {
    this.steps++;
    if (rows === 0) return;
    this.seconds += seconds;
    this.rows += rows;
  }

  /**
   * At the step of the next look (the same on every rank), settles the split being tried or tries
   * a clearly faster one; returns whether the split changed. Looks come REBALANCE_EVERY_STEPS steps
   * after the fit's first step, then about LOOK_SECONDS apart; the first only starts the clock.
   */
  async rebalance(step: number, timeoutMs: number): Promise<boolean> {
    if (this.split !== 'balanced' || this.group.size === 1) return false;
    // Ranks resuming mid-fit (all together) look at once, with no speeds yet, and set the next look alike.
    if (step < this.nextLook) return false;
    const now = performance.now();
    const mine = new Float32Array([
      this.rows > 0 ? this.seconds / this.rows : 0,
      this.steps > 0 ? this.seconds / this.steps : 0,
      (now - this.lastLookAt) / 1000,
    ]);
    this.seconds = this.rows = this.steps = 0;
    const all = new Float32Array(3 * this.group.size);
    await this.group.allGather(mine, all, { timeoutMs });
    const column = (c: number) => Array.from({ length: this.group.size }, (_, r) => all[3 * r + c]);
    const [secondsPerRow, secondsPerStep, windowSeconds] = [column(0), column(1), column(2)];
    const looked = step - this.lastLookStep;
    this.nextLook = step + Math.max(REBALANCE_EVERY_STEPS, Math.ceil((looked * LOOK_SECONDS) / Math.max(...windowSeconds, 1e-3)));
    [this.lastLookAt, this.lastLookStep] = [now, step];
    // A rank that trained no rows since the last look (a resumed rank) has no speed yet.
    if (!secondsPerRow.every((s) => s > 0) || !this.warm) {
      this.warm = true;
      return false;
    }
    return this.trials.look(secondsPerRow, secondsPerStep);
  }
}
