import type { TraceEvent } from './trace-event';
import { summarizeTrace } from './trace-summary';

/** A complete span at ms..ms+durMs on rank's main track. */
const span = (name: string, ms: number, durMs: number, rank = 0, track = 0): TraceEvent => ({
  name,
  ph: 'X',
  cat: 'test',
  ts: 1e15 + ms * 1000,
  dur: durMs * 1000,
  pid: rank + 1,
  tid: (rank + 1) * 1000 + track,
});

describe('summarizeTrace', () => {
  it('gives each category its self time inside the steps, over the step time', () => {
    // Two 100 ms steps on rank 0. Step 1: data 10, forward 30, backward 40 (a 15 ms all-reduce
    // inside it, so backward's own time is 25), wait 10; 10 ms uncovered. Step 2: forward 50,
    // optimizer 20, pack 5, unpack 5, a span of an unknown name 10; 10 ms uncovered.
    const events = [
      span('step', 0, 100),
      span('data', 0, 10),
      span('forward', 10, 30),
      span('backward', 40, 40),
      span('all-reduce', 60, 15),
      span('wait', 80, 10),
      span('step', 100, 100),
      span('forward', 100, 50),
      span('optimizer', 150, 20),
      span('pack', 170, 5),
      span('unpack', 175, 5),
      span('log-metrics', 180, 10),
      // Outside any step: in the totals, not in the shares.
      span('forward', 300, 1000),
      // On another track: overlapping work, not in the step's shares.
      span('all-reduce', 10, 80, 0, 1),
      { name: 'process_name', ph: 'M', ts: 0, pid: 1, tid: 1000, args: { name: 'rank zero' } },
    ] as TraceEvent[];
    const [rank0, ...others] = summarizeTrace(events.reverse());
    expect(others).toHaveLength(0);
    expect(rank0.rank).toBe(0);
    expect(rank0.label).toBe('rank zero');
    expect(rank0.steps).toBe(2);
    expect(rank0.stepMs).toBeCloseTo(200, 6);
    expect(rank0.meanStepMs).toBeCloseTo(100, 6);
    const step = 200;
    expect(rank0.shares.compute).toBeCloseTo((30 + 25 + 50 + 20) / step, 9);
    expect(rank0.shares.communication).toBeCloseTo((15 + 5 + 5) / step, 9);
    expect(rank0.shares.wait).toBeCloseTo(10 / step, 9);
    expect(rank0.shares.data).toBeCloseTo(10 / step, 9);
    expect(rank0.shares.other).toBeCloseTo((10 + 10 + 10) / step, 9);
    expect(Object.values(rank0.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(rank0.spans.forward).toEqual({ count: 3, totalMs: 1080, selfMs: 1080 });
    expect(rank0.spans.backward.totalMs).toBeCloseTo(40, 9);
    expect(rank0.spans.backward.selfMs).toBeCloseTo(25, 9);
    expect(rank0.spans['all-reduce']).toEqual({ count: 2, totalMs: 95, selfMs: 95 });
    expect(rank0.spans.step.selfMs).toBeCloseTo(20, 9);
  });

  it('one summary per rank, in rank order; a rank without steps has zero shares', () => {
    const events = [span('step', 0, 10, 1), span('wait', 0, 10, 1), span('forward', 0, 5, 0)];
    const [rank0, rank1] = summarizeTrace(events);
    expect([rank0.rank, rank1.rank]).toEqual([0, 1]);
    expect(rank0.label).toBe('rank 0');
    expect(rank0.steps).toBe(0);
    expect(rank0.shares).toEqual({ compute: 0, communication: 0, wait: 0, data: 0, other: 0 });
    expect(rank1.shares.wait).toBeCloseTo(1, 9);
  });
});
