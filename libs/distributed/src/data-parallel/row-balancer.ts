import { weightedShareOf } from '@weft/layers';
import type { ProcessGroup } from '../process-group';

/** Steps between two looks at the ranks' speeds. */
export const REBALANCE_EVERY_STEPS = 16;

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
  const speeds = secondsPerRow.map((s) => 1 / s);
  const rows = speeds.map((_, r) => {
    const { start, end } = weightedShareOf(batch, speeds, r);
    return end - start;
  });
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

/**
 * Splits every global batch across ranks in proportion to their speed, as LB-BSP does for
 * workers of unequal speed: a rank that computes more slowly (a busier core, a slower device)
 * gets fewer rows, so that all ranks reach each all-reduce together instead of waiting for the
 * slowest. Each rank times its forward and backward per row; every REBALANCE_EVERY_STEPS steps
 * the ranks all-gather those times and every rank derives the same split from the same numbers.
 * The global batch and its gradient stay the same (each rank's gradient is weighted by its rows),
 * so only the float rounding of the sums changes with the split.
 */
export class RowBalancer {
  /** Rows of a full batch per rank; null: even. */
  private parts: number[] | null;
  private seconds = 0;
  private rows = 0;

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

  /** This rank spent `seconds` computing the gradients of `rows` rows. */
  record(seconds: number, rows: number): void {
    if (rows === 0) return;
    this.seconds += seconds;
    this.rows += rows;
  }

  /** At every REBALANCE_EVERY_STEPS-th step (the same on every rank), agrees a new split if one is clearly faster; returns whether it changed. */
  async rebalance(step: number, timeoutMs: number): Promise<boolean> {
    if (this.split !== 'balanced' || this.group.size === 1 || step === 0 || step % REBALANCE_EVERY_STEPS !== 0) return false;
    const mine = new Float32Array([this.rows > 0 ? this.seconds / this.rows : 0]);
    this.seconds = this.rows = 0;
    const all = new Float32Array(this.group.size);
    await this.group.allGather(mine, all, { timeoutMs });
    // A rank that trained no rows since the last look (a resumed rank) has no speed yet.
    if (!all.every((s) => s > 0)) return false;
    const even = Array.from({ length: this.group.size }, (_, r) => {
      const { start, end } = weightedShareOf(this.batchSize, new Array(this.group.size).fill(1), r);
      return end - start;
    });
    const next = balancedRows([...all], this.batchSize, this.parts ?? even);
    if (!next) return false;
    this.parts = next.every((n, r) => n === even[r]) ? null : next;
    return true;
  }
}
