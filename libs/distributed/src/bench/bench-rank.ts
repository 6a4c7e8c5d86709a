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
  /** Mean seconds per all-reduce on rank 0. */
  seconds: number;
  /** Mean seconds per Float32Array.set of the same bytes, on rank 0 in the same run. */
  memcpySeconds: number;
}

function timeMemcpy(bytes: number, targetMs: number): number {
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4);
  dst.set(src);
  let iterations = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < targetMs / 4 || iterations < 3) {
    dst.set(src);
    iterations++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return elapsed / 1e3 / iterations;
}

/** One rank of the collectives benchmark: all-reduce (sum) of each size, timed like nccl-tests. */
export async function main(ctx: RankContext<BenchArgs>): Promise<BenchTiming[]> {
  const group = await ctx.createGroup();
  const timings: BenchTiming[] = [];
  const largest = Math.max(...ctx.args.sizes) / 4;
  const pool = ctx.args.allocate ? group.allocate(largest) : new Float32Array(largest);
  try {
    for (const bytes of ctx.args.sizes) {
      const data = pool.subarray(0, bytes / 4).fill(1);
      await group.allReduce(data);
      // Rank 0 picks the iteration count from one timed call, so every rank runs the same number.
      const plan = new Float32Array(1);
      const probeStart = process.hrtime.bigint();
      await group.allReduce(data);
      plan[0] = Math.max(3, Math.min(2000, Math.ceil(ctx.args.targetMs / (Number(process.hrtime.bigint() - probeStart) / 1e6))));
      await group.broadcast(plan);
      await group.barrier();
      const started = process.hrtime.bigint();
      for (let i = 0; i < plan[0]; i++) await group.allReduce(data);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9 / plan[0];
      const memcpySeconds = ctx.rank === 0 ? timeMemcpy(bytes, ctx.args.targetMs) : 0;
      await group.barrier();
      timings.push({ bytes, iterations: plan[0], seconds, memcpySeconds });
    }
    return timings;
  } finally {
    group.destroy();
  }
}
