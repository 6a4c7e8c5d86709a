import { cpus } from 'node:os';
import type { ThroughputRow } from './throughput-bench';

/** The rows as a table, each beside the in-process baseline of the same run, with a legend. */
export function formatThroughputBench(rows: ThroughputRow[]): string {
  const header = ['model', 'run', 'workers', 'global batch', 'steps', 'samples', 'samples/s', 'per worker', 'vs in-process', 'efficiency', 'start-up s', 'load'];
  const lines = rows.map((r) => [
    r.model,
    r.run,
    String(r.workers),
    String(r.globalBatch),
    String(r.steps),
    String(r.samples),
    r.samplesPerSecond.toFixed(1),
    r.samplesPerSecondPerWorker.toFixed(1),
    `${r.speedup.toFixed(2)}x`,
    r.efficiency.toFixed(2),
    r.startupSeconds.toFixed(2),
    r.loadAverage.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const first = rows[0];
  const devices = [...new Set(rows.map((r) => `${r.run}: ${r.worker === 'this process' ? 'this process' : `one ${r.worker} per worker`} on ${r.device.toUpperCase()}, backend ${r.backend} (${r.package})`))];
  const legend = first
    ? [
        `Devices: ${devices.join('; ')}.`,
        `Per-worker batch ${first.perWorkerBatch}, held fixed: global batch = workers x ${first.perWorkerBatch}. ` +
          `${first.warmupSteps} warm-up step(s) not timed; samples/s over the timed steps, from rank 0's batch ends seen by the coordinator` +
          (first.repeat > 1 ? `; best of ${first.repeat} interleaved rounds.` : '.'),
        'vs in-process = samples/s / in-process samples/s (same run); efficiency = samples/s / (workers x in-process samples/s).',
        "start-up s: fit's call to the first epoch (data handed over, workers launched, backend and model ready), not in samples/s.",
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
