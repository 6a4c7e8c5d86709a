import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launchProcesses, launchThreads, type RankOutcome } from '@weft/distributed';
import type { BenchArgs, BenchTiming, PhaseSplit } from './bench-rank';

export type CollectivesTransport = 'shm' | 'shm-alloc' | 'tcp';
export const COLLECTIVES_TRANSPORTS: readonly CollectivesTransport[] = ['shm', 'shm-alloc', 'tcp'];

export interface CollectivesBenchOptions {
  /** A short run: fewer sizes, less time per size, 2 ranks only. */
  quick?: boolean;
  /** Rounds of every run; each row keeps its fastest round (default 1). */
  repeat?: number;
  /** Transports to run (default all). */
  transports?: CollectivesTransport[];
  /** Rank counts to run (default 2 and 4; --quick: 2). */
  ranks?: number[];
  /** Hears a line per finished run. */
  onProgress?: (line: string) => void;
}

export interface CollectivesBenchRow {
  /** shm: worker threads, arrays copied through the group; shm-alloc: arrays from group.allocate(); tcp: processes. */
  transport: CollectivesTransport;
  ranks: number;
  bytes: number;
  iterations: number;
  timeUs: number;
  /** GB/s: bytes / time. */
  algbw: number;
  /** GB/s: algbw * 2(n-1)/n, comparable across rank counts (nccl-tests). */
  busbw: number;
  /** GB/s of Float32Array.set on the same bytes, same run. */
  memcpy: number;
  /** Rank 0's median microseconds per all-reduce waiting at barriers, summing, copying; null for tcp. */
  phasesUs: PhaseSplit | null;
  /** Rounds measured; the row is the one with the fastest all-reduce. */
  repeat: number;
  /** The 1-minute load average when the row's round ended. */
  load: number;
}

const ENTRY = join(__dirname, 'bench-rank.ts');
const KB = 1024;
const MB = 1024 * KB;

/** Checks the options before anything runs; a bad one names itself and the choices. */
export function validateCollectivesOptions(options: CollectivesBenchOptions): void {
  for (const t of options.transports ?? []) {
    if (!COLLECTIVES_TRANSPORTS.includes(t)) {
      throw new Error(`Unknown transport '${t}'. Choices: ${COLLECTIVES_TRANSPORTS.join(', ')}`);
    }
  }
  for (const [name, values] of [['ranks', options.ranks ?? []], ['repeat', [options.repeat ?? 1]]] as const) {
    const bad = values.find((v) => !Number.isInteger(v) || v < 1 || (name === 'ranks' && v < 2));
    if (bad !== undefined) throw new Error(`--${name} must be an integer >= ${name === 'ranks' ? 2 : 1}. Received: ${bad}`);
  }
}

async function runOnce(transport: CollectivesTransport, ranks: number, args: BenchArgs): Promise<BenchTiming[]> {
  const launch = { size: ranks, entry: ENTRY, args, groupTimeoutMs: 120_000 };
  const largest = Math.max(...args.sizes);
  const outcomes: RankOutcome<BenchTiming[]>[] =
    transport === 'tcp'
      ? await launchProcesses<BenchArgs, BenchTiming[]>(launch)
      : await launchThreads<BenchArgs, BenchTiming[]>({ ...launch, arenaBytes: transport === 'shm-alloc' ? largest : 0 });
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new Error(`collectives benchmark (${transport}, ${ranks} ranks): ${failed.error}`);
  return (outcomes[0] as { value: BenchTiming[] }).value;
}

function toRow(transport: CollectivesTransport, ranks: number, t: BenchTiming, repeat: number): CollectivesBenchRow {
  const algbw = t.bytes / t.seconds / 1e9;
  const us = (seconds: number) => seconds * 1e6;
  return {
    transport,
    ranks,
    bytes: t.bytes,
    iterations: t.iterations,
    timeUs: us(t.seconds),
    algbw,
    busbw: (algbw * 2 * (ranks - 1)) / ranks,
    memcpy: t.bytes / t.memcpySeconds / 1e9,
    phasesUs: t.phases && { wait: us(t.phases.wait), reduce: us(t.phases.reduce), copy: us(t.phases.copy) },
    repeat,
    load: loadavg()[0],
  };
}

/**
 * All-reduce bandwidth over shared memory (worker threads) and TCP loopback (processes), for
 * sizes 4 KB to 64 MB, beside a memcpy of the same bytes, like nccl-tests' all_reduce_perf.
 * With `repeat`, every run goes round that many times, interleaved, and each row keeps the
 * round whose all-reduce was fastest, with that round's memcpy (a busy host slows some rounds).
 */
export async function runCollectivesBench(options: CollectivesBenchOptions = {}): Promise<CollectivesBenchRow[]> {
  validateCollectivesOptions(options);
  const sizes = options.quick
    ? [4 * KB, 256 * KB, 4 * MB, 16 * MB]
    : [4 * KB, 16 * KB, 64 * KB, 256 * KB, 1 * MB, 4 * MB, 16 * MB, 64 * MB];
  const targetMs = options.quick ? 100 : 400;
  const repeat = options.repeat ?? 1;
  // 4 ranks oversubscribe a 2-core machine; still worth a look where there are cores for them.
  const rankCounts = options.ranks ?? (options.quick ? [2] : [2, 4]);
  const runs = rankCounts.flatMap((ranks) => (options.transports ?? COLLECTIVES_TRANSPORTS).map((transport) => ({ transport, ranks })));
  const best = new Map<string, CollectivesBenchRow>();
  for (let round = 0; round < repeat; round++) {
    for (const { transport, ranks } of runs) {
      const timings = await runOnce(transport, ranks, { sizes, targetMs, allocate: transport === 'shm-alloc' });
      for (const t of timings) {
        const row = toRow(transport, ranks, t, repeat);
        const key = `${transport}/${ranks}/${t.bytes}`;
        if (!best.has(key) || row.timeUs < best.get(key)!.timeUs) best.set(key, row);
      }
      options.onProgress?.(`${transport} x${ranks}${repeat > 1 ? `, round ${round + 1}/${repeat}` : ''} done (load ${loadavg()[0].toFixed(2)})`);
    }
  }
  return [...best.values()];
}

function formatBytes(bytes: number): string {
  return bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`;
}

/** The rows as a text table, with busbw as a fraction of memcpy and each all-reduce's phase split. */
export function formatCollectivesBench(rows: CollectivesBenchRow[]): string {
  const header = [
    'transport', 'ranks', 'size', 'time (us)', 'algbw GB/s', 'busbw GB/s', 'memcpy GB/s', 'busbw/memcpy',
    'wait us', 'reduce us', 'copy us', 'load',
  ];
  const phase = (r: CollectivesBenchRow, p: keyof PhaseSplit) => (r.phasesUs ? r.phasesUs[p].toFixed(1) : '-');
  const lines = rows.map((r) => [
    r.transport,
    String(r.ranks),
    formatBytes(r.bytes),
    r.timeUs.toFixed(1),
    r.algbw.toFixed(2),
    r.busbw.toFixed(2),
    r.memcpy.toFixed(2),
    (r.busbw / r.memcpy).toFixed(2),
    phase(r, 'wait'),
    phase(r, 'reduce'),
    phase(r, 'copy'),
    r.load.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const repeat = rows[0]?.repeat ?? 1;
  const legend =
    'shm: worker threads, arrays copied through shared memory; shm-alloc: arrays from group.allocate(), ' +
    'reduced in place in shared memory; tcp: processes over loopback TCP. busbw = algbw x 2(n-1)/n. ' +
    'memcpy: Float32Array.set of the same bytes on rank 0 between the all-reduces; each input is written ' +
    'afresh, untimed, before its call. wait/reduce/copy: rank 0\'s median microseconds per all-reduce ' +
    'at barriers, summing (shm-alloc: summing and writing every rank\'s array), copying in and out. ' +
    `load: 1-minute load average${repeat > 1 ? `; each row is the fastest of ${repeat} rounds` : ''}.`;
  return [format(header), ...lines.map(format), '', legend].join('\n');
}
