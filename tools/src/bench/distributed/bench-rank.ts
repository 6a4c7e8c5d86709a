import type { CollectivePhases, RankContext } from '@weft/distributed';

export interface BenchArgs {
  sizes: number[];
  /** Wall time to spend timing each size, in milliseconds. */
  targetMs: number;
  /** All-reduce arrays from group.allocate() (in shared memory for a shared-memory group). */
  allocate: boolean;
}

/** Median seconds per all-reduce in each phase (see CollectivePhases). */
export type PhaseSplit = Omit<CollectivePhases, 'calls'>;

export interface BenchTiming {
  bytes: number;
  iterations: number;
  /** Median seconds per all-reduce on rank 0. */
  seconds: number;
  /** Median seconds per Float32Array.set of the same bytes, on rank 0, between the all-reduces. */
  memcpySeconds: number;
  /** Rank 0's phase split, each phase's median over the iterations, where the group times its phases. */
  phases: PhaseSplit | null;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const PHASES = ['wait', 'reduce', 'copy'] as const;

/**
 * One rank of the collectives benchmark: all-reduce (sum) of each size, timed like nccl-tests.
 * Every rank also copies the same bytes between iterations, so the memcpy baseline runs under the
 * same conditions (other ranks busy, same machine load) as the collective it is compared with;
 * medians keep a busy machine's outliers out. Before each timed call the rank writes its input
 * afresh, untimed, as a training step writes its gradients: the all-reduce's input and the
 * memcpy's source are both just written by this thread (in its cache, not in another core's).
 */
export async function main(ctx: RankContext<BenchArgs>): Promise<BenchTiming[]> {
  const group = await ctx.createGroup();
  const timings: BenchTiming[] = [];
  const largest = Math.max(...ctx.args.sizes) / 4;
  const pool = ctx.args.allocate ? group.allocate(largest) : new Float32Array(largest);
  const copySource = new Float32Array(largest);
  const copyTarget = new Float32Array(largest).fill(1);
  try {
    for (const bytes of ctx.args.sizes) {
      const n = bytes / 4;
      const data = pool.subarray(0, n);
      const source = copySource.subarray(0, n);
      const target = copyTarget.subarray(0, n);
      const reduce = async () => {
        data.fill(1);
        const start = now();
        await group.allReduce(data);
        return now() - start;
      };
      const copy = () => {
        source.fill(1);
        const start = now();
        target.set(source);
        return now() - start;
      };
      await reduce();
      copy();
      // Rank 0 picks the iteration count from one timed round, so every rank runs the same number.
      const plan = new Float32Array(1);
      const probe = now();
      await reduce();
      copy();
      plan[0] = Math.max(5, Math.min(2000, Math.ceil(ctx.args.targetMs / 1e3 / (now() - probe))));
      await group.broadcast(plan);
      await group.barrier();
      const reduceTimes: number[] = [];
      const copyTimes: number[] = [];
      const phaseTimes: Record<(typeof PHASES)[number], number[]> = { wait: [], reduce: [], copy: [] };
      for (let i = 0; i < plan[0]; i++) {
        const before = group.phases();
        reduceTimes.push(await reduce());
        const after = group.phases();
        if (before && after) for (const phase of PHASES) phaseTimes[phase].push(after[phase] - before[phase]);
        copyTimes.push(copy());
      }
      await group.barrier();
      const phases = phaseTimes.wait.length
        ? { wait: median(phaseTimes.wait), reduce: median(phaseTimes.reduce), copy: median(phaseTimes.copy) }
        : null;
      timings.push({ bytes, iterations: plan[0], seconds: median(reduceTimes), memcpySeconds: median(copyTimes), phases });
    }
    return timings;
  } finally {
    group.destroy();
  }
}
