import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';

/** What a connection is for: the rendezvous store, or a ring link between two ranks. */
export type ConnectionKind = 'store' | 'peer';

const MAGIC = 0x54464557; // 'WEFT', little-endian
const KINDS: ConnectionKind[] = ['store', 'peer'];
export const ACCEPT = 0x01;
const HELLO_FIXED_BYTES = 4 + 1 + 4 + 2;

export interface Hello {
  kind: ConnectionKind;
  rank: number;
}

/** The client's first message: magic, kind, rank, token. */
export function encodeHello(hello: Hello, token: string): Buffer {
  const tokenBytes = Buffer.from(token, 'utf8');
  const message = Buffer.alloc(HELLO_FIXED_BYTES + tokenBytes.length);
  message.writeUInt32LE(MAGIC, 0);
  message.writeUInt8(KINDS.indexOf(hello.kind), 4);
  message.writeUInt32LE(hello.rank, 5);
  message.writeUInt16LE(tokenBytes.length, 9);
  tokenBytes.copy(message, HELLO_FIXED_BYTES);
  return message;
}

/**
 * Client side: sends magic, kind, rank and the shared token, then waits for the accept byte. A
 * server that does not know the token closes the connection instead, which rejects here.
 */
export function sendHello(socket: Socket, hello: Hello, token: string, timeoutMs: number): Promise<void> {
  const message = encodeHello(hello, token);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer to the handshake within ${timeoutMs} ms`)), timeoutMs);
    const onData = (data: Buffer) => {
      if (data[0] === ACCEPT) {
        // The peer may already have written more (an abort frame): leave it for the new owner.
        if (data.length > 1) socket.unshift(data.subarray(1));
        finish();
      } else finish(new Error('the server answered the handshake with unexpected bytes'));
    };
    const onClose = () => finish(new Error('the server refused the connection (wrong token?)'));
    const onError = (err: Error) => finish(err);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onError);
      // Hold further bytes until the new owner listens: a flowing socket drops them.
      socket.pause();
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve();
    };
    socket.once('data', onData).once('close', onClose).once('error', onError);
    socket.write(message);
  });
}

/**
 * Server side: reads the client's hello; resolves with it when the token matches (after sending
 * the accept byte), rejects with the reason otherwise (the caller logs it and drops the socket).
 */
export function receiveHello(socket: Socket, token: string, timeoutMs: number): Promise<Hello> {
  const expected = Buffer.from(token, 'utf8');
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no handshake within ${timeoutMs} ms`)), timeoutMs);
    const onData = (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 4 && received.readUInt32LE(0) !== MAGIC) return finish(new Error('not a weft client'));
      if (received.length < HELLO_FIXED_BYTES) return;
      const tokenLength = received.readUInt16LE(9);
      if (received.length < HELLO_FIXED_BYTES + tokenLength) return;
      if (received.length > HELLO_FIXED_BYTES + tokenLength) return finish(new Error('bytes after the handshake'));
      const given = received.subarray(HELLO_FIXED_BYTES);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return finish(new Error('wrong token'));
      const kind = KINDS[received.readUInt8(4)];
      if (!kind) return finish(new Error('unknown connection kind'));
      socket.write(Buffer.from([ACCEPT]));
      finish(undefined, { kind, rank: received.readUInt32LE(5) });
    };
    const onClose = () => finish(new Error('closed during the handshake'));
    const onError = (err: Error) => finish(err);
    const finish = (err?: Error, hello?: Hello) => {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onError);
      socket.pause();
      if (err) reject(err);
      else resolve(hello!);
    };
    socket.on('data', onData).once('close', onClose).once('error', onError);
  });
}
