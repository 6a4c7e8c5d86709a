// BatchSchedule.skip puts a schedule where next() would have: a resumed fit draws the batches of an uninterrupted one.
import { BatchSchedule } from './batch-schedule';

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
