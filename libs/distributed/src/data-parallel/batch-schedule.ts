import { permutation, seededRandom } from '@weft/layers';
import { shardRange } from '../shard-range';
import type { Rows } from './row-data';

/**
 * The global batches of a fit, in fit's order: a new permutation (from the shared seed) at the
 * start of each pass over the data, the pass continuing across epochs when stepsPerEpoch is
 * shorter. Every rank walks the same schedule, so they agree on every batch without messages.
 */
export class BatchSchedule {
  private readonly random: () => number;
  private readonly batchesPerPass: number;
  private order: Int32Array | null = null;
  private position = 0;

  constructor(
    private readonly samples: number,
    private readonly batchSize: number,
    private readonly shuffle: boolean,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    this.batchesPerPass = Math.ceil(samples / batchSize);
  }

  /** The next global batch: this rank's contiguous share of its rows, and the batch's size. */
  next(size: number, rank: number): { rows: Rows; count: number; batchSize: number } {
    if (this.position === 0) this.order = this.shuffle ? permutation(this.samples, this.random) : null;
    const start = this.position * this.batchSize;
    const end = Math.min(start + this.batchSize, this.samples);
    this.position = (this.position + 1) % this.batchesPerPass;
    const share = shardRange(end - start, size, rank);
    const from = start + share.start;
    const to = start + share.end;
    return { rows: this.order ? this.order.subarray(from, to) : [from, to], count: to - from, batchSize: end - start };
  }
}
