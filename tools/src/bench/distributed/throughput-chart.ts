import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ThroughputRow } from './throughput-bench';
import { renderVegaLiteSvg } from './vega-svg';

/** One point of the chart. */
interface ChartPoint {
  model: string;
  workers: number;
  samplesPerSecond: number;
  series: string;
  /** The in-process point's legend entry (a field of its own, so its legend stays apart from the lines'). */
  baseline?: string;
  /** Efficiency printed beside a measured point ('' elsewhere). */
  label: string;
}

/** Above this spread of samples/s between models, the y axis is logarithmic so every model's line reads. */
const LOG_SCALE_SPREAD = 10;

/**
 * The throughput rows as a Vega-Lite spec: samples/s against workers, one colour per model; solid
 * lines the data-parallel runs (efficiency beside each point), dashed lines the ideal linear
 * scaling from the model's in-process run (workers x in-process samples/s), and the in-process
 * run itself a diamond at 1 worker.
 */
export function throughputChartSpec(rows: ThroughputRow[]): object {
  if (rows.length === 0) throw new Error('throughput chart: no rows to draw (run the bench with at least one model).');
  const points: ChartPoint[] = [];
  const transports = [...new Set(rows.filter((r) => r.run === 'threads' || r.run === 'processes').map((r) => r.run))];
  const splits = [...new Set(rows.flatMap((r) => (r.rowSplit ? [r.rowSplit] : [])))];
  // A line per row split when the run compared them (--row-split even,balanced), and one for each of --ceiling's runs.
  const measuredOf = (row: ThroughputRow) =>
    row.run === 'independent'
      ? 'independent (the ceiling)'
      : row.run === 'lockstep'
        ? 'lockstep (the ceiling of synchronous training)'
        : `data-parallel (${[transports.join(', ') || 'none', ...(splits.length > 1 ? [row.rowSplit ?? 'even'] : [])].join(', ')})`;
  const measured = [...new Set(rows.filter((r) => r.run !== 'in-process').map(measuredOf))];
  const ideal = 'ideal: workers x in-process';
  const baseline = 'in-process (no DataParallel)';
  const workerCounts = [...new Set([1, ...rows.map((r) => r.workers)])].sort((a, b) => a - b);
  for (const row of rows) {
    if (row.run === 'in-process') {
      points.push({ model: row.model, workers: 1, samplesPerSecond: row.samplesPerSecond, series: baseline, baseline, label: '' });
      for (const n of workerCounts) points.push({ model: row.model, workers: n, samplesPerSecond: n * row.samplesPerSecond, series: ideal, label: '' });
    } else {
      points.push({ model: row.model, workers: row.workers, samplesPerSecond: row.samplesPerSecond, series: measuredOf(row), label: row.efficiency.toFixed(2) });
    }
  }
  const rates = points.map((p) => p.samplesPerSecond);
  const logScale = Math.max(...rates) / Math.min(...rates) > LOG_SCALE_SPREAD;
  const first = rows[0];
  const load = Math.max(...rows.map((r) => r.loadAverage));
  const x = { field: 'workers', type: 'quantitative', title: 'workers', axis: { values: workerCounts, format: 'd' }, scale: { domain: [0.8, workerCounts[workerCounts.length - 1] + 0.2] } };
  const y = {
    field: 'samplesPerSecond',
    type: 'quantitative',
    title: `samples/s${logScale ? ' (log scale)' : ''}`,
    scale: logScale ? { type: 'log', nice: false, padding: 16 } : { zero: true },
  };
  const color = { field: 'model', type: 'nominal', title: 'model', legend: { symbolOpacity: 1 } };
  const strokeDash = {
    field: 'series',
    type: 'nominal',
    title: 'line',
    scale: { domain: [...measured, ideal], range: [...measured.map((_, i) => [[1, 0], [2, 2], [8, 2, 2, 2]][i % 3]), [6, 4]] },
    legend: { labelLimit: 260, symbolType: 'stroke', symbolStrokeColor: 'gray', symbolStrokeWidth: 2 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Training throughput against data-parallel workers',
      subtitle: [
        `per-worker batch ${first.perWorkerBatch} (global batch = workers x ${first.perWorkerBatch}), backend ${first.backend} on ${first.device.toUpperCase()}; labels: efficiency`,
        `load average up to ${load.toFixed(1)} on ${cpus().length} CPUs${first.timedEpochs * first.repeat > 1 ? `; the fastest of ${first.timedEpochs * first.repeat} timed epochs` : ''}`,
      ],
    },
    width: 560,
    height: 360,
    background: 'white',
    data: { values: points },
    layer: [
      {
        transform: [{ filter: { field: 'series', oneOf: measured } }],
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y, color, strokeDash },
      },
      {
        transform: [{ filter: { field: 'series', equal: ideal } }],
        mark: { type: 'line', strokeWidth: 2, opacity: 0.55 },
        encoding: { x, y, color, strokeDash },
      },
      {
        transform: [{ filter: { field: 'series', oneOf: measured } }],
        mark: { type: 'point', filled: true, size: 40, opacity: 1 },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: { field: 'series', equal: baseline } }],
        mark: { type: 'point', shape: 'diamond', filled: true, size: 140, opacity: 1 },
        encoding: { x, y, color, shape: { field: 'baseline', type: 'nominal', title: 'point', scale: { range: ['diamond'] }, legend: { labelLimit: 260 } } },
      },
      {
        transform: [{ filter: { field: 'series', oneOf: measured } }],
        mark: { type: 'text', dx: 16, dy: -8, fontSize: 10 },
        encoding: { x, y, color, text: { field: 'label' } },
      },
    ],
  };
}

/** The chart as an SVG document. */
export function renderThroughputChart(rows: ThroughputRow[]): Promise<string> {
  return renderVegaLiteSvg(throughputChartSpec(rows));
}

/** Checks a chart path before a run that takes minutes: an .svg file in a folder that exists. */
export function checkChartPath(path: string): void {
  if (!path.toLowerCase().endsWith('.svg')) throw new Error(`--chart writes SVG: give a file name ending in .svg. Received: --chart ${path}`);
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new Error(`--chart ${path}: the folder ${folder} does not exist; make it first or pick another path.`);
}

/** Writes the chart to path (an .svg file). */
export async function writeThroughputChart(path: string, rows: ThroughputRow[]): Promise<void> {
  checkChartPath(path);
  await writeFile(path, await renderThroughputChart(rows));
}
