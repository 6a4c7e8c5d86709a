// A user's script as weft launch (or mpirun) runs it: fits with DataParallel() as this process's
// rank and writes its final weights and loss history to OUT/rank-R.json. With FAIL_RANK=r, rank r
// throws before training instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@weft/tensor';
import { DataParallel } from '@weft/distributed';
import { launchedJob, launchedRank } from './launched-job';

async function main(out: string): Promise<void> {
  await initBackend('wasm');
  if (process.env.FAIL_RANK === String(launchedRank())) throw new Error(`rank ${launchedRank()} was told to fail`);
  const { model, x, y, args } = launchedJob();
  const history = await model.fit(x, y, { ...args, verbose: 0, distribution: new DataParallel({ timeoutMs: 20_000 }) });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  writeFileSync(join(out, `rank-${launchedRank()}.json`), JSON.stringify({ weights, loss: history.history.loss }));
}

main(process.argv[2]).catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
