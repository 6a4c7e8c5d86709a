import type { RankContext } from '../launch/rank-context';

/** Returns the CUDA_VISIBLE_DEVICES this rank's process sees. */
export async function main(_ctx: RankContext): Promise<string | undefined> {
  return process.env.CUDA_VISIBLE_DEVICES;
}
