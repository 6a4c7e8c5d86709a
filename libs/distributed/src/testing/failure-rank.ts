import type { RankContext } from '../launch/rank-context';

export interface FailureReport {
  error: string | null;
  elapsedMs: number;
}

async function timedAllReduce(ctx: RankContext, length: number, timeoutMs: number): Promise<FailureReport> {
  const group = await ctx.createGroup();
  const started = Date.now();
  try {
    await group.allReduce(new Float32Array(length).fill(1), { timeoutMs });
    return { error: null, elapsedMs: Date.now() - started };
  } catch (err) {
    return { error: (err as Error).message, elapsedMs: Date.now() - started };
  }
}

/** The last rank joins the group but never calls the collective; the others must time out. */
export async function neverArrives(ctx: RankContext<{ timeoutMs: number }>): Promise<FailureReport | 'absent'> {
  if (ctx.rank === ctx.size - 1) {
    await ctx.createGroup();
    return 'absent';
  }
  return timedAllReduce(ctx, 1000, ctx.args.timeoutMs);
}

/** The last rank dies a few milliseconds into a large all-reduce; the others must fail, not hang. */
export async function exitsMidway(ctx: RankContext<{ timeoutMs: number }>): Promise<FailureReport> {
  if (ctx.rank === ctx.size - 1) {
    const group = await ctx.createGroup();
    setTimeout(() => process.exit(3), 5);
    await group.allReduce(new Float32Array(1 << 24));
    process.exit(3);
  }
  return timedAllReduce(ctx, 1 << 24, ctx.args.timeoutMs);
}

/**
 * The last rank dies while the others are inside a large all-reduce it never joined (a
 * shared-memory rank blocks while it waits, so a timer cannot cut into its own collective).
 */
export async function exitsWhileOthersWait(ctx: RankContext<{ timeoutMs: number }>): Promise<FailureReport> {
  if (ctx.rank === ctx.size - 1) {
    const group = await ctx.createGroup();
    await group.barrier();
    setTimeout(() => process.exit(3), 50);
    return new Promise(() => undefined);
  }
  const group = await ctx.createGroup();
  await group.barrier();
  const started = Date.now();
  try {
    await group.allReduce(new Float32Array(1 << 22), { timeoutMs: ctx.args.timeoutMs });
    return { error: null, elapsedMs: Date.now() - started };
  } catch (err) {
    return { error: (err as Error).message, elapsedMs: Date.now() - started };
  }
}

/** Rank 0 aborts its group in the middle of waiting; every rank must fail naming rank 0. */
export async function abortsGroup(ctx: RankContext): Promise<FailureReport> {
  const group = await ctx.createGroup();
  const started = Date.now();
  if (ctx.rank === 0) setTimeout(() => group.abort('stopped by the test'), 50);
  try {
    if (ctx.rank !== 0) await group.allReduce(new Float32Array(8), { timeoutMs: 20_000 });
    else await new Promise((resolve) => setTimeout(resolve, 100));
    await group.barrier({ timeoutMs: 20_000 });
    return { error: null, elapsedMs: Date.now() - started };
  } catch (err) {
    return { error: (err as Error).message, elapsedMs: Date.now() - started };
  }
}

/**
 * Rank 0 all-reduces an array from group.allocate(), the others ordinary arrays, too large for
 * the one-barrier small path (which copies either kind): all must fail.
 */
export async function mixesAllocate(ctx: RankContext): Promise<FailureReport> {
  const group = await ctx.createGroup();
  const started = Date.now();
  const length = 1 << 15;
  try {
    await group.allReduce(ctx.rank === 0 ? group.allocate(length) : new Float32Array(length), { timeoutMs: 10_000 });
    return { error: null, elapsedMs: Date.now() - started };
  } catch (err) {
    return { error: (err as Error).message, elapsedMs: Date.now() - started };
  }
}

/** Rank 0 throws at once; the others spin forever outside any collective, so only the launcher can stop them. */
export async function throwsWhileOthersSpin(ctx: RankContext): Promise<never> {
  if (ctx.rank === 0) throw new Error('rank 0 gave up');
  for (;;);
}

/**
 * Each rank says it is ready, then hangs: rank 0 blocked in Atomics.wait (a hung native call),
 * the others spinning. Only the launcher can stop them.
 */
export async function hangsForever(ctx: RankContext): Promise<never> {
  ctx.expose({});
  await new Promise((resolve) => setTimeout(resolve, 50)); // lets a process flush 'ready' down its pipe
  if (ctx.rank === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  for (;;);
}
