import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { setLogRank } from '@weft/tensor';
import { ProcessGroupShm } from '../shm/process-group-shm';
import { createTcpGroup } from '../tcp/rendezvous';
import type { RankContext, RankMain, RankReport, RankStart } from './rank-context';

/** The launcher's side of a rank: posting reports and hearing its messages, for a thread or a process. */
interface Channel {
  post(report: RankReport): void;
  listen(handler: (message: unknown) => void): void;
}

/** Messages from the launcher, queued until the rank asks for them. */
function inbox(channel: Channel): { receive(): Promise<unknown>; start(): void } {
  const queued: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  let listening = false;
  const start = () => {
    if (listening) return;
    listening = true;
    channel.listen((message) => {
      const next = waiting.shift();
      if (next) next(message);
      else queued.push(message);
    });
  };
  return {
    start,
    receive() {
      start();
      return queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Runs one rank (in a worker thread or a child process): its entry function, then reports. */
async function runRank(start: RankStart, channel: Channel): Promise<void> {
  const { rank, size, group } = start;
  setLogRank(rank); // every log line of this thread or process names its rank (and goes to rank-<r>.log)
  const messages = inbox(channel);
  const context: RankContext = {
    rank,
    size,
    args: start.args,
    createGroup: async () =>
      group.kind === 'shm'
        ? new ProcessGroupShm(group.handle, rank, { timeoutMs: group.timeoutMs })
        : createTcpGroup({ ...group, rank, size, serveStore: false }),
    send: (message) => {
      // A rank that talks may hear back: listen before the reply can arrive.
      messages.start();
      channel.post({ type: 'message', message });
    },
    receive: () => messages.receive(),
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
  process.once('message', (start: RankStart) =>
    void runRank(start, {
      post: (report) => process.send!(report),
      listen: (handler) => process.on('message', handler),
    }),
  );
}
