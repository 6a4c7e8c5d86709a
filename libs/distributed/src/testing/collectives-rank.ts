import type { RankContext } from '../launch/rank-context';
import { runCollectiveCases } from './collective-cases';

/** A rank that runs every collective on `args.lengths` (launched by the tests and the bench). */
export async function main(ctx: RankContext<{ lengths: number[] }>) {
  const group = await ctx.createGroup();
  try {
    return await runCollectiveCases(group, ctx.args.lengths);
  } finally {
    group.destroy();
  }
}
