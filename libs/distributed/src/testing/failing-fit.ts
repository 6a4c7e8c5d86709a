// A process that runs a DataParallel fit whose rank 1 throws at step 3, prints how it ended as one
// JSON line and then must exit on its own: proof that no worker thread or process outlives fit.
import { initBackend } from '@weft/tensor';
import { markedFit } from './marked-fit';

async function run(): Promise<void> {
  await initBackend('wasm');
  const started = Date.now();
  const error = await markedFit(process.argv[2] === 'processes' ? 'processes' : 'threads').then(
    () => null,
    (err: Error) => err.message,
  );
  process.stdout.write(`${JSON.stringify({ error, elapsedMs: Date.now() - started })}\n`);
}

void run();
