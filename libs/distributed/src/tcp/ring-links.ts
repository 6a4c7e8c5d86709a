import type { Socket } from 'node:net';
import type { FrameReader } from './frame';

/**
 * A rank's two ring connections: data goes to `next` and comes from `prev` (the same rank when
 * size is 2, over two sockets); `prevReader` already receives what `prev` reads.
 */
export interface RingLinks {
  next: Socket;
  prev: Socket;
  prevReader: FrameReader;
}
