/**
 * A rank as a scheduler starts it: everything from the environment (RANK, WORLD_SIZE,
 * MASTER_ADDR, MASTER_PORT, WEFT_DIST_TOKEN, WEFT_DIST_HOST); runs every collective on the
 * lengths in argv and prints the results as one JSON line.
 */
import { initProcessGroupFromEnv } from '../init-from-env';
import { runCollectiveCases } from './collective-cases';

async function run(): Promise<void> {
  const group = await initProcessGroupFromEnv({ timeoutMs: 20_000 });
  const lengths = process.argv.slice(2).map(Number);
  const results = await runCollectiveCases(group, lengths);
  // process.exit drops what a full pipe has not taken yet: exit once the line is written.
  await new Promise((resolve) => process.stdout.write(`${JSON.stringify({ rank: group.rank, results })}\n`, resolve));
  group.destroy();
}

run().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
