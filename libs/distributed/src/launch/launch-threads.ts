import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortShmGroup } from '../shm/shm-abort';
import { createShmGroupHandle } from '../shm/shm-layout';
import { StoreServer } from '../tcp/store-server';
import { collectOutcomes, rankChannel } from './outcome-collector';
import type { GroupSpec, LaunchOptions, RankOutcome, RankStart } from './rank-context';

export interface LaunchThreadsOptions<A> extends LaunchOptions<A> {
  /** 'shm' (default): one SharedArrayBuffer; 'tcp': loopback sockets, as between processes. */
  transport?: 'shm' | 'tcp';
  /** Shared-memory bytes per rank and round (see ProcessGroupShm). */
  slotBytes?: number;
  /** Shared-memory bytes per rank for ProcessGroupShm.allocate (default 0: plain arrays). */
  arenaBytes?: number;
}

export const RANK_ENTRY = join(__dirname, 'rank-entry.ts');
/** Loads TypeScript in threads and processes (see the workspace conventions), from any working directory. */
export const TS_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

/**
 * Runs `size` ranks as worker threads of this process, each calling the entry module's function
 * with its RankContext; resolves with every rank's outcome. A rank that throws or exits aborts
 * the group, so the others fail fast instead of waiting for their timeout.
 */
export async function launchThreads<A, R>(options: LaunchThreadsOptions<A>): Promise<RankOutcome<R>[]> {
  const { size } = options;
  const transport = options.transport ?? 'shm';
  let group: GroupSpec;
  let store: StoreServer | null = null;
  if (transport === 'shm') {
    group = { kind: 'shm', handle: createShmGroupHandle(size, options.slotBytes, options.arenaBytes), timeoutMs: options.groupTimeoutMs };
  } else {
    const token = randomBytes(16).toString('hex');
    store = await StoreServer.listen({ token });
    group = { kind: 'tcp', masterAddr: '127.0.0.1', masterPort: store.port, token, groupName: 'threads', timeoutMs: options.groupTimeoutMs };
  }
  const workers: Worker[] = [];
  const { settle, done } = collectOutcomes<R>(
    size,
    async () => {
      await Promise.all(workers.map((w) => w.terminate()));
      store?.close();
    },
    (rank, error) => {
      if (group.kind === 'shm') abortShmGroup(group.handle, rank, 'barrier', `rank ${rank} failed: ${error}`);
      options.onRankFailed?.(rank, error);
    },
    options.timeoutMs,
    options.failureGraceMs,
    options.signal,
  );
  for (let rank = 0; rank < size; rank++) {
    const start: RankStart = {
      rank,
      size,
      entry: options.entry,
      exportName: options.exportName ?? 'main',
      args: options.args,
      group,
    };
    const worker = new Worker(RANK_ENTRY, { workerData: start, execArgv: TS_EXEC_ARGV });
    workers.push(worker);
    worker.on('message', rankChannel<R>(rank, (message) => worker.postMessage(message), settle, options));
    worker.on('error', (err) => settle({ rank, ok: false, error: `rank ${rank} threw: ${err.message}` }));
    worker.on('exit', (code) => settle({ rank, ok: false, error: `rank ${rank} exited (code ${code}) before returning` }));
  }
  return done;
}
