import { BACKEND_REQUESTS, choiceOption, intOption } from '@weft/tensor';
import { registerCommand } from '../cli';
import { applyLogArgs, logHelp } from '../log-options';
import { parseCommandArgs } from '../options';
import { runDemoJob } from '../demo/demo-job';
import { trainOnData } from './train-data';

const HELP = `Usage: weft train [options]
       weft train --data FILE_OR_DIR [options]   (your own data: 'weft train --data x --help')

Without --data, trains the built-in job: a fastText-style sentiment classifier on a task the
project generates (no downloads needed).

Options:
  --epochs N         epochs (default 3)
  --batch-size N     batch size (default 32)
  --samples N        generated samples, 80% train / 20% test (default 8000)
  --seed N           data and shuffling seed (default 1)
  --backend NAME     auto | tensorflow | wasm | cpu (default auto)
  --verbose N        0 silent, 1 progress bar, 2 one line per epoch (default 1)
  --workers N        data-parallel workers (default 2); --batch-size is the global batch,
                     split across them. 1 trains in this process, on one device
  --transport KIND   threads | processes (default threads)
${logHelp(21)}`;

registerCommand('train', async (args) => {
  if (args.some((a) => a === '--data' || a.startsWith('--data='))) return trainOnData(args);
  const { values } = parseCommandArgs('train', applyLogArgs('train', args), {
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    verbose: { type: 'string' },
    workers: { type: 'string' },
    transport: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const backend = choiceOption('backend', values.backend, BACKEND_REQUESTS, 'auto');
  const transport = values.transport ?? 'threads';
  if (transport !== 'threads' && transport !== 'processes') {
    throw new Error(`--transport must be threads or processes. Received: --transport ${transport}`);
  }
  const workers = intOption('workers', values.workers, 2);
  if (values.transport !== undefined && workers === 1) {
    throw new Error('--transport needs --workers 2 or more (--workers 1 trains in this process).');
  }
  const verbose = intOption('verbose', values.verbose, 1, 0) as 0 | 1 | 2;
  const batchSize = intOption('batch-size', values['batch-size'], 32);
  if (verbose > 0) {
    process.stdout.write(
      workers > 1
        ? `Training data-parallel over ${workers} worker ${transport === 'threads' ? 'threads' : 'processes'} (global batch ${batchSize}, split across them).\n`
        : 'Training in this process.\n',
    );
  }
  const result = await runDemoJob({
    epochs: intOption('epochs', values.epochs, 3),
    batchSize,
    samples: intOption('samples', values.samples, 8000, 10),
    seed: intOption('seed', values.seed, 1, 0),
    sequenceLength: 64,
    vocabularySize: 2000,
    backend,
    verbose,
    workers: workers > 1 ? workers : undefined,
    transport,
  });
  process.stdout.write(
    `Test loss: ${result.testLoss.toFixed(4)} - test accuracy: ${result.testAccuracy.toFixed(4)} - ` +
      `${Math.round(result.samplesPerSecond)} samples/s\n`,
  );
  return 0;
});
