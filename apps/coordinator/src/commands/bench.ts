import {
  COLLECTIVES_TRANSPORTS,
  describeThroughputModels,
  formatCollectivesBench,
  formatThroughputBench,
  runCollectivesBench,
  runThroughputBench,
  validateCollectivesOptions,
  validateThroughputOptions,
  writeThroughputChart,
  checkChartPath,
  type CollectivesTransport,
  type RowSplitKind,
  type ThroughputModel,
} from '@weft/tools';
import { intOption } from '@weft/tensor';
import { registerCommand } from '../cli';
import { applyLogArgs, logHelp } from '../log-options';
import { parseCommandArgs } from '../options';

type Benchmark = { describe: string; run: (args: string[]) => Promise<number> };

const THROUGHPUT_USAGE = `Usage: weft bench throughput [options]

Training throughput per device: each model trained in this process (one device, the baseline) and
data-parallel over each worker count, in the same run, on generated data of the model's shape
(token ids drawn by Zipf's law, as words fall in text). The per-worker batch is held fixed: global batch = workers x --batch. Warm-up epochs and worker
start-up are not timed; start-up is reported apart.

Options:
  --model NAME[,NAME]   models (default: mlp,imdb-fasttext,imdb-cnn,imdb-lstm)
  --workers N[,N]       data-parallel worker counts (default 1,2)
  --transport KIND      threads | processes (default threads)
  --batch N             per-worker batch (default 32)
  --steps N             steps per timed epoch (default: per model, about 2 s in-process; --quick: 3)
  --timed-epochs N      timed epochs per run; each row keeps its fastest (default 3; --quick: 1):
                        a burst of other work on the host slows some epochs, not the fastest
  --warmup-seconds S    untimed warm-up: the in-process run trains whole epochs for at least S
                        seconds, and the model's other runs as many epochs (default 5; --quick:
                        0). A worker is a fresh V8 isolate whose JIT takes seconds to settle.
  --warmup N            at least N untimed warm-up steps (default 10; --quick: 1)
  --repeat N            rounds of every run, interleaved; each row keeps its fastest epoch
                        (default 1; more on a busy host, N times as long)
  --row-split KIND[,KIND]
                        even (default) | balanced | even,balanced: how data-parallel runs split
                        each global batch (DataParallel's rowSplit: 'balanced' moves rows to
                        faster workers); with both, each worker count runs once per split,
                        interleaved in the same run
  --device KIND         cpu (default: wasm, one worker per thread or process) | gpu (needs
                        @tensorflow/tfjs-node-gpu)
  --chart FILE.svg      also draw samples/s against workers, one line per model, beside the
                        ideal (workers x in-process)
  --trace DIR           write each run's step traces there (a file per rank and one of all
                        ranks: open in ui.perfetto.dev) and print each rank's share of the step
                        in compute, all-reduce and waiting
  --ceiling             also run, for each worker count above 1, that many in-process trainings
                        at once exchanging nothing: free-running (row 'independent'), what the
                        cores and memory allow N replicas here; and waiting for each other
                        after every step (row 'lockstep'), the ceiling of synchronous
                        data-parallel training, whose step lasts as long as the slowest one's
  --quick               a short run (used by tests)
  --json                print the rows as JSON instead of a table
${logHelp(24)}
Models:
${describeThroughputModels()}
`;

/** A comma-separated list of positive integers (--workers 1,2). */
function intList(name: string, raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  return raw.split(',').map((part) => intOption(name, part.trim(), 0, 1));
}

async function throughput(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench throughput', args, {
    model: { type: 'string' },
    workers: { type: 'string' },
    transport: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    'timed-epochs': { type: 'string' },
    warmup: { type: 'string' },
    'warmup-seconds': { type: 'string' },
    repeat: { type: 'string' },
    device: { type: 'string' },
    'row-split': { type: 'string' },
    chart: { type: 'string' },
    trace: { type: 'string' },
    ceiling: { type: 'boolean' },
    quick: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(THROUGHPUT_USAGE);
    return 0;
  }
  const workers = intList('workers', values.workers, [1, 2]);
  const options = {
    models: values.model?.split(',').map((m) => m.trim() as ThroughputModel),
    workers,
    transport: values.transport as 'threads' | 'processes' | undefined,
    batch: values.batch === undefined ? undefined : intOption('batch', values.batch, 32),
    steps: values.steps === undefined ? undefined : intOption('steps', values.steps, 1),
    timedEpochs: values['timed-epochs'] === undefined ? undefined : intOption('timed-epochs', values['timed-epochs'], 1),
    warmupSteps: values.warmup === undefined ? undefined : intOption('warmup', values.warmup, 1),
    warmupSeconds: values['warmup-seconds'] === undefined ? undefined : Number(values['warmup-seconds']),
    repeat: values.repeat === undefined ? undefined : intOption('repeat', values.repeat, 1),
    device: values.device as 'cpu' | 'gpu' | undefined,
    rowSplits: values['row-split']?.split(',').map((k) => k.trim() as RowSplitKind),
    quick: values.quick ?? false,
    traceDir: values.trace,
    ceiling: values.ceiling ?? false,
  };
  validateThroughputOptions(options);
  if (values.chart !== undefined) checkChartPath(values.chart);
  const rows = await runThroughputBench({
    ...options,
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`${values.json ? JSON.stringify(rows, null, 2) : formatThroughputBench(rows)}\n`);
  if (values.chart !== undefined) {
    await writeThroughputChart(values.chart, rows);
    process.stderr.write(`Chart: ${values.chart}\n`);
  }
  return 0;
}

const COLLECTIVES_USAGE = `Usage: weft bench collectives [options]

All-reduce (sum) of 4 KB to 64 MB between worker threads over shared memory and between
processes over TCP, like nccl-tests' all_reduce_perf: time, algbw, busbw, beside a memcpy of the
same bytes timed on the same thread between the all-reduces, and where the time went (barrier
waits, sums, copies) for the shared-memory runs. Prints the load average: on a busy host, use --repeat.

Options:
  --transport KIND[,KIND]  ${COLLECTIVES_TRANSPORTS.join(' | ')} (default: all)
  --ranks N[,N]            rank counts (default 2,4; --quick: 2)
  --repeat N               rounds of every run, interleaved; each row keeps its fastest (default 1)
  --quick                  a short run (fewer sizes, less time per size)
  --json                   print the rows as JSON instead of a table
`;

async function collectives(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench collectives', args, {
    transport: { type: 'string' },
    ranks: { type: 'string' },
    repeat: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(COLLECTIVES_USAGE);
    return 0;
  }
  const options = {
    quick: values.quick ?? false,
    transports: values.transport?.split(',').map((t) => t.trim() as CollectivesTransport),
    ranks: values.ranks === undefined ? undefined : intList('ranks', values.ranks, []),
    repeat: values.repeat === undefined ? undefined : intOption('repeat', values.repeat, 1),
  };
  validateCollectivesOptions(options);
  const rows = await runCollectivesBench({
    ...options,
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`${values.json ? JSON.stringify(rows, null, 2) : formatCollectivesBench(rows)}\n`);
  return 0;
}

/** Each benchmark, by the name given after `weft bench`. */
const BENCHMARKS: Record<string, Benchmark> = {
  throughput: {
    describe: 'Training samples/s per device: in-process beside data-parallel over 1, 2, ... workers, with scaling efficiency.',
    run: throughput,
  },
  collectives: {
    describe: 'All-reduce time, algbw and busbw over shared memory and TCP, beside memcpy (like nccl-tests), with each phase\'s time.',
    run: collectives,
  },
};

registerCommand('bench', async (argv) => {
  const args = applyLogArgs('bench', argv);
  // `weft bench --model imdb-lstm --workers 1,2` (DESIGN.md's form) is the throughput bench.
  if (args[0]?.startsWith('--') && args[0] !== '--help') return BENCHMARKS.throughput.run(args);
  const [name, ...rest] = args;
  const choices = Object.keys(BENCHMARKS).join(', ');
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(
      `Usage: weft bench <what> [options]\n\n${Object.entries(BENCHMARKS)
        .map(([n, b]) => `  ${n.padEnd(12)} ${b.describe}`)
        .join('\n')}\n`,
    );
    return name === undefined ? 2 : 0;
  }
  const benchmark = BENCHMARKS[name];
  if (!benchmark) {
    process.stderr.write(`weft bench: unknown benchmark '${name}'. Choices: ${choices}\n`);
    return 2;
  }
  return benchmark.run(rest);
});
