import { createServer, type Server, type Socket } from 'node:net';
import { rankLogger } from '@weft/logging';
import { CollectiveError } from '../errors';
import { DEFAULT_TIMEOUT_MS } from '../process-group';
import { resolveBindAddress } from './bind-address';
import { receiveHello } from './handshake';
import { connectReceiver } from './receiver-link';
import { ProcessGroupTcp } from './process-group-tcp';
import { StoreClient } from './store-client';
import { StoreServer } from './store-server';

export interface TcpGroupOptions {
  rank: number;
  size: number;
  /** Where the rendezvous store listens (MASTER_ADDR, MASTER_PORT). */
  masterAddr: string;
  masterPort: number;
  /** Shared secret every connection must present. */
  token: string;
  /** Address or interface name this rank listens on for its ring link; default loopback. */
  host?: string;
  /** Whether this rank serves the store; default: rank 0 does, unless a coordinator serves it. */
  serveStore?: boolean;
  /** Keys are prefixed with it, so that several groups (or restarts) can share a store. */
  groupName?: string;
  /** Rendezvous timeout, and the default timeout of every collective. */
  timeoutMs?: number;
  chunkBytes?: number;
}

/**
 * Builds a TCP process group: each rank publishes its listening address in the store, connects
 * to the next rank and accepts the previous one, both with the token.
 */
export async function createTcpGroup(options: TcpGroupOptions): Promise<ProcessGroupTcp> {
  const { rank, size, token } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (size === 1) return new ProcessGroupTcp({ rank, size, links: null, store: null, owned: [], timeoutMs });
  if (!token) throw new Error('A TCP process group needs a shared token (WEFT_DIST_TOKEN); received an empty one');
  const deadline = Date.now() + timeoutMs;
  const owned: Array<{ close(): void }> = [];
  const fail = (reason: string) => new CollectiveError('rendezvous', rank, reason);
  try {
    if (options.serveStore ?? rank === 0) {
      owned.push(await StoreServer.listen({ host: options.masterAddr, port: options.masterPort, token }));
    }
    const store = await StoreClient.connect({
      host: options.masterAddr,
      port: options.masterPort,
      token,
      rank,
      timeoutMs,
    }).catch((err: Error) => {
      throw fail(err.message);
    });
    owned.push(store);
    const host = resolveBindAddress(options.host);
    const prevRank = (rank + size - 1) % size;
    const nextRank = (rank + 1) % size;
    // Each rank accepts the next rank (it sends to it) and connects to the previous one (it
    // receives from it): the receiving end is the client, so it can read with `onread`.
    const { server, port, next: accepted } = await listenForNext(host, rank, nextRank, token, deadline);
    owned.push({ close: () => server.close() });
    const key = (r: number) => `${options.groupName ?? 'default'}/addr/${r}`;
    await store.set(key(rank), JSON.stringify({ host, port }));
    const prevAddress = await store.get(key(prevRank), Math.max(1, deadline - Date.now())).catch(() => {
      throw fail(`rank ${prevRank} did not join within ${timeoutMs} ms`);
    });
    const prev = await connectReceiver(
      JSON.parse(prevAddress),
      { kind: 'peer', rank },
      token,
      Math.max(1, deadline - Date.now()),
    ).catch((err: Error) => {
      throw fail(`could not connect to rank ${prevRank}: ${err.message}`);
    });
    const next = await accepted.catch((err: Error) => {
      prev.socket.destroy();
      throw fail(err.message);
    });
    server.close();
    owned.splice(owned.indexOf(store), 1);
    return new ProcessGroupTcp({
      rank,
      size,
      links: { next, prev: prev.socket, prevReader: prev.reader },
      store,
      owned,
      timeoutMs,
      chunkBytes: options.chunkBytes,
    });
  } catch (err) {
    for (const resource of owned) resource.close();
    throw err instanceof CollectiveError ? err : fail((err as Error).message);
  }
}

async function listenForNext(host: string, rank: number, nextRank: number, token: string, deadline: number) {
  const log = rankLogger(rank, { component: 'rendezvous' });
  let accept!: (socket: Socket) => void;
  let refuse!: (err: Error) => void;
  const next = new Promise<Socket>((resolve, reject) => {
    accept = resolve;
    refuse = reject;
  });
  const timer = setTimeout(
    () => refuse(new Error(`rank ${nextRank} did not connect within the rendezvous timeout`)),
    Math.max(0, deadline - Date.now()),
  );
  const server: Server = createServer((socket) => {
    receiveHello(socket, token, Math.max(1, deadline - Date.now())).then(
      (hello) => {
        if (hello.kind !== 'peer' || hello.rank !== nextRank) {
          throw new Error(`expected rank ${nextRank}, got a ${hello.kind} connection from rank ${hello.rank}`);
        }
        clearTimeout(timer);
        socket.setNoDelay(true);
        accept(socket);
      },
      (err: Error) => {
        log.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, `refused a connection: ${err.message}`);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, next };
}
