/**
 * Bytes per step and step time of data-parallel training with the embedding gradient all-reduced
 * densely and exchanged as its touched rows, in one run (interleaved rounds), on the IMDB LSTM by
 * default (Embedding 20000x128, LSTM 128, length 80, batch 32 per worker, 2 workers).
 * Run: npx tsx tools/src/bench/sparse-exchange.ts [--workers 2] [--transport threads|processes]
 *        [--model imdb-lstm] [--optimizer sgd] [--batch 32] [--steps 8] [--rounds 2]
 */
import { choiceOption, intOption, parseFlags } from '@weft/tensor';
import { runSparseExchangeBench, type SparseExchangeRow } from './distributed/sparse-exchange-bench';
import type { ThroughputModel } from './distributed/throughput-models';

const { values } = parseFlags(
  process.argv.slice(2),
  {
    workers: { type: 'string' },
    transport: { type: 'string' },
    model: { type: 'string', default: 'imdb-lstm' },
    optimizer: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    rounds: { type: 'string' },
  },
  { help: 'Usage: npx tsx tools/src/bench/sparse-exchange.ts [--workers 2] [--transport threads|processes] [--model imdb-lstm] [--optimizer sgd] [--batch 32] [--steps 8] [--rounds 2]' },
);

const mb = (bytes: number) => (bytes / 1e6).toFixed(3);

async function main(): Promise<void> {
  const report = await runSparseExchangeBench({
    workers: intOption('workers', values.workers, 2),
    transport: choiceOption('transport', values.transport, ['threads', 'processes'] as const, 'threads'),
    model: values.model as ThroughputModel,
    optimizer: values.optimizer,
    batch: intOption('batch', values.batch, 32),
    steps: intOption('steps', values.steps, 8),
    rounds: intOption('rounds', values.rounds, 2),
  });
  console.log(`${report.describe}${values.optimizer ? `, optimizer ${values.optimizer}` : ''}`);
  console.log(`${report.workers} workers (${report.transport}), batch ${report.batch} per worker, ${report.steps} timed steps per exchange, rank 0's medians`);
  const header = ['exchange', 'MB sent/step', 'rows/step', 'step ms', 'exchange ms', 'samples/s'];
  const cells = (r: SparseExchangeRow) => [
    r.exchange,
    mb(r.bytesPerStep),
    r.touchedRows === null ? '-' : `${r.touchedRows.toFixed(0)} (${r.sparseSteps} sparse steps)`,
    r.stepMs.toFixed(1),
    r.exchangeMs.toFixed(2),
    r.samplesPerSecond.toFixed(1),
  ];
  const lines = [header, ...report.rows.map(cells)];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const line of lines) console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  const [dense, sparse] = report.rows;
  console.log(
    `bytes per step dense/sparse: ${(dense.bytesPerStep / sparse.bytesPerStep).toFixed(2)}x; ` +
      `step time dense/sparse: ${(dense.stepMs / sparse.stepMs).toFixed(2)}x; exchange time dense/sparse: ${(dense.exchangeMs / sparse.exchangeMs).toFixed(2)}x`,
  );
  console.log(`load average (1 min): ${report.loadAverage.toFixed(2)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
