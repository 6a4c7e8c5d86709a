// A user's script as weft launch (or mpirun, or srun) runs it: fits with DataParallel() as this
// process's rank and writes its final weights, loss history and the family of variables that gave
// its rank to OUT/rank-R.json. With FAIL_RANK=r, rank r throws before training instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@weft/tensor';
import { DataParallel, readDistributedEnv } from '@weft/distributed';
import { launchedJob } from './launched-job';

async function main(out: string): Promise<void> {
  await initBackend('wasm');
  const { rank, source } = readDistributedEnv();
  if (process.env.FAIL_RANK === String(rank)) throw new Error(`rank ${rank} was told to fail`);
  const { model, x, y, args } = launchedJob();
  const history = await model.fit(x, y, { ...args, verbose: 0, distribution: new DataParallel({ timeoutMs: 20_000 }) });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  writeFileSync(join(out, `rank-${rank}.json`), JSON.stringify({ weights, loss: history.history.loss, source }));
}

main(process.argv[2]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
