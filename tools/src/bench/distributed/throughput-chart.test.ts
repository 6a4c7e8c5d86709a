import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChartPath, renderThroughputChart, throughputChartSpec, writeThroughputChart } from './throughput-chart';
import { rowsOf } from './throughput-rows.fixture';

interface Point {
  model: string;
  workers: number;
  samplesPerSecond: number;
  series: string;
  label: string;
}
interface Spec {
  data: { values: Point[] };
  layer: { encoding: { y: { scale: { type?: string } } } }[];
}

const rows = [...rowsOf('mlp', 2000, { 1: 0.95, 2: 0.8, 4: 0.5 }), ...rowsOf('imdb-lstm', 50, { 1: 0.9, 2: 0.7, 4: 0.45 })];

describe('throughput chart', () => {
  it('plots each data-parallel run, the in-process run at 1 worker, and workers x in-process as the ideal', () => {
    const spec = throughputChartSpec(rows) as Spec;
    const of = (model: string, series: string) =>
      spec.data.values.filter((p) => p.model === model && p.series.startsWith(series)).map((p) => [p.workers, p.samplesPerSecond, p.label]);
    expect(of('mlp', 'data-parallel (threads)')).toEqual([
      [1, 1900, '0.95'],
      [2, 3200, '0.80'],
      [4, 4000, '0.50'],
    ]);
    expect(of('mlp', 'in-process')).toEqual([[1, 2000, '']]);
    expect(of('imdb-lstm', 'ideal')).toEqual([
      [1, 50, ''],
      [2, 100, ''],
      [4, 200, ''],
    ]);
    // 4000 against 22.5 samples/s: a linear axis would flatten the LSTM's line, so it is log.
    expect(spec.layer[0].encoding.y.scale.type).toBe('log');
    const alone = throughputChartSpec(rowsOf('tiny', 100, { 2: 0.9 })) as Spec;
    expect(alone.layer[0].encoding.y.scale.type).toBeUndefined();
  });

  it('renders to an SVG with a line per model and series, the legend and the axis titles', async () => {
    const svg = await renderThroughputChart(rows);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['mlp', 'imdb-lstm', 'data-parallel (threads)', 'ideal: workers x in-process', 'in-process (no DataParallel)', 'samples/s (log scale)', 'workers', '0.45']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    // A solid (measured) and a dashed (ideal) line per model, each through 1, 2 and 4 workers.
    const lines = svg.match(/<path [^>]*aria-roledescription="line mark"[^>]*>/g) ?? [];
    expect(lines.filter((l) => l.includes('stroke-dasharray="1,0"'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('stroke-dasharray="6,4"'))).toHaveLength(2);
    for (const line of lines) expect(line.match(/ d="M[\d.,]+L[\d.,]+L[\d.,]+"/)).not.toBeNull();
  }, 30_000);

  it('draws a line per row split when the run compared them, and one for each ceiling', () => {
    const [inProcess, even] = rowsOf('mlp', 1000, { 2: 0.8 });
    const balanced = { ...even, rowSplit: 'balanced' as const, samplesPerSecond: 1800 };
    const independent = { ...even, run: 'independent' as const, samplesPerSecond: 1900 };
    const lockstep = { ...even, run: 'lockstep' as const, samplesPerSecond: 1850 };
    const spec = throughputChartSpec([inProcess, independent, lockstep, { ...even, rowSplit: 'even' }, balanced]) as Spec;
    const series = (name: string) => spec.data.values.filter((p) => p.series === name).map((p) => p.samplesPerSecond);
    expect(series('data-parallel (threads, even)')).toEqual([1600]);
    expect(series('data-parallel (threads, balanced)')).toEqual([1800]);
    expect(series('independent (the ceiling)')).toEqual([1900]);
    expect(series('lockstep (the ceiling of synchronous training)')).toEqual([1850]);
  });

  it('writes the file, and checks the path before a run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-chart-'));
    try {
      const path = join(dir, 'throughput.svg');
      await writeThroughputChart(path, rows);
      expect(await readFile(path, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      expect(() => checkChartPath(join(dir, 'chart.png'))).toThrow('--chart writes SVG: give a file name ending in .svg');
      expect(() => checkChartPath(join(dir, 'missing', 'chart.svg'))).toThrow(`the folder ${join(dir, 'missing')} does not exist`);
      expect(() => throughputChartSpec([])).toThrow('throughput chart: no rows to draw');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
