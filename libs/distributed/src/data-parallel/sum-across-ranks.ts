import type { ProcessGroup } from '../process-group';

/**
 * Sums numbers over all ranks in float64: each value travels as two float32 halves (hi + lo keeps
 * about 48 bits, so sample counts and loss sums stay exact far beyond float32's 2^24) through an
 * allGather, and every rank adds the ranks' values in rank order, so all get the same bits.
 */
export async function sumAcrossRanks(group: ProcessGroup, values: readonly number[], timeoutMs: number): Promise<number[]> {
  const mine = new Float32Array(values.length * 2);
  values.forEach((v, i) => {
    mine[2 * i] = v;
    mine[2 * i + 1] = v - mine[2 * i];
  });
  const all = new Float32Array(mine.length * group.size);
  await group.allGather(mine, all, { timeoutMs });
  return values.map((_, i) => {
    let sum = 0;
    for (let r = 0; r < group.size; r++) sum += all[r * mine.length + 2 * i] + all[r * mine.length + 2 * i + 1];
    return sum;
  });
}
