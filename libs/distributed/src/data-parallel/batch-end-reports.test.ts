import { BatchEndReports } from './batch-end-reports';

it("sends a run's first batch end at once, then those of each interval together, and the rest on flush", () => {
  let now = 0;
  const sent: number[][] = [];
  const reports = new BatchEndReports((ends) => sent.push(ends.map((e) => e.step)), 50, () => now);
  const at = (ms: number, step: number) => {
    now = ms;
    reports.add({ step, size: 32, logs: {} });
  };
  at(0, 0);
  expect(sent).toEqual([[0]]);
  at(10, 1);
  at(49, 2);
  expect(sent).toEqual([[0]]);
  at(50, 3);
  expect(sent).toEqual([[0], [1, 2, 3]]);
  at(60, 4);
  at(70, 5);
  reports.flush();
  expect(sent).toEqual([[0], [1, 2, 3], [4, 5]]);
  // Nothing pending: nothing sent.
  reports.flush();
  expect(sent).toHaveLength(3);
  // The next run's first at once, however soon; then the interval again.
  at(71, 6);
  at(80, 7);
  expect(sent).toEqual([[0], [1, 2, 3], [4, 5], [6]]);
  at(121, 8);
  expect(sent).toEqual([[0], [1, 2, 3], [4, 5], [6], [7, 8]]);
});
