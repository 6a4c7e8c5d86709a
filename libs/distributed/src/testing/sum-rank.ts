import type { RankContext } from '../launch/rank-context';
import { sumAcrossRanks } from '../data-parallel/sum-across-ranks';

/** Sums `values` scaled by rank + 1 over the group. */
export async function main(ctx: RankContext<{ values: number[] }>): Promise<number[]> {
  const group = await ctx.createGroup();
  try {
    return await sumAcrossRanks(group, ctx.args.values.map((v) => v * (ctx.rank + 1)), 10_000);
  } finally {
    group.destroy();
  }
}
