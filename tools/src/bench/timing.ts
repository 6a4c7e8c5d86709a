import * as tf from '@tensorflow/tfjs-core';

/**
 * Median wall time in ms of `reps` runs of an op after `warmup` runs. The wasm and cpu backends
 * run kernels synchronously, so the outputs are disposed without being read back (reading a
 * 10 MB embedding gradient back would cost more than computing it).
 */
export function medianOpMs(run: () => tf.Tensor | tf.Tensor[], reps: number, warmup = 1): number {
  const times: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const start = performance.now();
    const outs = tf.tidy(run);
    tf.dispose(outs);
    if (i >= warmup) times.push(performance.now() - start);
  }
  return median(times);
}

/** Median wall time in ms of `reps` runs of an asynchronous step after `warmup` runs. */
export async function medianStepMs(run: () => Promise<unknown>, reps: number, warmup = 1): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const start = performance.now();
    await run();
    if (i >= warmup) times.push(performance.now() - start);
  }
  return median(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Prints rows as a GitHub-style table with a header. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

export const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
export const ratio = (slow: number | undefined, fast: number | undefined): string =>
  slow === undefined || fast === undefined ? '-' : `${(slow / fast).toFixed(2)}x`;
