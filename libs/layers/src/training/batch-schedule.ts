import { permutation, seededRandom } from './data';

/** Rows of a batch: indices into the data (a shuffled order), or a contiguous range [start, end). */
export type Rows = Int32Array | [number, number];

/** The contiguous part of `length` items that replica `rank` of `size` takes: the first `length % size` get one more. */
export function shareOf(length: number, size: number, rank: number): { start: number; end: number } {
  const base = Math.floor(length / size);
  const extra = length % size;
  const start = rank * base + Math.min(rank, extra);
  return { start, end: start + base + (rank < extra ? 1 : 0) };
}

/**
 * How many of `length` items each replica takes when replicas take shares in proportion to
 * `parts` (rows per full batch, say): each gets the floor of its quota, and the items left go one
 * each to the largest remainders (ties to the lower rank). Equal parts give shareOf's split.
 */
export function weightedCounts(length: number, parts: readonly number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0);
  if (!(total > 0) || parts.some((p) => !(p >= 0))) throw new Error(`weightedCounts: parts must be non-negative with a positive sum. Received: [${parts}]`);
  const quotas = parts.map((p) => (length * p) / total);
  const counts = quotas.map(Math.floor);
  let left = length - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((_, r) => r).sort((a, b) => quotas[b] - counts[b] - (quotas[a] - counts[a]) || a - b);
  for (let i = 0; left > 0; i++, left--) counts[byRemainder[i]]++;
  return counts;
}

/** The contiguous part of `length` items that replica `rank` takes with weightedCounts' split. */
export function weightedShareOf(length: number, parts: readonly number[], rank: number): { start: number; end: number } {
  const counts = weightedCounts(length, parts);
  const start = counts.slice(0, rank).reduce((a, b) => a + b, 0);
  return { start, end: start + counts[rank] };
}

/**
 * The global batches of a fit, in fit's order: a new permutation (from the seed) at the start of
 * each pass over the data, the pass continuing across epochs when stepsPerEpoch is shorter. Data-
 * parallel replicas each walk the same schedule and take their contiguous share of every batch,
 * so they agree on every batch without messages.
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
    seed?: number,
  ) {
    this.random = seed !== undefined ? seededRandom(seed) : Math.random;
    this.batchesPerPass = Math.ceil(samples / batchSize);
  }

  /**
   * The next global batch: replica `rank` of `size`'s share of its rows (all of them by default;
   * in proportion to `parts` when given, one per replica, else even), and the batch's size.
   */
  next(size = 1, rank = 0, parts?: readonly number[]): { rows: Rows; count: number; batchSize: number } {
    const start = this.advance() * this.batchSize;
    const end = Math.min(start + this.batchSize, this.samples);
    const share = parts ? weightedShareOf(end - start, parts, rank) : shareOf(end - start, size, rank);
    const from = start + share.start;
    const to = start + share.end;
    return { rows: this.order ? this.order.subarray(from, to) : [from, to], count: to - from, batchSize: end - start };
  }

  /** Moves past `steps` batches as next() would (drawing the same permutations): a resumed fit's data position. */
  skip(steps: number): void {
    for (let i = 0; i < steps; i++) this.advance();
  }

  /** Starts a new pass (a new permutation) when due; returns the drawn batch's position in the pass. */
  private advance(): number {
    if (this.position === 0) this.order = this.shuffle ? permutation(this.samples, this.random) : null;
    const position = this.position;
    this.position = (this.position + 1) % this.batchesPerPass;
    return position;
  }
}
