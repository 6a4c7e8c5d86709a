// `weft bench throughput`: the quick run on a tiny model, 1 and 2 worker threads, checked for its
// rows and arithmetic (not its speed: the bench measures speed, tests do not assert it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCollectivesBench, formatThroughputBench, type CollectivesBenchRow, type ThroughputRow } from '@weft/tools';
import { runCli } from '../cli';
import './index';

/** Runs `weft ...` and returns its exit code and what it wrote to stdout. */
async function weft(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const progress = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await runCli(argv), out };
  } finally {
    write.mockRestore();
    progress.mockRestore();
  }
}

function hasGpuPackage(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

describe('weft bench throughput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--quick on a tiny model, 1 and 2 threads: the in-process baseline and one row per worker count, samples = steps x global batch; --chart draws them', async () => {
    const chart = join(dir, 'throughput.svg');
    const { code, out } = await weft('bench', 'throughput', '--model', 'tiny', '--workers', '1,2', '--quick', '--json', '--chart', chart);
    expect(code).toBe(0);
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*>tiny<\/text>[\s\S]*<\/svg>$/);
    expect(svg).toContain('>data-parallel (threads)</text>');
    const rows = JSON.parse(out) as ThroughputRow[];
    expect(rows.map((r) => [r.model, r.run, r.workers, r.globalBatch])).toEqual([
      ['tiny', 'in-process', 1, 32],
      ['tiny', 'threads', 1, 32],
      ['tiny', 'threads', 2, 64],
    ]);
    const single = rows[0].samplesPerSecond;
    for (const r of rows) {
      expect(r.perWorkerBatch).toBe(32);
      expect(r.steps).toBe(3);
      expect(r.warmupSteps).toBe(3); // one warm-up epoch of --steps
      expect(r.samples).toBe(r.steps * r.globalBatch);
      expect(r.repeat).toBe(1);
      expect(r.timedEpochs).toBe(1);
      expect(r.roundsSamplesPerSecond).toEqual([r.samplesPerSecond]);
      expect(r.epochsSamplesPerSecond).toEqual([r.samplesPerSecond]);
      expect(r.globalBatch).toBe(r.workers * r.perWorkerBatch);
      for (const value of [r.seconds, r.samplesPerSecond, r.samplesPerSecondPerWorker, r.speedup, r.efficiency]) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThan(0);
      }
      expect(r.samplesPerSecond).toBeCloseTo(r.samples / r.seconds, 6);
      expect(r.samplesPerSecondPerWorker).toBeCloseTo(r.samplesPerSecond / r.workers, 6);
      expect(r.speedup).toBeCloseTo(r.samplesPerSecond / single, 6);
      expect(r.efficiency).toBeCloseTo(r.samplesPerSecond / (r.workers * single), 6);
      expect(r.startupSeconds).toBeGreaterThanOrEqual(0);
      // The coordinator's share of a core while the ranks train (in-process it is the trainer: none).
      if (r.run === 'in-process') expect(r.coordinatorCpuShare).toBeUndefined();
      else expect(r.coordinatorCpuShare).toBeGreaterThanOrEqual(0);
      expect(r.backend).toBe('wasm');
      expect(r.device).toBe('cpu');
    }
    expect(rows.map((r) => r.worker)).toEqual(['this process', 'worker thread', 'worker thread']);
    expect(rows[0].efficiency).toBe(1);

    const table = formatThroughputBench(rows).split('\n');
    expect(table[0]).toMatch(/model\s+run\s+workers\s+global batch\s+steps\s+samples\s+samples\/s\s+per worker\s+vs in-process\s+efficiency\s+start-up s/);
    expect(table[1]).toMatch(/^tiny\s+in-process\s+1\s+32\s+3\s+96\s/);
    expect(table[2]).toMatch(/^tiny\s+threads\s+1\s+32\s+3\s+96\s/);
    expect(table[3]).toMatch(/^tiny\s+threads\s+2\s+64\s+3\s+192\s/);
    expect(table.join('\n')).toContain('global batch = workers x 32');
    expect(table.join('\n')).toContain('backend wasm');
  });

  it('rejects bad flags with messages that name them', async () => {
    await expect(weft('bench', 'throughput', '--workers', '0')).rejects.toThrow('--workers must be an integer >= 1. Received: --workers 0');
    await expect(weft('bench', 'throughput', '--workers', '1,x')).rejects.toThrow('--workers must be an integer >= 1');
    await expect(weft('bench', 'throughput', '--model', 'resnet')).rejects.toThrow("Unknown model 'resnet'. Choices: mlp, imdb-fasttext, imdb-cnn, imdb-lstm");
    await expect(weft('bench', 'throughput', '--transport', 'pigeons')).rejects.toThrow('--transport must be threads or processes');
    await expect(weft('bench', 'throughput', '--row-split', 'even,fair')).rejects.toThrow('--row-split must be even, balanced or both (even,balanced). Received: fair');
    await expect(weft('bench', 'throughput', '--device', 'tpu')).rejects.toThrow('--device must be cpu or gpu');
    await expect(weft('bench', 'throughput', '--batch', '-4')).rejects.toThrow('--batch');
    await expect(weft('bench', 'throughput', '--repeat', '0')).rejects.toThrow('--repeat must be an integer >= 1');
    await expect(weft('bench', 'throughput', '--timed-epochs', '0')).rejects.toThrow('--timed-epochs must be an integer >= 1');
    await expect(weft('bench', 'throughput', '--frobnicate')).rejects.toThrow("Run 'weft bench throughput --help'");
    await expect(weft('bench', 'throughput', '--chart', join(dir, 'chart.png'))).rejects.toThrow('--chart writes SVG: give a file name ending in .svg');
    await expect(weft('bench', 'throughput', '--chart', join(dir, 'no', 'chart.svg'))).rejects.toThrow('does not exist');
  });

  (hasGpuPackage() ? it.skip : it)('--device gpu without @tensorflow/tfjs-node-gpu names the package to install', async () => {
    await expect(weft('bench', 'throughput', '--device', 'gpu')).rejects.toThrow(/needs @tensorflow\/tfjs-node-gpu.*npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('--help lists the options and models; an unknown benchmark is an error', async () => {
    const help = await weft('bench', 'throughput', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--workers N[,N]');
    expect(help.out).toContain('imdb-lstm');
    expect(help.out).toContain('--chart FILE.svg');
    expect(help.out).toContain('--trace DIR');
    expect((await weft('bench', 'nope')).code).toBe(2);
  });
});

describe('weft bench collectives', () => {
  it('--quick over shm-alloc, 2 ranks: a row per size with busbw, memcpy and the phase split', async () => {
    const { code, out } = await weft('bench', 'collectives', '--quick', '--transport', 'shm-alloc', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(out) as CollectivesBenchRow[];
    expect(rows.map((r) => [r.transport, r.ranks, r.bytes])).toEqual(
      [4096, 262144, 4194304, 16777216].map((bytes) => ['shm-alloc', 2, bytes]),
    );
    for (const r of rows) {
      expect(r.iterations).toBeGreaterThanOrEqual(5);
      expect(r.algbw).toBeCloseTo(r.bytes / (r.timeUs * 1e-6) / 1e9, 6);
      expect(r.busbw).toBeCloseTo(r.algbw, 6); // 2(n-1)/n = 1 for 2 ranks
      expect(r.memcpy).toBeGreaterThan(0);
      const { wait, reduce, copy } = r.phasesUs!;
      for (const phase of [wait, reduce, copy]) expect(phase).toBeGreaterThanOrEqual(0);
      expect(reduce).toBeGreaterThan(0);
      // Arrays from allocate() above the one-barrier size are summed in place: nothing to copy.
      if (r.bytes > 65536) expect(copy).toBe(0);
      expect(r.repeat).toBe(1);
    }
    const table = formatCollectivesBench(rows).split('\n');
    expect(table[0]).toMatch(/busbw\/memcpy\s+wait us\s+reduce us\s+copy us\s+load/);
    expect(table[1]).toMatch(/^shm-alloc\s+2\s+4 KB\s/);
  });

  it('rejects bad flags with messages that name them', async () => {
    await expect(weft('bench', 'collectives', '--transport', 'pigeons')).rejects.toThrow("Unknown transport 'pigeons'. Choices: shm, shm-alloc, tcp");
    await expect(weft('bench', 'collectives', '--ranks', '1')).rejects.toThrow('--ranks must be an integer >= 2');
    await expect(weft('bench', 'collectives', '--repeat', '0')).rejects.toThrow('--repeat must be an integer >= 1');
    await expect(weft('bench', 'collectives', '--frobnicate')).rejects.toThrow("Run 'weft bench collectives --help'");
    const help = await weft('bench', 'collectives', '--help');
    expect(help.out).toContain('--repeat N');
  });
});
