import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import { setLogRank } from '@weft/logging';
import { ProcessGroupShm } from '../shm/process-group-shm';
import { createTcpGroup } from '../tcp/rendezvous';
import type { RankContext, RankMain, RankReport, RankStart } from './rank-context';
import { RpcEndpoint, isRpcEnvelope } from './rpc-endpoint';

/** The launcher's side of a rank: posting reports and hearing its messages, for a thread or a process. */
interface Channel {
  post(report: RankReport): void;
  listen(handler: (message: unknown) => void): void;
}

/** Runs one rank (in a worker thread or a child process): its entry function, then reports. */
async function runRank(start: RankStart, channel: Channel): Promise<void> {
  const { rank, size, group } = start;
  setLogRank(rank); // every log line of this thread or process names its rank (and goes to rank-<r>.log)
  const served = new RpcEndpoint('rank', channel.post);
  const launcherSide = new RpcEndpoint('launcher', channel.post);
  channel.listen((message) => {
    if (!isRpcEnvelope(message)) return;
    served.deliver(message);
    launcherSide.deliver(message);
  });
  const context: RankContext = {
    rank,
    size,
    args: start.args,
    createGroup: async () =>
      group.kind === 'shm'
        ? new ProcessGroupShm(group.handle, rank, { timeoutMs: group.timeoutMs })
        : createTcpGroup({ ...group, rank, size, serveStore: false }),
    expose: (api) => {
      expose(api, served);
      channel.post({ type: 'ready' });
    },
    launcher: <T>() => wrap<T>(launcherSide),
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(start.entry)[start.exportName] as RankMain | undefined;
    if (typeof main !== 'function') {
      throw new Error(`${start.entry} does not export a function '${start.exportName}'`);
    }
    channel.post({ type: 'outcome', ok: true, value: await main(context) });
  } catch (err) {
    channel.post({ type: 'outcome', ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void runRank(workerData as RankStart, {
    post: (report) => port.postMessage(report),
    listen: (handler) => port.on('message', handler),
  });
} else if (process.send) {
  // A rank whose launcher is gone has no one to report to: it ends.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (start: RankStart) =>
    void runRank(start, {
      post: (report) => {
        // Errors of a send the closing channel cut short go to the callback (the 'disconnect' above ends the rank).
        if (process.connected) process.send!(report, () => undefined);
      },
      listen: (handler) => process.on('message', handler),
    }),
  );
}
