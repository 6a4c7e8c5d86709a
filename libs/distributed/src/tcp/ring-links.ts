import type { Socket } from 'node:net';

/** A rank's two ring connections: data goes to `next` and comes from `prev` (the same rank when size is 2). */
export interface RingLinks {
  next: Socket;
  prev: Socket;
}
