import { weightedCounts } from '@weft/layers';
import type { ProcessGroup } from '../process-group';
import { RowSpeeds, balancedRows } from './balanced-rows';
import type { StepSideband } from './overlapped-reducer';

/** How a fit splits every global batch across ranks: even, by each rank's measured speed, or by fixed parts (one per rank). */
export type RowSplit = 'even' | 'balanced' | number[];

/**
 * Splits every global batch across ranks in proportion to their speed, as LB-BSP does for
 * workers of unequal speed: a rank that computes more slowly (a busier core, a slower device)
 * gets fewer rows, so that all ranks reach each all-reduce together instead of waiting for the
 * slowest. Each rank times its forward and backward (not its waits) and sends that time and its
 * rows in the next step's first gradient reduction (the sideband: two floats a rank, no collective
 * of their own); before every step, every rank derives the same split from the same numbers
 * (RowSpeeds, balancedRows): step k + 1's split follows the times of step k - 1 and before.
 *
 * The global batch and its gradient stay the same (each rank's gradient is weighted by its rows),
 * so only the float rounding of the sums changes with the split.
 */
export class RowBalancer {
  /** Fixed parts; null: even or balanced. */
  private readonly fixed: number[] | null;
  /** The balanced split's rows of a full batch per rank; null: even. */
  private parts: number[] | null = null;
  private readonly even: number[];
  private readonly speeds: RowSpeeds;
  /** This rank's last step: its compute seconds and rows. */
  private seconds = 0;
  private rows = 0;

  constructor(
    private readonly group: ProcessGroup,
    private readonly split: RowSplit,
    private readonly batchSize: number,
  ) {
    this.fixed = Array.isArray(split) ? [...split] : null;
    this.even = weightedCounts(batchSize, new Array(group.size).fill(1));
    this.speeds = new RowSpeeds(group.size);
  }

  /** The parts to split the next batch by (BatchSchedule.next), or undefined for an even split. */
  get current(): readonly number[] | undefined {
    return this.fixed ?? this.parts ?? undefined;
  }

  /** This rank spent `seconds` of its last step computing the gradients of `rows` rows. */
  record(seconds: number, rows: number): void {
    this.seconds = seconds;
    this.rows = rows;
  }

  /** What a balanced split sends with each step's gradients: this rank's last step, and every rank's back. */
  get sideband(): StepSideband | undefined {
    const length = sidebandLength(this.split, this.group.size);
    if (length === 0) return undefined;
    const { rank, size } = this.group;
    return {
      length,
      write: (into) => {
        into[2 * rank] = this.seconds;
        into[2 * rank + 1] = this.rows;
        this.seconds = this.rows = 0;
      },
      // The mean of seconds and of rows: their ratio is each rank's seconds per row.
      read: (mean) => this.speeds.update(Array.from({ length: size }, (_, r) => mean[2 * r]), Array.from({ length: size }, (_, r) => mean[2 * r + 1])),
    };
  }

  /** Before each step (on every rank alike): the split from the speeds heard so far; returns whether it changed. */
  rebalance(): boolean {
    if (this.split !== 'balanced' || this.group.size === 1) return false;
    const secondsPerRow = this.speeds.secondsPerRow;
    const next = secondsPerRow && balancedRows(secondsPerRow, this.batchSize, this.parts ?? this.even);
    if (!next) return false;
    this.parts = next.every((n, r) => n === this.even[r]) ? null : next;
    return true;
  }
}

/** The floats a balanced split adds to each step's first gradient reduction (RowBalancer.sideband): two a rank. */
export function sidebandLength(split: RowSplit, size: number): number {
  return split === 'balanced' && size > 1 ? 2 * size : 0;
}
