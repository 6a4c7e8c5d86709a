import { weightedCounts } from '@weft/layers';
import type { ProcessGroup } from '../process-group';

/** Steps before the first look at the ranks' speeds (which only starts the clock: they include the JIT's warm-up), and the fewest between two looks. */
export const REBALANCE_EVERY_STEPS = 16;

/**
 * About how many seconds of steps each later look measures: a short step's time varies by more
 * than the 5% a new split must gain (an MLP's 16 steps of 8 ms split 30:34 one look and 36:28 the
 * next on an idle 2-core machine).
 */
const LOOK_SECONDS = 1;

/**
 * How much faster the slowest rank's step must get for a new split to be taken: an uneven split
 * costs a pass over every gradient to weight it by its rows (2 ms a step for the IMDB LSTM's
 * 10.5 MB), and steps vary by a few percent from one window to the next.
 */
const MIN_GAIN = 0.05;

/** How a fit splits every global batch across ranks: even, by each rank's measured speed, or by fixed parts (one per rank). */
export type RowSplit = 'even' | 'balanced' | number[];

/**
 * Rows per full batch of `batch` for each rank, in proportion to its speed (1 / secondsPerRow),
 * at least one each while there are rows for every rank; null when the slowest rank's predicted
 * step (its rows x its seconds per row) is not MIN_GAIN shorter than with `current`.
 */
export function balancedRows(secondsPerRow: readonly number[], batch: number, current: readonly number[]): number[] | null {
  const rows = weightedCounts(batch, secondsPerRow.map((s) => 1 / s));
  if (batch >= rows.length) {
    // A rank with no rows would still wait at every all-reduce: give it one from the largest share.
    for (let r = 0; r < rows.length; r++) {
      if (rows[r] > 0) continue;
      rows[rows.indexOf(Math.max(...rows))]--;
      rows[r] = 1;
    }
  }
  const slowest = (split: readonly number[]) => Math.max(...split.map((n, r) => n * secondsPerRow[r]));
  return slowest(rows) < (1 - MIN_GAIN) * slowest(current) ? rows : null;
}

/** A split being tried: the slowest rank's compute per step before it, and the split to go back to. */
interface Trial {
  slowestBefore: number;
  previous: number[] | null;
}

/**
 * Splits every global batch across ranks in proportion to their speed, as LB-BSP does for
 * workers of unequal speed: a rank that computes more slowly (a busier core, a slower device)
 * gets fewer rows, so that all ranks reach each all-reduce together instead of waiting for the
 * slowest. Each rank times its forward and backward (not its waits); at each look the ranks
 * all-gather those times and every rank derives the same decision from the same numbers.
 *
 * A new split is a trial: where a step's time hardly depends on its rows (an MLP's optimizer and
 * per-layer costs dwarf its 32 rows), moving rows does not move the time, so the next look keeps
 * the split only if the slowest rank's compute per step did get shorter, and otherwise goes back
 * and waits twice as many looks as the last time before trying again.
 *
 * The global batch and its gradient stay the same (each rank's gradient is weighted by its rows),
 * so only the float rounding of the sums changes with the split.
 */
export class RowBalancer {
  /** Rows of a full batch per rank; null: even. */
  private parts: number[] | null;
  private seconds = 0;
  private rows = 0;
  private steps = 0;
  /** The global step of the next look, and when and where the last one was. */
  private nextLook = REBALANCE_EVERY_STEPS;
  private lastLookAt = performance.now();
  private lastLookStep = 0;
  /** Whether a look has passed: the first window's times include the JIT's warm-up, and decide nothing. */
  private warm = false;
  private trial: Trial | null = null;
  /** Looks to let pass before the next trial, and how many the next failed trial costs. */
  private pausedLooks = 0;
  private pauseAfterFailure = 1;

  constructor(
    private readonly group: ProcessGroup,
    private readonly split: RowSplit,
    private readonly batchSize: number,
  ) {
    this.parts = Array.isArray(split) ? [...split] : null;
  }

  /** The parts to split the next batch by (BatchSchedule.next), or undefined for an even split. */
  get current(): readonly number[] | undefined {
    return this.parts ?? undefined;
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
    const slowest = Math.max(...secondsPerStep);
    if (this.trial) {
      const { slowestBefore, previous } = this.trial;
      this.trial = null;
      if (slowest < (1 - MIN_GAIN / 2) * slowestBefore) {
        this.pauseAfterFailure = 1;
        return false;
      }
      this.parts = previous;
      this.pausedLooks = this.pauseAfterFailure;
      this.pauseAfterFailure *= 2;
      return true;
    }
    if (this.pausedLooks > 0) {
      this.pausedLooks--;
      return false;
    }
    const even = weightedCounts(this.batchSize, new Array(this.group.size).fill(1));
    const next = balancedRows(secondsPerRow, this.batchSize, this.parts ?? even);
    if (!next) return false;
    this.trial = { slowestBefore: slowest, previous: this.parts };
    this.parts = next.every((n, r) => n === even[r]) ? null : next;
    return true;
  }
}
