import { createServer, type Server, type Socket } from 'node:net';
import { logger } from '@weft/logging';
import { receiveHello } from './handshake';

interface Request {
  id: number;
  op: 'set' | 'get' | 'add' | 'delete';
  key: string;
  value?: string;
  delta?: number;
  timeoutMs?: number;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The rendezvous key-value store (like torch's TCPStore), served by the coordinator or rank 0:
 * set, get (waits until the key exists), add (atomic counter), delete. Every connection must
 * present the group's token first; one that does not is refused and logged.
 */
export class StoreServer {
  private readonly values = new Map<string, string>();
  private readonly waiters = new Map<string, Array<(value: string) => void>>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listens on host:port (port 0: any free port; read it back from `.port`). */
  static listen(options: { host?: string; port?: number; token: string }): Promise<StoreServer> {
    const host = options.host ?? '127.0.0.1';
    const log = logger.child({ component: 'store' });
    let store: StoreServer | undefined;
    const server = createServer((socket) => {
      receiveHello(socket, options.token, HANDSHAKE_TIMEOUT_MS).then(
        (hello) => {
          if (hello.kind !== 'store') throw new Error(`a ${hello.kind} connection reached the store`);
          store!.serve(socket);
        },
        (err: Error) => {
          log.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, `store refused a connection: ${err.message}`);
          socket.destroy();
        },
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        const address = server.address();
        store = new StoreServer(server, host, typeof address === 'object' && address ? address.port : 0);
        resolve(store);
      });
    });
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    for (const timer of this.timers) clearTimeout(timer);
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket)).on('error', () => socket.destroy());
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        this.handle(socket, JSON.parse(line) as Request);
      }
    });
    socket.resume();
  }

  private handle(socket: Socket, request: Request): void {
    const reply = (body: Record<string, unknown>) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify({ id: request.id, ...body })}\n`);
    };
    switch (request.op) {
      case 'set':
        this.values.set(request.key, request.value ?? '');
        for (const wake of this.waiters.get(request.key) ?? []) wake(request.value ?? '');
        this.waiters.delete(request.key);
        return reply({});
      case 'add': {
        const value = String(Number(this.values.get(request.key) ?? '0') + (request.delta ?? 0));
        this.values.set(request.key, value);
        return reply({ value });
      }
      case 'delete':
        this.values.delete(request.key);
        return reply({});
      case 'get': {
        const value = this.values.get(request.key);
        if (value !== undefined) return reply({ value });
        const wake = (found: string) => {
          clearTimeout(timer);
          this.timers.delete(timer);
          reply({ value: found });
        };
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.waiters.set(request.key, (this.waiters.get(request.key) ?? []).filter((w) => w !== wake));
          reply({ error: `key '${request.key}' was not set within ${request.timeoutMs} ms` });
        }, request.timeoutMs ?? 0);
        this.timers.add(timer);
        this.waiters.set(request.key, [...(this.waiters.get(request.key) ?? []), wake]);
        return;
      }
      default:
        return reply({ error: `unknown store operation '${String(request.op)}'` });
    }
  }
}
