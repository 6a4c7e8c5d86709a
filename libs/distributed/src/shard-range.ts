/**
 * The part of a buffer of `length` elements that `rank` of `size` owns in a reduce-scatter: the
 * first `length % size` ranks get one element more, so any length (0 included) splits.
 */
export function shardRange(length: number, size: number, rank: number): { start: number; end: number } {
  const base = Math.floor(length / size);
  const extra = length % size;
  const start = rank * base + Math.min(rank, extra);
  return { start, end: start + base + (rank < extra ? 1 : 0) };
}
