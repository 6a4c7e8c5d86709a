import { DataParallel } from '@weft/distributed';
import type { FitArgs } from '@weft/layers';
import type { tf } from '@weft/tensor';

/** The examples' command-line flags. */
export interface ExampleOptions {
  epochs: number;
  /** Train on this many samples (and test on as many): a quick run. Default all. */
  samples?: number;
  /** Data-parallel worker threads; 1 trains in this process. */
  workers: number;
  /** The datasets folder; default WEFT_DATASETS or ../shared/datasets. */
  data?: string;
  batchSize: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

const USAGE = '--epochs N  --samples N  --workers N  --batch-size N  --data DIR  --backend auto|wasm|cpu|tensorflow';

/** Parses `--name value` flags; anything unknown or malformed is an error naming the flag and the usage. */
export function parseExampleOptions(argv: string[], defaults: { epochs: number; batchSize: number }): ExampleOptions {
  const options: ExampleOptions = { epochs: defaults.epochs, workers: 1, batchSize: defaults.batchSize, backend: 'auto' };
  const positiveInt = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got '${value ?? ''}'. Flags: ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--epochs') options.epochs = positiveInt(flag, value);
    else if (flag === '--samples') options.samples = positiveInt(flag, value);
    else if (flag === '--workers') options.workers = positiveInt(flag, value);
    else if (flag === '--batch-size') options.batchSize = positiveInt(flag, value);
    else if (flag === '--data' && value !== undefined) options.data = value;
    else if (flag === '--backend' && ['auto', 'wasm', 'cpu', 'tensorflow'].includes(value ?? '')) options.backend = value as ExampleOptions['backend'];
    else throw new Error(`Unknown or incomplete flag '${flag}'. Flags: ${USAGE}`);
  }
  return options;
}

/**
 * The fit arguments every example uses: its batch size and epochs, seeded shuffling, the held-out
 * data as validation data, and DataParallel over `workers` when more than one (`modules`: what the
 * workers import first, e.g. the example's own file for its custom layers).
 */
export function exampleFitArgs(options: ExampleOptions, validationData: [tf.Tensor, tf.Tensor], verbose: 0 | 1, modules?: string[]): FitArgs {
  return {
    batchSize: options.batchSize,
    epochs: options.epochs,
    validationData,
    verbose,
    seed: 1,
    distribution: options.workers > 1 ? new DataParallel({ workers: options.workers, modules }) : undefined,
  };
}
