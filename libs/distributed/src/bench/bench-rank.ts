import type { RankContext } from '../launch/rank-context';

export interface BenchArgs {
  sizes: number[];
  /** Wall time to spend timing each size, in milliseconds. */
  targetMs: number;
  /** All-reduce arrays from group.allocate() (in shared memory for a shared-memory group). */
  allocate: boolean;
}

export interface BenchTiming {
  bytes: number;
  iterations: number;
  /** Median seconds per all-reduce on rank 0. */
  seconds: number;
  /** Median seconds per Float32Array.set of the same bytes, on rank 0, between the all-reduces. */
  memcpySeconds: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One rank of the collectives benchmark: all-reduce (sum) of each size, timed like nccl-tests.
 * Every rank also copies the same bytes between iterations, so the memcpy baseline runs under the
 * same conditions (other ranks busy, same machine load) as the collective it is compared with;
 * medians keep a busy machine's outliers out.
 */
export async function main(ctx: RankContext<BenchArgs>): Promise<BenchTiming[]> {
  const group = await ctx.createGroup();
  const timings: BenchTiming[] = [];
  const largest = Math.max(...ctx.args.sizes) / 4;
  const pool = ctx.args.allocate ? group.allocate(largest) : new Float32Array(largest);
  const copySource = new Float32Array(largest).fill(1);
  const copyTarget = new Float32Array(largest);
  try {
    for (const bytes of ctx.args.sizes) {
      const n = bytes / 4;
      const data = pool.subarray(0, n).fill(1);
      const copy = () => copyTarget.subarray(0, n).set(copySource.subarray(0, n));
      await group.allReduce(data);
      copy();
      // Rank 0 picks the iteration count from one timed round, so every rank runs the same number.
      const plan = new Float32Array(1);
      const probe = now();
      await group.allReduce(data);
      copy();
      plan[0] = Math.max(5, Math.min(2000, Math.ceil(ctx.args.targetMs / 1e3 / (now() - probe))));
      await group.broadcast(plan);
      await group.barrier();
      const reduceTimes: number[] = [];
      const copyTimes: number[] = [];
      for (let i = 0; i < plan[0]; i++) {
        const start = now();
        await group.allReduce(data);
        const reduced = now();
        copy();
        copyTimes.push(now() - reduced);
        reduceTimes.push(reduced - start);
      }
      await group.barrier();
      timings.push({ bytes, iterations: plan[0], seconds: median(reduceTimes), memcpySeconds: median(copyTimes) });
    }
    return timings;
  } finally {
    group.destroy();
  }
}
