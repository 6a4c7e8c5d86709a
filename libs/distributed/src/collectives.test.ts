import { join } from 'node:path';
import { launchProcesses } from './launch/launch-processes';
import { launchThreads } from './launch/launch-threads';
import type { RankOutcome } from './launch/rank-context';
import { serialReference, type CaseResults } from './testing/collective-cases';
import type { FailureReport } from './testing/failure-rank';

const CASES = join(__dirname, 'testing/collectives-rank.ts');
const FAILURES = join(__dirname, 'testing/failure-rank.ts');
const KINDS = ['sum', 'mean', 'broadcast', 'gathered', 'scattered', 'allocated', 'allocatedMean'] as const;

function expectMatchesSerial(size: number, outcomes: RankOutcome<CaseResults[]>[]): void {
  expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual(outcomes.map(() => 'ok'));
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    for (const result of outcome.value) {
      const reference = serialReference(size, outcome.rank, result.length);
      for (const kind of KINDS) {
        const got = result[kind];
        const want = reference[kind];
        expect({ rank: outcome.rank, length: result.length, kind, n: got.length }).toEqual({
          rank: outcome.rank,
          length: result.length,
          kind,
          n: want.length,
        });
        const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
        // Sums of small integers are exact; a mean may differ from sum / size in the last bit.
        expect(worst).toBeLessThanOrEqual(kind === 'mean' || kind === 'allocatedMean' ? 1e-4 : 0);
      }
    }
  }
}

/** Lengths: empty, one, odd, not divisible by the size, and more than one shared-memory round. */
const lengthsFor = (size: number) => [0, 1, 7, size * 5 + 1, 5003];
// Small slots and chunks make the awkward lengths span several rounds and pipeline chunks.
const SMALL = { slotBytes: 1024, arenaBytes: 65536, groupTimeoutMs: 10_000, timeoutMs: 30_000 };

describe.each(['shm', 'tcp'] as const)('collectives over %s between threads', (transport) => {
  it.each([1, 2, 3, 4])('match a serial reference for %i ranks', async (size) => {
    const outcomes = await launchThreads<{ lengths: number[] }, CaseResults[]>({
      ...SMALL,
      size,
      entry: CASES,
      args: { lengths: lengthsFor(size) },
      transport,
    });
    expectMatchesSerial(size, outcomes);
  });

  it('time out on every waiting rank when one rank never arrives', async () => {
    const outcomes = await launchThreads<{ timeoutMs: number }, FailureReport | 'absent'>({
      size: 3,
      entry: FAILURES,
      exportName: 'neverArrives',
      args: { timeoutMs: 400 },
      transport,
      timeoutMs: 20_000,
    });
    for (const outcome of outcomes.slice(0, 2)) {
      expect(outcome.ok).toBe(true);
      const report = (outcome as { value: FailureReport }).value;
      expect(report.error).toMatch(/allReduce failed on rank \d.*timed out/);
      expect(report.elapsedMs).toBeLessThan(3_000);
    }
  });

  it('fail on every rank when one rank exits while the others are in a collective', async () => {
    const outcomes = await launchThreads<{ timeoutMs: number }, FailureReport>({
      size: 3,
      entry: FAILURES,
      exportName: 'exitsWhileOthersWait',
      args: { timeoutMs: 20_000 },
      transport,
      timeoutMs: 30_000,
    });
    expect(outcomes[2].ok).toBe(false);
    for (const outcome of outcomes.slice(0, 2)) {
      const report = (outcome as { value: FailureReport }).value;
      expect(report.error).toMatch(/allReduce failed on rank 2/);
      expect(report.elapsedMs).toBeLessThan(10_000);
    }
  });

  it('fail on every rank, naming it, when one rank aborts', async () => {
    const outcomes = await launchThreads<unknown, FailureReport>({
      size: 3,
      entry: FAILURES,
      exportName: 'abortsGroup',
      transport,
      timeoutMs: 20_000,
    });
    for (const outcome of outcomes) {
      const report = (outcome as { value: FailureReport }).value;
      expect(report.error).toMatch(/failed on rank 0.*stopped by the test/);
    }
  });
});

describe('shared-memory arenas', () => {
  it('refuse a mix of allocated and ordinary arrays on every rank', async () => {
    const outcomes = await launchThreads<unknown, FailureReport>({
      size: 2,
      entry: FAILURES,
      exportName: 'mixesAllocate',
      arenaBytes: 1 << 17,
      timeoutMs: 20_000,
    });
    for (const outcome of outcomes) {
      expect((outcome as { value: FailureReport }).value.error).toMatch(/either every rank or none must use allocate/);
    }
  });
});

describe('collectives between processes over TCP', () => {
  it('match a serial reference for 4 ranks', async () => {
    const outcomes = await launchProcesses<{ lengths: number[] }, CaseResults[]>({
      size: 4,
      entry: CASES,
      args: { lengths: lengthsFor(4) },
      groupTimeoutMs: 10_000,
      timeoutMs: 30_000,
    });
    expectMatchesSerial(4, outcomes);
  });

  it('fail on every rank when one process exits in the middle of a collective', async () => {
    const outcomes = await launchProcesses<{ timeoutMs: number }, FailureReport>({
      size: 3,
      entry: FAILURES,
      exportName: 'exitsMidway',
      args: { timeoutMs: 20_000 },
      timeoutMs: 30_000,
    });
    expect(outcomes[2].ok).toBe(false);
    for (const outcome of outcomes.slice(0, 2)) {
      const report = (outcome as { value: FailureReport }).value;
      expect(report.error).toMatch(/allReduce failed on rank 2/);
      expect(report.elapsedMs).toBeLessThan(10_000);
    }
  });
});
