import type { Socket } from 'node:net';
import { rankLogger, type Logger } from '@weft/logging';
import { CollectiveError, OP_CODES, OP_NAMES, type CollectiveName } from '../errors';
import { DEFAULT_TIMEOUT_MS, ProcessGroup, type ReduceOp, type SumOrderRange } from '../process-group';
import { shardRange } from '../shard-range';
import { createReducer, type Reducer } from '../simd-reducer';
import { Wasm, type WasmMemory } from '../wasm-api';
import { encodeHeader, FRAME_ABORT, FRAME_DATA, FrameReader, type FrameHeader, type FrameSink } from './frame';
import type { RingLinks } from './ring-links';
import type { StoreClient } from './store-client';

/** Default pipeline chunk: small enough to keep every link busy, large enough to amortize a frame. */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;
const PAGE_BYTES = 65536;
const RECEIVED_AT = 0;

/** One receiving step of a ring schedule: the segment that arrives, and whether it is summed in or copied. */
interface RingStep {
  recv: number;
  reduce: boolean;
}

/** A ring schedule over a work buffer cut into segments (each sent in chunks). */
interface RingPlan {
  op: CollectiveName;
  /** The array the collective works in: chunks are sent from it and received into it. */
  work: Float32Array;
  total: number;
  segment: (index: number) => { start: number; end: number };
  /** The segment this rank sends first, or -1. */
  firstSend: number;
  steps: RingStep[];
  /** Whether a chunk received at step i goes on to the next rank. */
  forward: (step: number) => boolean;
  /** Step whose chunks get multiplied by `scale` once reduced (-1: none). */
  scaleStep: number;
  scale: number;
}

export interface TcpGroupParts {
  rank: number;
  size: number;
  links: RingLinks | null;
  store: StoreClient | null;
  /** Resources to close with the group (the store server rank 0 may serve, a listener). */
  owned: Array<{ close(): void }>;
  timeoutMs?: number;
  chunkBytes?: number;
}

/**
 * A process group over TCP: ranks form a ring, and collectives pipeline fixed-size chunks around
 * it (a ring all-reduce is a ring reduce-scatter then a ring all-gather). Chunks are sent straight
 * from the caller's array and received into it; a chunk to sum goes through a small wasm memory
 * where the SIMD reducer works.
 */
export class ProcessGroupTcp extends ProcessGroup {
  private readonly log: Logger;
  /** Two chunks: one received, one of this rank's own, summed by the reducer. */
  private readonly memory: WasmMemory;
  private readonly stagedAt: number;
  private readonly reducer: Reducer;
  private readonly links: RingLinks | null;
  private readonly prevReader: FrameReader;
  private readonly chunkFloats: number;
  private readonly nextRank: number;
  private readonly prevRank: number;
  private opSeq = 0;
  private lastOp: CollectiveName = 'rendezvous';
  private stopInFlight: ((err: CollectiveError) => void) | null = null;
  /** Why each link is gone; a collective fails only if it still needs that link. */
  private readonly closed: { next: CollectiveError | null; prev: CollectiveError | null } = { next: null, prev: null };
  private onLinkClosed: (() => void) | null = null;
  private released = false;

  constructor(private readonly parts: TcpGroupParts) {
    super(parts.rank, parts.size, parts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.log = rankLogger(parts.rank, { component: 'tcp-group' });
    this.chunkFloats = Math.max(4, Math.floor((parts.chunkBytes ?? DEFAULT_CHUNK_BYTES) / 16) * 4);
    this.stagedAt = RECEIVED_AT + this.chunkFloats * 4;
    const pages = Math.ceil((this.stagedAt + this.chunkFloats * 4) / PAGE_BYTES);
    this.memory = new Wasm.Memory({ initial: pages, maximum: pages });
    this.reducer = createReducer(this.memory, parts.rank);
    this.links = parts.links;
    this.nextRank = (parts.rank + 1) % parts.size;
    this.prevRank = (parts.rank + parts.size - 1) % parts.size;
    this.prevReader = this.links?.prevReader ?? new FrameReader();
    this.prevReader.onError = (err) => this.linkFailed(err);
    if (this.links) {
      // Only abort frames come back from the next rank.
      const nextReader = new FrameReader();
      nextReader.onError = (err) => this.linkFailed(err);
      nextReader.setSink(this.abortSink());
      this.links.next.on('data', (data: Buffer) => nextReader.push(data));
      this.links.next.resume();
      this.watch(this.links.next, 'next');
      this.watch(this.links.prev, 'prev');
    }
  }

  protected async doAllReduce(data: Float32Array, op: ReduceOp, deadline: number): Promise<void> {
    await this.reduceRing('allReduce', data, op, deadline);
  }

  /** Segment k travels the ring from rank k, each rank adding its own values to what arrives. */
  override sumOrder(data: Float32Array): SumOrderRange[] {
    const { size } = this;
    const ranges: SumOrderRange[] = [];
    for (let k = 0; k < size; k++) {
      const { start, end } = shardRange(data.length, size, k);
      if (end > start) ranges.push({ end, ranks: range(size).map((s) => mod(k + s, size)) });
    }
    return ranges;
  }

  protected async doBarrier(deadline: number): Promise<void> {
    // A one-element-per-rank all-reduce: no rank gets its result before every rank contributed.
    await this.reduceRing('barrier', new Float32Array(this.size), 'sum', deadline);
  }

  protected async doReduceScatter(input: Float32Array, output: Float32Array, op: ReduceOp, deadline: number) {
    const { rank, size } = this;
    const work = input.slice();
    // Shifted by one from the all-reduce schedule, so that rank r ends owning segment r.
    await this.runRing(
      {
        op: 'reduceScatter',
        work,
        total: input.length,
        segment: (k) => shardRange(input.length, size, k),
        firstSend: mod(rank - 1, size),
        steps: range(size - 1).map((s) => ({ recv: mod(rank - s - 2, size), reduce: true })),
        forward: (s) => s < size - 2,
        scaleStep: op === 'mean' ? size - 2 : -1,
        scale: 1 / size,
      },
      deadline,
    );
    const { start, end } = shardRange(input.length, size, rank);
    output.set(work.subarray(start, end));
  }

  protected async doAllGather(input: Float32Array, output: Float32Array, deadline: number) {
    const { rank, size } = this;
    const m = input.length;
    output.set(input, rank * m);
    await this.runRing(
      {
        op: 'allGather',
        work: output,
        total: m,
        segment: (k) => ({ start: k * m, end: (k + 1) * m }),
        firstSend: rank,
        steps: range(size - 1).map((s) => ({ recv: mod(rank - s - 1, size), reduce: false })),
        forward: (s) => s < size - 2,
        scaleStep: -1,
        scale: 1,
      },
      deadline,
    );
  }

  protected async doBroadcast(data: Float32Array, root: number, deadline: number) {
    const isRoot = this.rank === root;
    await this.runRing(
      {
        op: 'broadcast',
        work: data,
        total: data.length,
        segment: () => ({ start: 0, end: data.length }),
        firstSend: isRoot ? 0 : -1,
        steps: isRoot ? [] : [{ recv: 0, reduce: false }],
        forward: () => this.nextRank !== root,
        scaleStep: -1,
        scale: 1,
      },
      deadline,
    );
  }

  protected announce(error: CollectiveError): void {
    this.stopInFlight?.(error);
    if (!this.links || this.released) return;
    // Stop reading: the next read may be aimed straight at the caller's array, which is the
    // caller's again now that the collective failed.
    this.links.prev.pause();
    const payload = Buffer.from(JSON.stringify({ rank: error.rank, op: error.op, reason: error.reason }));
    const header = encodeHeader({
      kind: FRAME_ABORT,
      opCode: OP_CODES[error.op],
      opSeq: this.opSeq,
      total: 0,
      index: 0,
      payloadBytes: payload.length,
    });
    for (const socket of new Set([this.links.next, this.links.prev])) {
      if (socket.writable) socket.write(Buffer.concat([header, payload]));
    }
  }

  protected release(): void {
    this.released = true;
    this.stopInFlight?.(new CollectiveError(this.currentOp ?? this.lastOp, this.rank, 'the process group was destroyed'));
    if (this.links) for (const socket of [this.links.next, this.links.prev]) socket.destroy();
    this.parts.store?.close();
    for (const resource of this.parts.owned) resource.close();
  }

  /** Sum/mean all-reduce: ring reduce-scatter then ring all-gather, pipelined chunk by chunk. */
  private async reduceRing(op: CollectiveName, data: Float32Array, reduceOp: ReduceOp, deadline: number) {
    const { rank, size } = this;
    const steps = [
      ...range(size - 1).map((s) => ({ recv: mod(rank - s - 1, size), reduce: true })),
      ...range(size - 1).map((s) => ({ recv: mod(rank - s, size), reduce: false })),
    ];
    await this.runRing(
      {
        op,
        work: data,
        total: data.length,
        segment: (k) => shardRange(data.length, size, k),
        firstSend: rank,
        steps,
        forward: (s) => s < steps.length - 1,
        scaleStep: reduceOp === 'mean' ? size - 2 : -1,
        scale: 1 / size,
      },
      deadline,
    );
  }

  private runRing(plan: RingPlan, deadline: number): Promise<void> {
    const links = this.links;
    if (!links || this.size === 1) return Promise.resolve();
    const seq = ++this.opSeq;
    const opCode = OP_CODES[plan.op];
    this.lastOp = plan.op;
    const chunkFloats = this.chunkFloats;
    const chunksOf = (segment: number) => {
      const { start, end } = plan.segment(segment);
      return Math.ceil((end - start) / chunkFloats);
    };
    const chunkRange = (segment: number, chunk: number) => {
      const { start, end } = plan.segment(segment);
      const from = start + chunk * chunkFloats;
      return { from, count: Math.min(chunkFloats, end - from) };
    };
    const work = plan.work;
    const workBytes = new Uint8Array(work.buffer, work.byteOffset, work.byteLength);
    const memoryFloats = new Float32Array(this.memory.buffer);

    return new Promise<void>((resolve, reject) => {
      let sent = 0;
      let writesInFlight = 0;
      let step = 0;
      let chunk = 0;
      let received = 0;
      let settled = false;
      const expected = plan.steps.reduce((n, s) => n + chunksOf(s.recv), 0);
      const sends =
        (plan.firstSend >= 0 ? chunksOf(plan.firstSend) : 0) +
        plan.steps.reduce((n, s, i) => n + (plan.forward(i) ? chunksOf(s.recv) : 0), 0);
      const checkLinks = () => {
        const { prev, next } = this.closed;
        if (received < expected && prev) finish(prev.seenBy(this.rank, plan.op));
        else if ((sent < sends || writesInFlight > 0) && next) finish(next.seenBy(this.rank, plan.op));
      };

      const finish = (err?: CollectiveError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.stopInFlight = null;
        this.onLinkClosed = null;
        this.prevReader.setSink(null);
        if (err) reject(err);
        else resolve();
      };
      const maybeDone = () => {
        if (received === expected && writesInFlight === 0) finish();
      };
      const send = (segment: number, c: number) => {
        const { from, count } = chunkRange(segment, c);
        const header = encodeHeader({
          kind: FRAME_DATA,
          opCode,
          opSeq: seq,
          total: plan.total,
          index: sent++,
          payloadBytes: count * 4,
        });
        // Zero-copy: the bytes are not touched again before the write completes, and the
        // collective does not finish before every write has.
        const payload = Buffer.from(work.buffer, work.byteOffset + from * 4, count * 4);
        writesInFlight++;
        links.next.cork();
        links.next.write(header);
        links.next.write(payload, (err) => {
          writesInFlight--;
          if (err) finish(this.linkError(plan.op, this.nextRank, err));
          else maybeDone();
        });
        links.next.uncork();
      };
      const skipEmptySteps = () => {
        while (step < plan.steps.length && chunk >= chunksOf(plan.steps[step].recv)) {
          step++;
          chunk = 0;
        }
      };

      const sink: FrameSink = {
        begin: (h: FrameHeader) => {
          skipEmptySteps();
          if (step >= plan.steps.length) throw this.mismatch(plan, h, 'an extra frame');
          const { recv, reduce } = plan.steps[step];
          const { from, count } = chunkRange(recv, chunk);
          if (h.kind !== FRAME_DATA || h.opCode !== opCode || h.opSeq !== seq) {
            throw this.mismatch(plan, h, `${OP_NAMES[h.opCode] ?? 'an unknown collective'}`);
          }
          if (h.total !== plan.total) throw this.mismatch(plan, h, `${plan.op} on ${h.total} elements`);
          if (h.index !== received || h.payloadBytes !== count * 4) throw this.mismatch(plan, h, 'a frame out of order');
          if (reduce) return new Uint8Array(this.memory.buffer, RECEIVED_AT, count * 4);
          return workBytes.subarray(from * 4, (from + count) * 4);
        },
        end: () => {
          const { recv, reduce } = plan.steps[step];
          const { from, count } = chunkRange(recv, chunk);
          if (reduce) {
            // Sum in wasm memory, where the SIMD reducer works: this rank's chunk in, the sum out.
            const local = this.stagedAt;
            memoryFloats.set(work.subarray(from, from + count), local / 4);
            this.reducer.add(local, RECEIVED_AT, count);
            if (step === plan.scaleStep) this.reducer.scale(local, count, plan.scale);
            work.set(memoryFloats.subarray(local / 4, local / 4 + count), from);
          }
          if (plan.forward(step)) send(recv, chunk);
          received++;
          chunk++;
          // What follows on the link belongs to the next collective: leave it queued.
          if (received === expected) this.prevReader.setSink(null);
          maybeDone();
        },
      };

      const left = deadline - Date.now();
      const timer = setTimeout(() => {
        const waitingFor =
          received < expected
            ? `data from rank ${this.prevRank} (${received} of ${expected} chunks arrived)`
            : `rank ${this.nextRank} to take the data sent to it`;
        finish(
          new CollectiveError(
            plan.op,
            this.rank,
            `timed out after ${left} ms waiting for ${waitingFor}; a rank did not reach ${plan.op} or stalled`,
          ),
        );
      }, Math.max(0, left));
      this.stopInFlight = finish;
      // A closed link or an abort that arrived while idle fails the collective at once.
      if (this.failure) return finish(this.failure);
      const aborts = this.abortSink();
      const abortAware: FrameSink = {
        begin: (h) => (h.kind === FRAME_ABORT ? aborts.begin(h) : sink.begin(h)),
        end: (h) => (h.kind === FRAME_ABORT ? aborts.end(h) : sink.end(h)),
      };
      if (plan.firstSend >= 0) for (let c = 0; c < chunksOf(plan.firstSend); c++) send(plan.firstSend, c);
      if (received < expected) this.prevReader.setSink(abortAware);
      this.onLinkClosed = checkLinks;
      checkLinks();
      maybeDone();
    });
  }

  /** A sink for the link to `next`, where only abort frames should ever arrive. */
  private abortSink(): FrameSink {
    let body: Uint8Array | null = null;
    return {
      begin: (h) => {
        if (h.kind !== FRAME_ABORT) throw new Error(`rank ${this.nextRank} sent data the wrong way round the ring`);
        body = new Uint8Array(h.payloadBytes);
        return body;
      },
      end: () => {
        const { rank, op, reason } = JSON.parse(Buffer.from(body!).toString('utf8')) as {
          rank: number;
          op: CollectiveName;
          reason: string;
        };
        this.fail(new CollectiveError(op, rank, reason, this.rank));
      },
    };
  }

  private watch(socket: Socket, side: 'next' | 'prev'): void {
    const peer = side === 'next' ? this.nextRank : this.prevRank;
    const gone = (error: CollectiveError) => {
      if (this.released || this.closed[side]) return;
      this.closed[side] = error;
      this.onLinkClosed?.();
    };
    socket.on('error', (err) => gone(this.linkError(this.currentOp ?? this.lastOp, peer, err)));
    socket.on('close', () =>
      gone(new CollectiveError(this.currentOp ?? this.lastOp, peer, `rank ${peer} closed its connection`, this.rank)),
    );
  }

  private linkError(op: CollectiveName, peer: number, err: Error): CollectiveError {
    return new CollectiveError(op, peer, `connection to rank ${peer} failed: ${err.message}`, this.rank);
  }

  private linkFailed(err: Error): void {
    if (this.released) return;
    const error = err instanceof CollectiveError ? err : new CollectiveError(this.currentOp ?? this.lastOp, this.rank, err.message);
    this.log.debug({ err: error.message }, 'ring link failed');
    this.fail(error);
  }

  private mismatch(plan: RingPlan, h: FrameHeader, what: string): CollectiveError {
    return new CollectiveError(
      plan.op,
      this.rank,
      `rank ${this.prevRank} sent ${what} (frame ${h.index} of collective #${h.opSeq}) while rank ${this.rank} ` +
        `runs ${plan.op} #${this.opSeq} on ${plan.total} elements: every rank must call the same collectives ` +
        'in the same order on the same lengths',
    );
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i);
}
