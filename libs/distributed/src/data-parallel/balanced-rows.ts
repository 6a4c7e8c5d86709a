import { weightedCounts } from '@weft/layers';

/**
 * Weight of the newest step in each rank's running seconds per row: about the last four steps
 * count. A rank's core here turns 1.2-1.75x slower than the other's for stretches of 3-6 s
 * (40-100 steps of the IMDB LSTM, hundreds of the MLP's), so the split must follow within a few
 * steps; a single step's stall (a collection, a burst of other work) moves it only a quarter of
 * the way.
 */
export const SMOOTHING = 0.25;

/**
 * How far a rank's share may move from an even one, either way, as a fraction of it: where a
 * step's time hardly depends on its rows (an MLP's optimizer and weight traffic are half of its
 * 32-row step), timing feedback would otherwise push most rows to one side.
 */
export const MAX_SKEW = 0.5;

/** Least predicted gain in the slowest rank's step for a new split: below it, the next step's noise decides. */
const MIN_GAIN = 0.02;

/**
 * Each rank's running compute seconds per row (an exponential average), from the seconds and rows
 * every rank reports after each step. Every rank holds the same numbers from the same reports, so
 * every rank derives the same split.
 */
export class RowSpeeds {
  private readonly running: (number | null)[];
  /** Whether each rank's first report (dropped) has come. */
  private readonly heard: boolean[];

  constructor(ranks: number) {
    this.running = new Array(ranks).fill(null);
    this.heard = new Array(ranks).fill(false);
  }

  /** One step's reports; a rank that trained no rows tells nothing. A rank's first report (the JIT's first run) is dropped. */
  update(seconds: readonly number[], rows: readonly number[]): void {
    for (let r = 0; r < this.running.length; r++) {
      if (!(rows[r] > 0 && seconds[r] > 0)) continue;
      if (!this.heard[r]) {
        this.heard[r] = true;
        continue;
      }
      const perRow = seconds[r] / rows[r];
      const old = this.running[r];
      this.running[r] = old === null ? perRow : old + SMOOTHING * (perRow - old);
    }
  }

  /** Seconds per row of every rank, or null while some rank has reported no step yet. */
  get secondsPerRow(): number[] | null {
    return this.running.every((s) => s !== null) ? (this.running as number[]) : null;
  }
}

/**
 * Rows per full batch of `batch` for each rank, in proportion to its speed (1 / secondsPerRow)
 * within MAX_SKEW of an even share, at least one each while there are rows for every rank; null
 * when the slowest rank's predicted step (its rows x its seconds per row) is not MIN_GAIN shorter
 * than with `current`.
 */
export function balancedRows(secondsPerRow: readonly number[], batch: number, current: readonly number[]): number[] | null {
  const speeds = secondsPerRow.map((s) => 1 / s);
  const mean = speeds.reduce((a, b) => a + b, 0) / speeds.length;
  const rows = weightedCounts(batch, speeds.map((v) => Math.min(1 + MAX_SKEW, Math.max(1 - MAX_SKEW, v / mean))));
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
