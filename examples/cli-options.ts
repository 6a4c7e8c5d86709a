import { DataParallel } from '@weft/distributed';
import type { FitArgs } from '@weft/layers';
import { BACKEND_REQUESTS, choiceOption, intOption, parseFlags, type BackendRequest, type tf } from '@weft/tensor';

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
  backend: BackendRequest;
}

const USAGE = '--epochs N  --samples N  --workers N  --batch-size N  --data DIR  --backend auto|wasm|cpu|tensorflow';

/** Parses the flags (util.parseArgs); anything unknown or malformed is an error naming the flag and the usage. */
export function parseExampleOptions(argv: string[], defaults: { epochs: number; batchSize: number }): ExampleOptions {
  const { values } = parseFlags(
    argv,
    {
      epochs: { type: 'string' },
      samples: { type: 'string' },
      workers: { type: 'string' },
      'batch-size': { type: 'string' },
      data: { type: 'string' },
      backend: { type: 'string' },
    },
    { help: `Flags: ${USAGE}` },
  );
  return {
    epochs: intOption('epochs', values.epochs, defaults.epochs),
    samples: values.samples === undefined ? undefined : intOption('samples', values.samples, 0),
    workers: intOption('workers', values.workers, 1),
    data: values.data,
    batchSize: intOption('batch-size', values['batch-size'], defaults.batchSize),
    backend: choiceOption('backend', values.backend, BACKEND_REQUESTS, 'auto'),
  };
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
