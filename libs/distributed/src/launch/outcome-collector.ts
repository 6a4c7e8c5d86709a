import { expose, wrap } from 'comlink';
import type { LaunchOptions, RankOutcome, RankReport } from './rank-context';
import { RpcEndpoint } from './rpc-endpoint';

/**
 * Gathers one outcome per rank (the first one counts); resolves when every rank has one, after
 * `stopAll` (ranks hold sockets and shared memory, so none is stopped while another still runs a
 * collective with it). `onFailure` hears each failure as it happens, to abort the group;
 * `failureGraceMs` after the first failure, ranks still running are reported failed and stopped;
 * so are they at once when `signal` aborts.
 */
export function collectOutcomes<R>(
  size: number,
  stopAll: () => Promise<void> | void,
  onFailure: (rank: number, error: string) => void,
  timeoutMs?: number,
  failureGraceMs?: number,
  signal?: AbortSignal,
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
      signal?.removeEventListener('abort', stopOnAbort);
      void Promise.resolve(stopAll()).then(() => resolveDone(outcomes as RankOutcome<R>[]));
    }
  };
  const stopOnAbort = () => {
    for (let rank = 0; rank < size; rank++) settle({ rank, ok: false, error: `rank ${rank} was stopped: ${String(signal!.reason)}` });
  };
  if (signal?.aborted) queueMicrotask(stopOnAbort);
  else signal?.addEventListener('abort', stopOnAbort, { once: true });
  return { settle, done };
}

/**
 * The launcher's end of one rank's channel: serves `options.serve(rank)` to the rank's calls and
 * makes the rank's exposed API a remote object (handed to `onReady` once the rank says it is ready),
 * both over comlink; the rank's outcome goes to `settle`. Returns the handler for what the rank posts.
 */
export function rankChannel<R>(
  rank: number,
  post: (message: unknown) => void,
  settle: (outcome: RankOutcome<R>) => void,
  options: Pick<LaunchOptions<unknown>, 'serve' | 'onReady'>,
): (report: RankReport) => void {
  const rankSide = new RpcEndpoint('rank', post);
  const served = new RpcEndpoint('launcher', post);
  const api = options.serve?.(rank);
  if (api) expose(api, served);
  return (report) => {
    if (report.type === 'rpc') {
      rankSide.deliver(report);
      served.deliver(report);
    } else if (report.type === 'ready') {
      options.onReady?.(rank, wrap(rankSide));
    } else {
      settle(report.ok ? { rank, ok: true, value: report.value as R } : { rank, ok: false, error: report.error ?? 'failed' });
    }
  };
}
