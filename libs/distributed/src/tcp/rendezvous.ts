import { connect, createServer, type Server, type Socket } from 'node:net';
import { rankLogger } from '@weft/tensor';
import { CollectiveError } from '../errors';
import { DEFAULT_TIMEOUT_MS } from '../process-group';
import { resolveBindAddress } from './bind-address';
import { receiveHello, sendHello } from './handshake';
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
    const { server, port, prev } = await listenForPrev(host, rank, prevRank, token, deadline);
    owned.push({ close: () => server.close() });
    const key = (r: number) => `${options.groupName ?? 'default'}/addr/${r}`;
    await store.set(key(rank), JSON.stringify({ host, port }));
    const nextAddress = await store.get(key(nextRank), Math.max(1, deadline - Date.now())).catch(() => {
      throw fail(`rank ${nextRank} did not join within ${timeoutMs} ms`);
    });
    const next = await connectToNext(JSON.parse(nextAddress), rank, token, deadline).catch((err: Error) => {
      throw fail(`could not connect to rank ${nextRank}: ${err.message}`);
    });
    const prevSocket = await prev.catch((err: Error) => {
      next.destroy();
      throw fail(err.message);
    });
    server.close();
    owned.splice(owned.indexOf(store), 1);
    return new ProcessGroupTcp({ rank, size, links: { next, prev: prevSocket }, store, owned, timeoutMs, chunkBytes: options.chunkBytes });
  } catch (err) {
    for (const resource of owned) resource.close();
    throw err instanceof CollectiveError ? err : fail((err as Error).message);
  }
}

async function listenForPrev(host: string, rank: number, prevRank: number, token: string, deadline: number) {
  const log = rankLogger(rank, { component: 'rendezvous' });
  let accept!: (socket: Socket) => void;
  let refuse!: (err: Error) => void;
  const prev = new Promise<Socket>((resolve, reject) => {
    accept = resolve;
    refuse = reject;
  });
  const timer = setTimeout(
    () => refuse(new Error(`rank ${prevRank} did not connect within the rendezvous timeout`)),
    Math.max(0, deadline - Date.now()),
  );
  const server: Server = createServer((socket) => {
    receiveHello(socket, token, Math.max(1, deadline - Date.now())).then(
      (hello) => {
        if (hello.kind !== 'peer' || hello.rank !== prevRank) {
          throw new Error(`expected rank ${prevRank}, got a ${hello.kind} connection from rank ${hello.rank}`);
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
  return { server, port: typeof address === 'object' && address ? address.port : 0, prev };
}

async function connectToNext(
  address: { host: string; port: number },
  rank: number,
  token: string,
  deadline: number,
): Promise<Socket> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(address.port, address.host, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  await sendHello(socket, { kind: 'peer', rank }, token, Math.max(1, deadline - Date.now()));
  return socket;
}
