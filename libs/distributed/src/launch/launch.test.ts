// The launchers: ranks and their launcher talk both ways (RankContext.send/receive,
// LaunchOptions.onMessage), typed arrays intact, over threads and processes alike; and a failure
// stops ranks that would otherwise run on (failureGraceMs).
import { join } from 'node:path';
import { launchProcesses, launchThreads } from '../index';

const ENTRY = join(__dirname, '..', 'testing', 'echo-rank.ts');

it.each([
  ['threads', launchThreads],
  ['processes', launchProcesses],
] as const)('messages go both ways, in order, over %s', async (_kind, launch) => {
  const heard: unknown[] = [];
  const outcomes = await launch<unknown, unknown[]>({
    size: 2,
    entry: ENTRY,
    onMessage: (rank, message, reply) => {
      heard.push(message);
      reply({ to: rank, echo: (message as { n: number }).n });
    },
  });
  expect(outcomes).toEqual([
    { rank: 0, ok: true, value: [{ to: 0, echo: 1 }, { to: 0, echo: 2 }] },
    { rank: 1, ok: true, value: [{ to: 1, echo: 1 }, { to: 1, echo: 2 }] },
  ]);
  expect(heard).toHaveLength(4);
  expect(heard).toContainEqual({ rank: 1, n: 1, data: new Float32Array([1, 0.5]) });
});

it('stops ranks still running failureGraceMs after another failed', async () => {
  const started = Date.now();
  const outcomes = await launchThreads({
    size: 2,
    entry: join(__dirname, '..', 'testing', 'failure-rank.ts'),
    exportName: 'throwsWhileOthersSpin',
    failureGraceMs: 500,
  });
  expect(outcomes).toEqual([
    { rank: 0, ok: false, error: 'rank 0 gave up' },
    { rank: 1, ok: false, error: 'rank 1 was still running 500 ms after rank 0 failed' },
  ]);
  expect(Date.now() - started).toBeLessThan(10_000);
});
