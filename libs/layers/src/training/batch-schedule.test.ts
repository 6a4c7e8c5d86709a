// BatchSchedule.skip puts a schedule where next() would have: a resumed fit draws the batches of an uninterrupted one.
import { BatchSchedule, shareOf, weightedShareOf } from './batch-schedule';

function draw(schedule: BatchSchedule, steps: number, size = 1, rank = 0) {
  return Array.from({ length: steps }, () => {
    const { rows, count, batchSize } = schedule.next(size, rank);
    return { rows: Array.from(rows), count, batchSize };
  });
}

it.each([
  ['shuffled, across passes', true, 0],
  ['shuffled, mid-pass', true, 5],
  ['in order', false, 3],
])('skip(k) then next() draws what the (k+1)-th next() draws (%s)', (_name, shuffle, extra) => {
  // 10 samples, batch 4: 3 batches a pass (4, 4, 2); skipping 7 crosses two passes.
  const skipped = 7 + extra;
  const uninterrupted = draw(new BatchSchedule(10, 4, shuffle, 42), skipped + 6, 2, 1).slice(skipped);
  const resumed = new BatchSchedule(10, 4, shuffle, 42);
  resumed.skip(skipped);
  expect(draw(resumed, 6, 2, 1)).toEqual(uninterrupted);
  expect(uninterrupted.map((b) => b.batchSize)).toContain(2);
});

describe('weightedShareOf', () => {
  const split = (length: number, parts: number[]) => parts.map((_, r) => weightedShareOf(length, parts, r));

  it('equal parts split as shareOf does (the first length % size take one more)', () => {
    for (const [length, size] of [[10, 3], [7, 2], [1, 4], [64, 2]]) {
      const parts = new Array(size).fill(5);
      expect(split(length, parts)).toEqual(parts.map((_, r) => shareOf(length, size, r)));
    }
  });

  it('shares follow the parts, contiguous and covering the batch; leftovers go to the largest remainders', () => {
    // 64 rows as 36:28 -> exactly 36 and 28.
    expect(split(64, [36, 28])).toEqual([{ start: 0, end: 36 }, { start: 36, end: 64 }]);
    // 10 rows as 1:2:2 -> quotas 2, 4, 4.
    expect(split(10, [1, 2, 2])).toEqual([{ start: 0, end: 2 }, { start: 2, end: 6 }, { start: 6, end: 10 }]);
    // 7 rows as 3:1 -> quotas 5.25 and 1.75: the one row left goes to the larger remainder (rank 1).
    expect(split(7, [3, 1])).toEqual([{ start: 0, end: 5 }, { start: 5, end: 7 }]);
    // A short last batch: 3 rows as 36:28 -> quotas 1.69 and 1.31: one each, then the larger remainder.
    expect(split(3, [36, 28])).toEqual([{ start: 0, end: 2 }, { start: 2, end: 3 }]);
  });

  it('refuses parts that share nothing', () => {
    expect(() => weightedShareOf(4, [0, 0], 0)).toThrow('parts must be non-negative with a positive sum. Received: [0,0]');
    expect(() => weightedShareOf(4, [1, -1, 2], 0)).toThrow('Received: [1,-1,2]');
  });

  it('BatchSchedule.next takes the parts', () => {
    const schedule = new BatchSchedule(64, 64, false);
    expect(schedule.next(2, 1, [36, 28])).toEqual({ rows: [36, 64], count: 28, batchSize: 64 });
  });
});
