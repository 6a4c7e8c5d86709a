import { weightedCounts } from '@weft/layers';

/**
 * How much faster the slowest rank's step must get for a new split to be taken: an uneven split
 * costs a pass over every gradient to weight it by its rows (2 ms a step for the IMDB LSTM's
 * 10.5 MB), and steps vary by a few percent from one window to the next.
 */
const MIN_GAIN = 0.05;

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
 * The decisions of a balanced row split, from the ranks' measured speeds at each look (pure: the
 * same numbers give every rank the same split).
 *
 * A new split is a trial: where a step's time hardly depends on its rows (an MLP's optimizer and
 * per-layer costs dwarf its 32 rows), moving rows does not move the time, so the next look keeps
 * the split only if the slowest rank's compute per step did get shorter, and otherwise goes back
 * and lets twice as many looks pass as the last time before trying again.
 */
export class SplitTrials {
  /** Rows of a full batch per rank; null: even. */
  private parts: number[] | null = null;
  private trial: Trial | null = null;
  /** Looks to let pass before the next trial, and how many the next failed trial costs. */
  private pausedLooks = 0;
  private pauseAfterFailure = 1;
  private readonly even: number[];

  constructor(private readonly batchSize: number, ranks: number) {
    this.even = weightedCounts(batchSize, new Array(ranks).fill(1));
  }

  /** The parts to split the next batch by, or null for an even split. */
  get current(): readonly number[] | null {
    return this.parts;
  }

  /**
   * One look: each rank's compute seconds per row and per step since the last look. Settles the
   * split being tried or tries a clearly faster one; returns whether the split changed.
   */
  look(secondsPerRow: readonly number[], secondsPerStep: readonly number[]): boolean {
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
    const next = balancedRows(secondsPerRow, this.batchSize, this.parts ?? this.even);
    if (!next) return false;
    this.trial = { slowestBefore: slowest, previous: this.parts };
    this.parts = next.every((n, r) => n === this.even[r]) ? null : next;
    return true;
  }
}
