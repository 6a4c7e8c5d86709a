import type { LaunchOptions, RankOutcome, RankReport } from './rank-context';

/**
 * Gathers one outcome per rank (the first one counts); resolves when every rank has one, after
 * `stopAll` (ranks hold sockets and shared memory, so none is stopped while another still runs a
 * collective with it). `onFailure` hears each failure as it happens, to abort the group;
 * `failureGraceMs` after the first failure, ranks still running are reported failed and stopped.
 */
export function collectOutcomes<R>(
  size: number,
  stopAll: () => Promise<void> | void,
  onFailure: (rank: number, error: string) => void,
  timeoutMs?: number,
  failureGraceMs?: number,
): { settle: (outcome: RankOutcome<R>) => void; done: Promise<RankOutcome<R>[]> } {
  const outcomes: Array<RankOutcome<R> | undefined> = new Array(size);
  let left = size;
  let resolveDone!: (outcomes: RankOutcome<R>[]) => void;
  const done = new Promise<RankOutcome<R>[]>((resolve) => (resolveDone = resolve));
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          for (let rank = 0; rank < size; rank++) {
            settle({ rank, ok: false, error: `rank ${rank} did not finish within ${timeoutMs} ms` });
          }
        }, timeoutMs);
  let grace: NodeJS.Timeout | undefined;
  const settle = (outcome: RankOutcome<R>) => {
    if (outcomes[outcome.rank]) return;
    outcomes[outcome.rank] = outcome;
    if (!outcome.ok) {
      onFailure(outcome.rank, outcome.error);
      if (failureGraceMs !== undefined && grace === undefined) {
        // A rank busy outside any collective would never hear of the failure: stop it.
        grace = setTimeout(() => {
          for (let rank = 0; rank < size; rank++) {
            settle({ rank, ok: false, error: `rank ${rank} was still running ${failureGraceMs} ms after rank ${outcome.rank} failed` });
          }
        }, failureGraceMs);
      }
    }
    if (--left === 0) {
      clearTimeout(timer);
      clearTimeout(grace);
      void Promise.resolve(stopAll()).then(() => resolveDone(outcomes as RankOutcome<R>[]));
    }
  };
  return { settle, done };
}

/** Routes what a rank posts: messages to `onMessage` (with a reply to that rank), its outcome to `settle`. */
export function reportRouter<R>(
  rank: number,
  settle: (outcome: RankOutcome<R>) => void,
  reply: (message: unknown) => void,
  onMessage: LaunchOptions<unknown>['onMessage'],
): (report: RankReport) => void {
  return (report) => {
    if (report.type === 'message') onMessage?.(rank, report.message, reply);
    else settle(report.ok ? { rank, ok: true, value: report.value as R } : { rank, ok: false, error: report.error ?? 'failed' });
  };
}
