import { connect, type Socket } from 'node:net';
import { sendHello } from './handshake';

const RETRY_MS = 50;

/** A connection to the rendezvous StoreServer. */
export class StoreClient {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (value: string) => void; reject: (err: Error) => void }>();

  private constructor(private readonly socket: Socket) {
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const reply = JSON.parse(pending.slice(0, newline)) as { id: number; value?: string; error?: string };
        pending = pending.slice(newline + 1);
        const call = this.calls.get(reply.id);
        this.calls.delete(reply.id);
        if (reply.error !== undefined) call?.reject(new Error(reply.error));
        else call?.resolve(reply.value ?? '');
      }
    });
    const closed = (err?: Error) => {
      for (const call of this.calls.values()) call.reject(err ?? new Error('the store closed the connection'));
      this.calls.clear();
    };
    socket.on('close', () => closed()).on('error', closed);
    socket.resume();
  }

  /**
   * Connects to host:port, retrying while nothing listens yet (the store may start after this
   * rank), and presents the token.
   */
  static async connect(options: { host: string; port: number; token: string; rank: number; timeoutMs: number }) {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const socket = connect(options.port, options.host, () => {
            socket.off('error', reject);
            resolve(socket);
          });
          socket.once('error', reject);
        });
        socket.setNoDelay(true);
        await sendHello(socket, { kind: 'store', rank: options.rank }, options.token, Math.max(1, deadline - Date.now()));
        return new StoreClient(socket);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const retry = code === 'ECONNREFUSED' || code === 'ECONNRESET';
        if (!retry || Date.now() + RETRY_MS > deadline) {
          throw new Error(
            `could not reach the rendezvous store at ${options.host}:${options.port}: ${(err as Error).message}`,
          );
        }
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  set(key: string, value: string): Promise<string> {
    return this.call({ op: 'set', key, value });
  }

  /** The key's value, waiting up to timeoutMs for some client to set it. */
  get(key: string, timeoutMs: number): Promise<string> {
    return this.call({ op: 'get', key, timeoutMs });
  }

  async add(key: string, delta: number): Promise<number> {
    return Number(await this.call({ op: 'add', key, delta }));
  }

  delete(key: string): Promise<string> {
    return this.call({ op: 'delete', key });
  }

  close(): void {
    this.socket.end();
  }

  private call(request: Record<string, unknown>): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('the store connection is closed'));
      this.calls.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }
}
