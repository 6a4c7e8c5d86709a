import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProcessGroupShm } from '../shm/process-group-shm';
import { createTcpGroup } from '../tcp/rendezvous';
import type { RankContext, RankMain, RankStart } from './rank-context';

/** Runs one rank (in a worker thread or a child process): its entry function, then reports. */
async function runRank(start: RankStart, report: (message: unknown) => void): Promise<void> {
  const { rank, size, group } = start;
  const context: RankContext = {
    rank,
    size,
    args: start.args,
    createGroup: async () =>
      group.kind === 'shm'
        ? new ProcessGroupShm(group.handle, rank, { timeoutMs: group.timeoutMs })
        : createTcpGroup({ ...group, rank, size, serveStore: false }),
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(start.entry)[start.exportName] as RankMain | undefined;
    if (typeof main !== 'function') {
      throw new Error(`${start.entry} does not export a function '${start.exportName}'`);
    }
    report({ ok: true, value: await main(context) });
  } catch (err) {
    report({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

if (!isMainThread && parentPort) {
  void runRank(workerData as RankStart, (message) => parentPort!.postMessage(message));
} else if (process.send) {
  process.once('message', (start: RankStart) => void runRank(start, (message) => process.send!(message)));
}
