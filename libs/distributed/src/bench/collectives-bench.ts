import { join } from 'node:path';
import { launchProcesses } from '../launch/launch-processes';
import { launchThreads } from '../launch/launch-threads';
import type { RankOutcome } from '../launch/rank-context';
import type { BenchArgs, BenchTiming } from './bench-rank';

export interface CollectivesBenchOptions {
  /** A short run: fewer sizes, less time per size, 2 ranks only. */
  quick?: boolean;
}

export interface CollectivesBenchRow {
  /** shm: worker threads, arrays copied through the group; shm-alloc: arrays from group.allocate(); tcp: processes. */
  transport: Transport;
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
}

type Transport = 'shm' | 'shm-alloc' | 'tcp';
const ENTRY = join(__dirname, 'bench-rank.ts');
const KB = 1024;
const MB = 1024 * KB;

/**
 * All-reduce bandwidth over shared memory (worker threads) and TCP loopback (processes), for
 * sizes 4 KB to 64 MB, beside a memcpy of the same bytes, like nccl-tests' all_reduce_perf.
 */
export async function runCollectivesBench(options: CollectivesBenchOptions = {}): Promise<CollectivesBenchRow[]> {
  const sizes = options.quick
    ? [4 * KB, 256 * KB, 4 * MB, 16 * MB]
    : [4 * KB, 16 * KB, 64 * KB, 256 * KB, 1 * MB, 4 * MB, 16 * MB, 64 * MB];
  const largest = sizes[sizes.length - 1];
  const targetMs = options.quick ? 100 : 400;
  const transports: Transport[] = ['shm', 'shm-alloc', 'tcp'];
  const runs = transports.map((transport) => ({ transport, ranks: 2 }));
  // 4 ranks oversubscribe a 2-core machine; still worth a look where there are cores for them.
  if (!options.quick) runs.push(...transports.map((transport) => ({ transport, ranks: 4 })));
  const rows: CollectivesBenchRow[] = [];
  for (const { transport, ranks } of runs) {
    const args: BenchArgs = { sizes, targetMs, allocate: transport === 'shm-alloc' };
    const launch = { size: ranks, entry: ENTRY, args, groupTimeoutMs: 120_000 };
    const outcomes: RankOutcome<BenchTiming[]>[] =
      transport === 'tcp'
        ? await launchProcesses<BenchArgs, BenchTiming[]>(launch)
        : await launchThreads<BenchArgs, BenchTiming[]>({ ...launch, arenaBytes: transport === 'shm-alloc' ? largest : 0 });
    const first = outcomes[0];
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw new Error(`collectives benchmark (${transport}, ${ranks} ranks): ${failed.error}`);
    if (!first.ok) continue;
    for (const t of first.value) {
      const algbw = t.bytes / t.seconds / 1e9;
      rows.push({
        transport,
        ranks,
        bytes: t.bytes,
        iterations: t.iterations,
        timeUs: t.seconds * 1e6,
        algbw,
        busbw: (algbw * 2 * (ranks - 1)) / ranks,
        memcpy: t.bytes / t.memcpySeconds / 1e9,
      });
    }
  }
  return rows;
}

function formatBytes(bytes: number): string {
  return bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`;
}

/** The rows as a text table, with busbw as a fraction of memcpy. */
export function formatCollectivesBench(rows: CollectivesBenchRow[]): string {
  const header = ['transport', 'ranks', 'size', 'time (us)', 'algbw GB/s', 'busbw GB/s', 'memcpy GB/s', 'busbw/memcpy'];
  const lines = rows.map((r) => [
    r.transport,
    String(r.ranks),
    formatBytes(r.bytes),
    r.timeUs.toFixed(1),
    r.algbw.toFixed(2),
    r.busbw.toFixed(2),
    r.memcpy.toFixed(2),
    (r.busbw / r.memcpy).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const legend =
    'shm: worker threads, arrays copied through shared memory; shm-alloc: arrays from group.allocate(), ' +
    'reduced in place in shared memory; tcp: processes over loopback TCP. busbw = algbw x 2(n-1)/n.';
  return [format(header), ...lines.map(format), '', legend].join('\n');
}
