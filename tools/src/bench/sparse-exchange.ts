/**
 * Bytes per step and step time of data-parallel training with the embedding gradient all-reduced
 * densely and exchanged as its touched rows, in one run (interleaved rounds), on the IMDB LSTM by
 * default (Embedding 20000x128, LSTM 128, length 80, batch 32 per worker, 2 workers).
 * Run: npx tsx tools/src/bench/sparse-exchange.ts [--workers 2] [--transport threads|processes]
 *        [--model imdb-lstm] [--optimizer sgd] [--batch 32] [--steps 8] [--rounds 2]
 */
import { parseArgs } from 'node:util';
import { runSparseExchangeBench, type SparseExchangeRow, type ThroughputModel } from '@weft/distributed';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    transport: { type: 'string', default: 'threads' },
    model: { type: 'string', default: 'imdb-lstm' },
    optimizer: { type: 'string' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
  },
});

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer. Received: ${text}`);
  return n;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(3);

async function main(): Promise<void> {
  if (values.transport !== 'threads' && values.transport !== 'processes') throw new Error(`--transport must be threads or processes. Received: ${values.transport}`);
  const report = await runSparseExchangeBench({
    workers: positiveInt('workers', values.workers),
    transport: values.transport,
    model: values.model as ThroughputModel,
    optimizer: values.optimizer,
    batch: positiveInt('batch', values.batch),
    steps: positiveInt('steps', values.steps),
    rounds: positiveInt('rounds', values.rounds),
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
