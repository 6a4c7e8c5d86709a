import type { Remote } from 'comlink';
import { launchProcesses } from '../launch/launch-processes';
import { launchThreads } from '../launch/launch-threads';
import type { RankOutcome } from '../launch/rank-context';
import type { CoordinatorApi, ReplicaApi, ReplicaJob } from './fit-job';
import { RANK_FAILURE } from './replica-rank';

export interface ReplicasOptions {
  entry: string;
  size: number;
  transport: 'threads' | 'processes';
  job: ReplicaJob;
  timeoutMs: number;
  /** Shared-memory bytes per rank for the gradient buckets (threads). */
  arenaBytes: number;
  /** Each rank's extra environment (processes), e.g. its CUDA_VISIBLE_DEVICES. */
  envForRank?: (rank: number) => NodeJS.ProcessEnv;
  coordinator: CoordinatorApi;
}

/** How long ranks get to report their failures, or to stop, once one failed (at most the collectives' timeout). */
const STOP_GRACE_MS = 5000;

/** The first failure worth reporting: a rank's own (its cause) before the collective errors it caused. */
function rootCause(errors: unknown[]): Error {
  const asErrors = errors.map((e) => (e instanceof Error ? e : new Error(String(e))));
  const cause = asErrors.find((e) => e.name === RANK_FAILURE) ?? asErrors[0];
  return new Error(`DataParallel: ${cause.message}`);
}

/**
 * The coordinator's handle on a started set of data-parallel ranks: each rank's ReplicaApi as a
 * comlink remote, called on every rank at once. Control only: gradients never pass through here.
 * A rank that fails (throws, exits, is killed) fails the pending and later calls with its cause.
 */
export class Replicas {
  private readonly failed: Promise<never>;

  private constructor(
    private readonly remotes: Remote<ReplicaApi>[],
    private readonly outcomes: Promise<RankOutcome<null>[]>,
    failed: Promise<never>,
    private readonly stopper: AbortController,
    private readonly graceMs: number,
  ) {
    this.failed = failed;
  }

  /** Launches the ranks and resolves once every one has its replica ready. */
  static async start(options: ReplicasOptions): Promise<Replicas> {
    const remotes: Remote<ReplicaApi>[] = new Array(options.size);
    let ready = 0;
    let allReady!: () => void;
    let fail!: (error: Error) => void;
    const readyPromise = new Promise<void>((resolve) => (allReady = resolve));
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined); // observed by whoever awaits it
    const stopper = new AbortController();
    const launch = {
      signal: stopper.signal,
      size: options.size,
      entry: options.entry,
      args: options.job,
      groupTimeoutMs: options.timeoutMs,
      failureGraceMs: options.timeoutMs,
      serve: () => options.coordinator,
      onReady: (rank: number, remote: Remote<unknown>) => {
        remotes[rank] = remote as Remote<ReplicaApi>;
        if (++ready === options.size) allReady();
      },
      onRankFailed: (_rank: number, error: string) => fail(new Error(`DataParallel: ${error}`)),
    };
    const outcomes =
      options.transport === 'threads'
        ? launchThreads<ReplicaJob, null>({ ...launch, arenaBytes: options.arenaBytes })
        : launchProcesses<ReplicaJob, null>({ ...launch, envForRank: options.envForRank });
    const replicas = new Replicas(remotes, outcomes, failed, stopper, Math.min(options.timeoutMs, STOP_GRACE_MS));
    try {
      await Promise.race([readyPromise, failed]);
    } catch (err) {
      await replicas.close();
      throw err;
    }
    return replicas;
  }

  /**
   * Calls every rank at once; resolves with their answers, or rejects with the failure's cause:
   * once one rank's call fails, the others get a grace period to report theirs (a rank's own
   * failure comes before the collective errors it caused), not more (a stalled rank never answers).
   */
  async all<T>(call: (replica: Remote<ReplicaApi>, rank: number) => Promise<T>): Promise<T[]> {
    const errors: unknown[] = [];
    let firstError!: () => void;
    const failing = new Promise<void>((resolve) => (firstError = resolve));
    const calls = this.remotes.map((remote, rank) =>
      call(remote, rank).catch((err: unknown) => {
        errors.push(err);
        firstError();
        throw err;
      }),
    );
    const settled = Promise.allSettled(calls).then((results) => {
      if (errors.length > 0) throw rootCause(errors);
      return results.map((r) => (r as PromiseFulfilledResult<T>).value);
    });
    let over = false;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = failing
      .then(() => (over ? undefined : new Promise<void>((resolve) => (timer = setTimeout(resolve, this.graceMs)))))
      .then(() => {
        if (!over) throw rootCause(errors);
      });
    try {
      return await Promise.race([settled, this.failed, graceOver.then(() => settled)]);
    } finally {
      over = true;
      clearTimeout(timer);
      firstError(); // graceOver settles instead of pending forever
    }
  }

  /**
   * Stops every rank and waits until all threads or processes are gone: ranks that do not stop
   * within the grace period (stalled, or busy) are terminated or killed.
   */
  async close(): Promise<void> {
    for (const remote of this.remotes) void remote?.stop().catch(() => undefined);
    const timer = setTimeout(() => this.stopper.abort('it did not stop when asked (stalled?)'), this.graceMs);
    await this.outcomes;
    clearTimeout(timer);
  }
}
