import type { CollectivePhases } from './collective-phases';
import { CollectiveError, type CollectiveName } from './errors';
import { shardRange } from './shard-range';

export type ReduceOp = 'sum' | 'mean';

export interface CollectiveOptions {
  /** Milliseconds before the call fails on this rank (and then on every rank); default: the group's. */
  timeoutMs?: number;
}

export interface ReduceOptions extends CollectiveOptions {
  op?: ReduceOp;
}

export interface BroadcastOptions extends CollectiveOptions {
  root?: number;
}

/**
 * Elements of an all-reduce up to `end` (from the previous range's end) are summed over the ranks
 * in the order of `ranks`, one float32 addition at a time.
 */
export interface SumOrderRange {
  end: number;
  ranks: readonly number[];
}

/** Default timeout of every collective, like torch's (which is 30 minutes; training steps are shorter). */
export const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * A group of `size` ranks running collectives together (PyTorch's ProcessGroup). Every rank must
 * call the same collectives in the same order with matching lengths. A failure on one rank (a
 * timeout, abort(), a rank that died) surfaces on every rank as a CollectiveError naming the rank
 * and the collective; after that the group is unusable and must be rebuilt.
 */
export abstract class ProcessGroup {
  protected failure: CollectiveError | null = null;
  private destroyed = false;
  /**
   * Bytes this rank has sent through collectives, counted as a ring sends them (what the TCP group
   * does; the yardstick for shared memory too, as nccl-tests' bus bandwidth): an all-reduce sends
   * 2(n-1)/n of the array, an all-gather n-1 times its input, a reduce-scatter (n-1)/n of the input,
   * a broadcast the array from every rank but the root's predecessor. Read it before and after.
   */
  bytesSent = 0;

  protected constructor(
    readonly rank: number,
    readonly size: number,
    readonly defaultTimeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`ProcessGroup size must be a positive integer. Received: size=${size}`);
    }
    if (!Number.isInteger(rank) || rank < 0 || rank >= size) {
      throw new Error(`ProcessGroup rank must be an integer in [0, ${size}). Received: rank=${rank}`);
    }
  }

  /**
   * Sums (or averages) `data` element-wise over all ranks, in place, in the order sumOrder(data)
   * tells; a mean then multiplies by Math.fround(1 / size), in float32.
   */
  async allReduce(data: Float32Array, options: ReduceOptions = {}): Promise<void> {
    this.check('allReduce', data, 'data');
    this.bytesSent += Math.round((2 * (this.size - 1) * data.byteLength) / this.size);
    await this.run('allReduce', options, (deadline) => this.doAllReduce(data, options.op ?? 'sum', deadline));
  }

  /** Copies `root`'s `data` into every other rank's `data` (same length everywhere). */
  async broadcast(data: Float32Array, options: BroadcastOptions = {}): Promise<void> {
    this.check('broadcast', data, 'data');
    const root = options.root ?? 0;
    if (!Number.isInteger(root) || root < 0 || root >= this.size) {
      throw new Error(`broadcast root must be a rank in [0, ${this.size}). Received: root=${root}`);
    }
    if ((this.rank + 1) % this.size !== root) this.bytesSent += data.byteLength;
    await this.run('broadcast', options, (deadline) => this.doBroadcast(data, root, deadline));
  }

  /** Concatenates every rank's `input` in rank order into `output` (length size * input.length). */
  async allGather(input: Float32Array, output: Float32Array, options: CollectiveOptions = {}): Promise<void> {
    this.check('allGather', input, 'input');
    this.check('allGather', output, 'output');
    if (output.length !== input.length * this.size) {
      throw new Error(
        `allGather output must hold size * input.length = ${this.size * input.length} elements. ` +
          `Received: output.length=${output.length}`,
      );
    }
    this.bytesSent += (this.size - 1) * input.byteLength;
    await this.run('allGather', options, (deadline) => this.doAllGather(input, output, deadline));
  }

  /**
   * Reduces `input` over all ranks and leaves this rank's shard of the result in `output`; the
   * shard is `shardRange(input.length, size, rank)`, so any length splits.
   */
  async reduceScatter(input: Float32Array, output: Float32Array, options: ReduceOptions = {}): Promise<void> {
    this.check('reduceScatter', input, 'input');
    this.check('reduceScatter', output, 'output');
    const { start, end } = shardRange(input.length, this.size, this.rank);
    if (output.length !== end - start) {
      throw new Error(
        `reduceScatter output must hold rank ${this.rank}'s shard of ${input.length} elements, ` +
          `${end - start} (see shardRange). Received: output.length=${output.length}`,
      );
    }
    this.bytesSent += Math.round(((this.size - 1) * input.byteLength) / this.size);
    await this.run('reduceScatter', options, (deadline) =>
      this.doReduceScatter(input, output, options.op ?? 'sum', deadline),
    );
  }

  /** Returns once every rank has called barrier. */
  async barrier(options: CollectiveOptions = {}): Promise<void> {
    this.check('barrier');
    await this.run('barrier', options, (deadline) => this.doBarrier(deadline));
  }

  /**
   * A zeroed array for data this group will reduce; a group may place it where its collectives
   * work fastest (shared memory groups: in shared memory, read in place). Plain memory here.
   */
  allocate(length: number): Float32Array {
    return new Float32Array(length);
  }

  /** Whether allReduce(data) works on `data` where it lies, with no copy in or out (an array from a shared-memory group's allocate()). */
  reducesInPlace(_data: Float32Array): boolean {
    return false;
  }

  /**
   * The order in which allReduce(data) adds the ranks' values, range by range: float32 sums round
   * at every addition, so the order fixes the bits, and a sparse exchange that follows it gets the
   * bits of the dense all-reduce. It may depend on the length and on where `data` lives
   * (allocate()). Here: rank order throughout.
   */
  sumOrder(data: Float32Array): SumOrderRange[] {
    return [{ end: data.length, ranks: [...Array(this.size).keys()] }];
  }

  /**
   * Where this rank's collectives spent their time so far (barrier waits, sums, copies), for
   * benchmarks; null where a group does not time its phases.
   */
  phases(): CollectivePhases | null {
    return null;
  }

  /** Fails the group on every rank: calls in progress and later calls throw, naming this rank. */
  abort(reason = 'aborted'): void {
    if (!this.failure) this.fail(new CollectiveError(this.currentOp ?? 'barrier', this.rank, reason));
  }

  /** Releases sockets and memory; further calls throw. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.release();
  }

  /** The error that broke the group, or null while it is healthy. */
  get error(): CollectiveError | null {
    return this.failure;
  }

  protected currentOp: CollectiveName | null = null;

  protected abstract doAllReduce(data: Float32Array, op: ReduceOp, deadline: number): Promise<void>;
  protected abstract doBroadcast(data: Float32Array, root: number, deadline: number): Promise<void>;
  protected abstract doAllGather(input: Float32Array, output: Float32Array, deadline: number): Promise<void>;
  protected abstract doReduceScatter(
    input: Float32Array,
    output: Float32Array,
    op: ReduceOp,
    deadline: number,
  ): Promise<void>;
  protected abstract doBarrier(deadline: number): Promise<void>;
  /** Tells the other ranks about `error` (it is already recorded in `failure`). */
  protected abstract announce(error: CollectiveError): void;
  protected abstract release(): void;

  /** Records the group's first failure and tells the others; later failures keep the first. */
  protected fail(error: CollectiveError): CollectiveError {
    if (!this.failure) {
      this.failure = error;
      this.announce(error);
    }
    return this.failure;
  }

  private check(op: CollectiveName, data?: Float32Array, what?: string): void {
    if (this.destroyed) throw new Error(`${op} on rank ${this.rank}: the process group was destroyed`);
    if (this.failure) throw this.failure.seenBy(this.rank, op);
    if (data !== undefined && !(data instanceof Float32Array)) {
      throw new Error(`${op} needs a Float32Array. Received: ${what}=${Object.prototype.toString.call(data)}`);
    }
  }

  private async run(op: CollectiveName, options: CollectiveOptions, body: (deadline: number) => Promise<void>) {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (!(timeoutMs > 0)) throw new Error(`${op} timeoutMs must be positive. Received: timeoutMs=${timeoutMs}`);
    if (this.currentOp) {
      throw new Error(`${op} called on rank ${this.rank} while ${this.currentOp} is running: await each collective`);
    }
    this.currentOp = op;
    try {
      await body(Date.now() + timeoutMs);
    } catch (err) {
      const error =
        err instanceof CollectiveError ? err : new CollectiveError(op, this.rank, err instanceof Error ? err.message : String(err));
      throw this.fail(error).seenBy(this.rank, op);
    } finally {
      this.currentOp = null;
    }
  }
}
