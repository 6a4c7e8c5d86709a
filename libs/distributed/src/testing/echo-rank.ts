import type { RankContext } from '../launch/rank-context';

/** What the echo tests' launcher serves to each rank. */
export interface EchoLauncher {
  hello(rank: number, n: number, data?: Float32Array): { to: number; echo: number };
}

/** Calls the launcher twice, then serves `double` until the launcher calls `finish`; returns the launcher's two answers. */
export async function main(ctx: RankContext): Promise<unknown[]> {
  const launcher = ctx.launcher<EchoLauncher>();
  const answers = [await launcher.hello(ctx.rank, 1, new Float32Array([ctx.rank, 0.5])), await launcher.hello(ctx.rank, 2)];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  ctx.expose({ double: (x: number) => 2 * x + ctx.rank, finish: () => finish() });
  await finished;
  return answers;
}
