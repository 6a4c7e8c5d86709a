import { connect, type Socket } from 'node:net';
import { FrameReader } from './frame';
import { ACCEPT, encodeHello, type Hello } from './handshake';

/** Bytes per socket read: large reads into one reused buffer move about twice the bytes of 'data' events. */
const READ_BUFFER_BYTES = 4 << 20;

/**
 * Connects to the previous rank, the one this rank receives from. The socket reads with net's
 * `onread`: a frame's payload straight into where the current collective wants it (the caller's
 * array, or the reducer's memory), headers and anything else into one reused buffer whose bytes
 * the FrameReader copies; no Buffer is allocated per read.
 */
export function connectReceiver(
  address: { host: string; port: number },
  hello: Hello,
  token: string,
  timeoutMs: number,
): Promise<{ socket: Socket; reader: FrameReader }> {
  const reader = new FrameReader();
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  let accepted = false;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('error', finish).off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve({ socket, reader });
    };
    const onClose = () => finish(new Error('the peer refused the connection (wrong token?)'));
    const socket = connect({
      host: address.host,
      port: address.port,
      noDelay: true,
      onread: {
        buffer: () => (accepted ? reader.directTarget() : null) ?? readBuffer,
        callback: (bytes: number, buffer: Uint8Array) => {
          if (buffer !== readBuffer) {
            reader.advanceDirect(bytes);
            return true;
          }
          let data = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
          if (!accepted) {
            if (data[0] !== ACCEPT) {
              finish(new Error('the peer answered the handshake with unexpected bytes'));
              return false;
            }
            accepted = true;
            finish();
            data = data.subarray(1);
          }
          if (data.length > 0) reader.push(data);
          return true;
        },
      },
    });
    const timer = setTimeout(() => finish(new Error(`no answer to the handshake within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', finish).once('close', onClose);
    socket.once('connect', () => socket.write(encodeHello(hello, token)));
  });
}
