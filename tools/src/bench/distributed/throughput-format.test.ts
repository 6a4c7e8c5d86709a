import { summarizeTrace, type TraceEvent } from '@weft/tensor';
import { stepSharesFromTrace } from './step-shares';
import { formatThroughputBench } from './throughput-format';
import { rowsOf } from './throughput-rows.fixture';

/** A span at ms..ms+durMs on rank's main track. */
const span = (name: string, ms: number, durMs: number, rank: number): TraceEvent => ({ name, ph: 'X', cat: 'test', ts: ms * 1000, dur: durMs * 1000, pid: rank + 1, tid: (rank + 1) * 1000 });

describe('throughput table columns', () => {
  it('without the optional fields: the base columns only', () => {
    const [header] = formatThroughputBench(rowsOf('tiny', 100, { 2: 0.9 })).split('\n');
    expect(header).toMatch(/start-up s\s+load$/);
    expect(header).not.toContain('coord CPU s');
  });

  it('prints coordinator CPU, MB/step and each rank\'s step shares when the rows have them, with their legend', () => {
    const [inProcess, two] = rowsOf('tiny', 100, { 2: 0.9 });
    two.coordinatorCpuSeconds = 1.234;
    two.coordinatorCpuShare = 0.0123;
    two.bytesPerStep = 3 * 2 ** 20;
    // Rank 0: 60 ms compute, 20 all-reduce, 15 wait, 5 data of a 100 ms step; rank 1: 70 compute, 20 all-reduce, 10 uncovered.
    const events = [
      span('step', 0, 100, 0), span('forward', 0, 30, 0), span('backward', 30, 30, 0), span('all-reduce', 60, 20, 0), span('wait', 80, 15, 0), span('data', 95, 5, 0),
      span('step', 0, 100, 1), span('forward', 0, 70, 1), span('pack', 70, 5, 1), span('all-reduce', 75, 10, 1), span('unpack', 85, 5, 1),
    ];
    two.stepShares = stepSharesFromTrace(summarizeTrace(events));
    expect(two.stepShares[0].compute).toBeCloseTo(0.6, 9);
    expect(two.stepShares[1].allReduce).toBeCloseTo(0.2, 9);
    expect(two.stepShares[0].other).toBeCloseTo(0.05, 9);
    expect(two.stepShares[1].other).toBeCloseTo(0.1, 9);

    const table = formatThroughputBench([inProcess, two]).split('\n');
    expect(table[0]).toMatch(/start-up s\s+coord CPU s\s+coord CPU %\s+MB\/step\s+compute %\s+all-reduce %\s+wait %\s+other %\s+load$/);
    expect(table[1]).toMatch(/0\.50\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+1\.5$/);
    expect(table[2]).toMatch(/0\.50\s+1\.23\s+1\.2\s+3\.00\s+60\/70\s+20\/20\s+15\/0\s+5\/10\s+1\.5$/);
    const legend = table.join('\n');
    expect(legend).toContain("coord CPU s: CPU seconds the coordinator's main thread spent over the fit");
    expect(legend).toContain("coord CPU %: the coordinator's main thread's CPU while the ranks trained the timed epochs");
    expect(legend).toContain('(rank 0/rank 1/...)');
  });

  it("names each data-parallel run's row split when some run was balanced", () => {
    const [inProcess, two] = rowsOf('tiny', 100, { 2: 0.9 });
    const table = formatThroughputBench([inProcess, { ...two, rowSplit: 'even' }, { ...two, rowSplit: 'balanced' }]).split('\n');
    expect(table[0]).toMatch(/start-up s\s+split\s+load$/);
    expect(table.slice(1, 4).map((line) => line.match(/(-|even|balanced)\s+[\d.]+$/)?.[1])).toEqual(['-', 'even', 'balanced']);
    expect(table.join('\n')).toContain("split: how a data-parallel run split each global batch");
  });
});
