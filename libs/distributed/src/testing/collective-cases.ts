import type { ProcessGroup } from '../process-group';
import { shardRange } from '../shard-range';

/** A rank's deterministic input: small integers, so float32 sums are exact in any order. */
export function rankInput(rank: number, length: number, salt: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = ((rank + 1) * 7919 + i * 104729 + salt * 31) % 2001 - 1000;
  return out;
}

export interface CaseResults {
  length: number;
  sum: number[];
  mean: number[];
  broadcast: number[];
  gathered: number[];
  scattered: number[];
  /** The all-reduce (sum) of an array from group.allocate(). */
  allocated: number[];
  /** The all-reduce (mean) of an array from group.allocate(). */
  allocatedMean: number[];
}

/** Every collective on every length, in the same order on every rank. */
export async function runCollectiveCases(group: ProcessGroup, lengths: number[]): Promise<CaseResults[]> {
  const results: CaseResults[] = [];
  for (const length of lengths) {
    const sum = rankInput(group.rank, length, 1);
    await group.allReduce(sum);
    const mean = rankInput(group.rank, length, 2);
    await group.allReduce(mean, { op: 'mean' });
    const broadcast = rankInput(group.rank, length, 3);
    await group.broadcast(broadcast, { root: length % group.size });
    const gathered = new Float32Array(length * group.size);
    await group.allGather(rankInput(group.rank, length, 4), gathered);
    const { start, end } = shardRange(length, group.size, group.rank);
    const scattered = new Float32Array(end - start);
    await group.reduceScatter(rankInput(group.rank, length, 5), scattered);
    await group.barrier();
    const allocated = group.allocate(length);
    allocated.set(rankInput(group.rank, length, 1));
    await group.allReduce(allocated);
    const allocatedMean = group.allocate(length);
    allocatedMean.set(rankInput(group.rank, length, 2));
    await group.allReduce(allocatedMean, { op: 'mean' });
    results.push({
      length,
      sum: Array.from(sum),
      mean: Array.from(mean),
      broadcast: Array.from(broadcast),
      gathered: Array.from(gathered),
      scattered: Array.from(scattered),
      allocated: Array.from(allocated),
      allocatedMean: Array.from(allocatedMean),
    });
  }
  return results;
}

/** The same results computed serially from every rank's inputs. */
export function serialReference(size: number, rank: number, length: number): CaseResults {
  const inputs = (salt: number) => Array.from({ length: size }, (_, r) => rankInput(r, length, salt));
  const total = (salt: number) => {
    const out = new Float64Array(length);
    for (const input of inputs(salt)) input.forEach((v, i) => (out[i] += v));
    return Array.from(out);
  };
  const { start, end } = shardRange(length, size, rank);
  return {
    length,
    sum: total(1),
    mean: total(2).map((v) => v / size),
    broadcast: Array.from(rankInput(length % size, length, 3)),
    gathered: inputs(4).flatMap((input) => Array.from(input)),
    scattered: total(5).slice(start, end),
    allocated: total(1),
    allocatedMean: total(2).map((v) => v / size),
  };
}
