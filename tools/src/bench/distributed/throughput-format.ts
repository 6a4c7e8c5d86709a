import { cpus } from 'node:os';
import type { ThroughputRow } from './throughput-bench';
import type { ThroughputStepShares } from './step-shares';

interface Column {
  header: string;
  cell(row: ThroughputRow): string;
  /** Text columns are left-aligned; numbers right-aligned. */
  text?: boolean;
}

/** Each rank's share, in percent, rank 0 first: "71/69". */
const perRank = (pick: (s: ThroughputStepShares) => number) => (row: ThroughputRow) =>
  row.stepShares?.map((s) => (pick(s) * 100).toFixed(0)).join('/') ?? '-';

const COLUMNS: Column[] = [
  { header: 'model', cell: (r) => r.model, text: true },
  { header: 'run', cell: (r) => r.run, text: true },
  { header: 'workers', cell: (r) => String(r.workers) },
  { header: 'global batch', cell: (r) => String(r.globalBatch) },
  { header: 'steps', cell: (r) => String(r.steps) },
  { header: 'samples', cell: (r) => String(r.samples) },
  { header: 'samples/s', cell: (r) => r.samplesPerSecond.toFixed(1) },
  { header: 'per worker', cell: (r) => r.samplesPerSecondPerWorker.toFixed(1) },
  { header: 'vs in-process', cell: (r) => `${r.speedup.toFixed(2)}x` },
  { header: 'efficiency', cell: (r) => r.efficiency.toFixed(2) },
  { header: 'start-up s', cell: (r) => r.startupSeconds.toFixed(2) },
];

/** Columns printed when some row has the field (filled by the runs that measure it). */
const OPTIONAL_COLUMNS: { has: (r: ThroughputRow) => boolean; columns: Column[]; legend: string }[] = [
  {
    has: (r) => r.rowSplit === 'balanced',
    columns: [{ header: 'split', cell: (r) => r.rowSplit ?? '-', text: true }],
    legend: "split: how a data-parallel run split each global batch (DataParallel's rowSplit: 'balanced' gives faster workers more rows).",
  },
  {
    has: (r) => r.coordinatorCpuSeconds !== undefined,
    columns: [{ header: 'coord CPU s', cell: (r) => r.coordinatorCpuSeconds?.toFixed(2) ?? '-' }],
    legend: "coord CPU s: CPU seconds the coordinator's main thread spent over the fit (start-up, handing the data over and writing the traces included).",
  },
  {
    has: (r) => r.coordinatorCpuShare !== undefined,
    columns: [{ header: 'coord CPU %', cell: (r) => (r.coordinatorCpuShare === undefined ? '-' : (100 * r.coordinatorCpuShare).toFixed(1)) }],
    legend: "coord CPU %: the coordinator's main thread's CPU while the ranks trained the timed epochs, as a share of one core (data-parallel runs).",
  },
  {
    has: (r) => r.bytesPerStep !== undefined,
    columns: [{ header: 'MB/step', cell: (r) => (r.bytesPerStep === undefined ? '-' : (r.bytesPerStep / 2 ** 20).toFixed(2)) }],
    legend: 'MB/step: gradient bytes each rank all-reduces per step (MiB).',
  },
  {
    has: (r) => r.stepShares !== undefined,
    columns: [
      { header: 'compute %', cell: perRank((s) => s.compute) },
      { header: 'all-reduce %', cell: perRank((s) => s.allReduce) },
      { header: 'wait %', cell: perRank((s) => s.wait) },
      { header: 'other %', cell: perRank((s) => s.other) },
    ],
    legend:
      "compute/all-reduce/wait/other %: each rank's share of its step (rank 0/rank 1/...), from the step traces (--trace): " +
      'compute = forward + backward + optimizer; all-reduce = pack + all-reduce + unpack; wait = waiting for the other ranks; other = data and the rest.',
  },
];

/** Which epochs a row's figure is the best of: "; the fastest of 3 timed epochs x 2 interleaved rounds". */
function bestOf(row: ThroughputRow): string {
  const parts = [row.timedEpochs > 1 ? `${row.timedEpochs} timed epochs` : '', row.repeat > 1 ? `${row.repeat} interleaved rounds` : ''].filter(Boolean);
  return parts.length === 0 ? '' : `; the fastest epoch of ${parts.join(' x ')}`;
}

/** The rows as a table, each beside the in-process baseline of the same run, with a legend. */
export function formatThroughputBench(rows: ThroughputRow[]): string {
  const optional = OPTIONAL_COLUMNS.filter((o) => rows.some(o.has));
  const columns = [...COLUMNS, ...optional.flatMap((o) => o.columns), { header: 'load', cell: (r: ThroughputRow) => r.loadAverage.toFixed(1) }];
  const header = columns.map((c) => c.header);
  const lines = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (columns[i].text ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const first = rows[0];
  const devices = [...new Set(rows.map((r) => `${r.run}: ${r.worker === 'this process' ? 'this process' : `one ${r.worker} per worker`} on ${r.device.toUpperCase()}, backend ${r.backend} (${r.package})`))];
  const legend = first
    ? [
        `Devices: ${devices.join('; ')}.`,
        `Per-worker batch ${first.perWorkerBatch}, held fixed: global batch = workers x ${first.perWorkerBatch}. ` +
          `Each run trains ${first.warmupSteps} warm-up step(s), not timed (whole epochs: as many as the in-process run trains in --warmup-seconds), ` +
          `then ${first.timedEpochs === 1 ? 'one timed epoch' : `${first.timedEpochs} timed epochs`} of ${first.steps} steps; samples/s from rank 0's batch ends seen by the coordinator` +
          `${bestOf(first)}.`,
        'vs in-process = samples/s / in-process samples/s (same run); efficiency = samples/s / (workers x in-process samples/s).',
        ...(rows.some((r) => r.run === 'independent')
          ? [
              'independent: that many in-process trainings at once, each in its own worker, exchanging nothing (--ceiling): the most the cores and memory let N replicas train here, the ceiling of data-parallel training.',
              'lockstep: the same trainings waiting for each other after every step, still exchanging nothing (--ceiling): a step lasts as long as the slowest replica\'s, as in synchronous data-parallel training; its ceiling.',
            ]
          : []),
        "start-up s: fit's call to the first epoch (data handed over, workers launched, backend and model ready), not in samples/s.",
        ...optional.map((o) => o.legend),
        `load: the host's 1-minute load average after the run (${cpus().length} CPUs here); other jobs on the cores lower the figures.`,
      ]
    : [];
  const busiest = Math.max(0, ...rows.map((r) => r.loadAverage));
  // This run's own workers count in the load; a full point above the cores is other jobs.
  if (busiest > cpus().length + 1) {
    legend.push(
      `Warning: the host was busy (load average up to ${busiest.toFixed(1)} on ${cpus().length} CPUs): workers shared the cores ` +
        'with other jobs, so these figures, the scaling ones above all, are not the hardware\'s; rerun on a quiet machine.',
    );
  }
  return [format(header), ...lines.map(format), '', ...legend].join('\n');
}
