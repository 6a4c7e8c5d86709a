import type { RankContext } from '../launch/rank-context';

/** Sends two messages to the launcher and returns its two replies, in order. */
export async function main(ctx: RankContext): Promise<unknown[]> {
  ctx.send({ rank: ctx.rank, n: 1, data: new Float32Array([ctx.rank, 0.5]) });
  ctx.send({ rank: ctx.rank, n: 2 });
  return [await ctx.receive(), await ctx.receive()];
}
