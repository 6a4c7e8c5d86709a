/**
 * Messages on a ring link: a 24-byte header, then the payload. Data frames carry float32 bytes;
 * an abort frame carries JSON {rank, op, reason}, the failure being spread around the ring.
 */
export const HEADER_BYTES = 24;
export const FRAME_DATA = 1;
export const FRAME_ABORT = 2;

export interface FrameHeader {
  kind: number;
  opCode: number;
  opSeq: number;
  /** The collective's element count on the sender, checked against the receiver's. */
  total: number;
  /** Position of this frame among the collective's frames from this sender. */
  index: number;
  payloadBytes: number;
}

export function encodeHeader(h: FrameHeader): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES);
  out.writeUInt32LE(h.kind, 0);
  out.writeUInt32LE(h.opCode, 4);
  out.writeUInt32LE(h.opSeq >>> 0, 8);
  out.writeUInt32LE(h.total, 12);
  out.writeUInt32LE(h.index, 16);
  out.writeUInt32LE(h.payloadBytes, 20);
  return out;
}

function decodeHeader(b: Buffer): FrameHeader {
  return {
    kind: b.readUInt32LE(0),
    opCode: b.readUInt32LE(4),
    opSeq: b.readUInt32LE(8),
    total: b.readUInt32LE(12),
    index: b.readUInt32LE(16),
    payloadBytes: b.readUInt32LE(20),
  };
}

/** Receives frames: says where a frame's payload goes, then hears when it has arrived. */
export interface FrameSink {
  /** The bytes to fill with this frame's payload (exactly payloadBytes long); may throw. */
  begin(header: FrameHeader): Uint8Array;
  /** The payload is in place. */
  end(header: FrameHeader): void;
}

/**
 * Cuts a socket's byte stream into frames, putting payloads where the sink says. Bytes come
 * either copied from a read buffer (push) or read by the socket straight into directTarget()
 * (advanceDirect). While no sink is set (between collectives) bytes wait in a queue: a neighbour
 * may start the next collective first.
 */
export class FrameReader {
  private readonly queue: Buffer[] = [];
  private sink: FrameSink | null = null;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private current: FrameHeader | null = null;
  private target: Uint8Array | null = null;
  private targetFill = 0;

  /** Hears a sink's error (which also detaches the sink). */
  onError: (err: Error) => void = () => undefined;

  setSink(sink: FrameSink | null): void {
    this.sink = sink;
    while (this.sink && this.queue.length > 0) this.parse(this.queue.shift()!);
  }

  /** Takes bytes that are only valid during the call (a reused read buffer): queued ones are copied. */
  push(data: Buffer): void {
    if (this.sink && this.queue.length === 0) this.parse(data);
    else this.queue.push(Buffer.from(data));
  }

  /**
   * Where the next socket read can land with no copy: the rest of the current header, or of the
   * current payload; null while no collective listens or bytes wait in the queue.
   */
  directTarget(): Uint8Array | null {
    if (!this.sink || this.queue.length > 0) return null;
    if (!this.current) return this.header.subarray(this.headerFill);
    return this.target!.subarray(this.targetFill);
  }

  /** `bytes` were read straight into the last directTarget(). */
  advanceDirect(bytes: number): void {
    this.guard(() => {
      if (this.current) this.targetFill += bytes;
      else if ((this.headerFill += bytes) === HEADER_BYTES) this.startPayload();
      this.finishIfComplete();
    });
  }

  private parse(data: Buffer): void {
    let offset = 0;
    this.guard(() => {
      while (offset < data.length) {
        if (!this.sink) {
          this.queue.unshift(Buffer.from(data.subarray(offset)));
          return;
        }
        if (!this.current) {
          const take = Math.min(HEADER_BYTES - this.headerFill, data.length - offset);
          data.copy(this.header, this.headerFill, offset, offset + take);
          this.headerFill += take;
          offset += take;
          if (this.headerFill < HEADER_BYTES) return;
          this.startPayload();
        }
        const take = Math.min(this.current!.payloadBytes - this.targetFill, data.length - offset);
        this.target!.set(data.subarray(offset, offset + take), this.targetFill);
        this.targetFill += take;
        offset += take;
        this.finishIfComplete();
      }
    });
  }

  private startPayload(): void {
    this.headerFill = 0;
    this.current = decodeHeader(this.header);
    this.target = this.sink!.begin(this.current);
    this.targetFill = 0;
  }

  private finishIfComplete(): void {
    if (!this.current || this.targetFill < this.current.payloadBytes) return;
    const done = this.current;
    this.current = null;
    this.target = null;
    this.sink!.end(done);
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.sink = null;
      this.onError(err as Error);
    }
  }
}
