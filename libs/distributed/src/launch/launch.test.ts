// The launchers: ranks and their launcher call each other over comlink (RankContext.expose and
// launcher(), LaunchOptions.serve and onReady), typed arrays intact, over threads and processes
// alike; and a failure stops ranks that would otherwise run on (failureGraceMs).
import { join } from 'node:path';
import type { Remote } from 'comlink';
import { launchProcesses, launchThreads } from '../index';

const ENTRY = join(__dirname, '..', 'testing', 'echo-rank.ts');

interface EchoRank {
  double(x: number): number;
  finish(): void;
}

it.each([
  ['threads', launchThreads],
  ['processes', launchProcesses],
] as const)('ranks and launcher call each other, typed arrays intact, over %s', async (_kind, launch) => {
  const heard: unknown[] = [];
  const doubled: number[] = [];
  const outcomes = await launch<unknown, unknown[]>({
    size: 2,
    entry: ENTRY,
    serve: () => ({
      hello(rank: number, n: number, data?: Float32Array) {
        heard.push({ rank, n, data });
        return { to: rank, echo: n };
      },
    }),
    onReady: (rank, remote) => {
      const echo = remote as Remote<EchoRank>;
      void echo.double(10).then((x) => {
        doubled[rank] = x;
        return echo.finish();
      });
    },
  });
  expect(outcomes).toEqual([
    { rank: 0, ok: true, value: [{ to: 0, echo: 1 }, { to: 0, echo: 2 }] },
    { rank: 1, ok: true, value: [{ to: 1, echo: 1 }, { to: 1, echo: 2 }] },
  ]);
  expect(doubled).toEqual([20, 21]);
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

it.each([
  ['threads', launchThreads],
  ['processes', launchProcesses],
] as const)('an aborted signal stops hung ranks at once, each reported with the reason (%s)', async (_kind, launch) => {
  const controller = new AbortController();
  let ready = 0;
  let abortedAt = 0;
  const onReady = () => {
    if (++ready < 2) return;
    // Both ranks are hung by now.
    setTimeout(() => {
      abortedAt = Date.now();
      controller.abort('given up by the test');
    }, 300);
  };
  const entry = join(__dirname, '..', 'testing', 'failure-rank.ts');
  const outcomes = await launch({ size: 2, entry, exportName: 'hangsForever', signal: controller.signal, onReady });
  expect(outcomes).toEqual([
    { rank: 0, ok: false, error: 'rank 0 was stopped: given up by the test' },
    { rank: 1, ok: false, error: 'rank 1 was stopped: given up by the test' },
  ]);
  expect(Date.now() - abortedAt).toBeLessThan(5000);
});
