import { availableParallelism } from 'node:os';
import { rankLogger } from '@weft/logging';
import { PhaseClock, type CollectivePhases } from '../collective-phases';
import { CollectiveError, OP_CODES, OP_NAMES, type CollectiveName } from '../errors';
import { DEFAULT_TIMEOUT_MS, ProcessGroup, type ReduceOp } from '../process-group';
import { shardRange } from '../shard-range';
import { createReducer, type Reducer } from '../simd-reducer';
import { CoreContention } from './core-contention';
import { abortShmGroup, readShmAbort } from './shm-abort';
import {
  arenaOffset,
  BELL,
  CACHE_LINE,
  EPOCH_BASE,
  headerIndex,
  scratchBytes,
  scratchOffset,
  slotOffset,
  tableOffset,
  type ShmGroupHandle,
} from './shm-layout';

/**
 * How long a rank spins before it sleeps in Atomics.wait, when the group's ranks have the cores
 * to themselves. Waking a sleeping thread takes tens of microseconds (more in a VM, where the idle
 * core must be woken too): with a short spin, two ranks fall into a rhythm where each barrier
 * costs a wake-up (a 2-rank barrier loop: 38 us a barrier with a 0.02 ms spin, 3 us with 0.05 ms
 * or more). After 1 ms a wake-up adds a few percent to the wait.
 */
const SPIN_MS = 1;
/**
 * The spin while other threads want the cores: there a long spin takes the core a descheduled
 * partner is waiting for (2 ranks on a 2-core machine running 8 other threads: 2.4 ms an
 * all-reduce of 1 MB with the 1 ms spin, 0.35 ms with this one).
 */
const BUSY_SPIN_MS = 0.02;
const WAIT_SLICE_MS = 100;
const LINE_FLOATS = CACHE_LINE / 4;

/** The arena bytes allocate(length) takes: the floats, rounded up to 16 bytes. */
export function arenaBytesOf(length: number): number {
  return Math.ceil((length * 4) / 16) * 16;
}

/**
 * A process group of worker threads sharing one WebAssembly.Memory (a SharedArrayBuffer). Data
 * moves through per-rank slots in rounds: every rank copies its chunk in, an Atomics barrier,
 * each rank sums its shard of the chunk across all slots with the SIMD reducer (reduce-scatter),
 * a barrier, every rank copies all shards out (all-gather). Arrays from allocate() are reduced
 * in place: each rank sums its shard of every rank's array and writes the sum into every rank's
 * array in the same pass, between two barriers. Small all-reduces need one barrier. A rank waits
 * with a spin, then Atomics.wait: its thread's event loop is blocked while it waits in a collective.
 */
export class ProcessGroupShm extends ProcessGroup {
  private readonly control: Int32Array;
  private readonly floats: Float32Array;
  private readonly reducer: Reducer;
  private readonly slotFloats: number;
  /** Null where ranks outnumber cores: then a rank never spins. */
  private readonly contention: CoreContention | null;
  private readonly clock = new PhaseClock();
  private epoch = 0;
  private buffer = 0;
  /** Next free byte of this rank's arena. */
  private arenaUsed = 0;
  private arenaShortWarned = false;

  constructor(
    private readonly handle: ShmGroupHandle,
    rank: number,
    options: { timeoutMs?: number } = {},
  ) {
    super(rank, handle.size, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.control = new Int32Array(handle.memory.buffer);
    this.floats = new Float32Array(handle.memory.buffer);
    this.reducer = createReducer(handle.memory, rank);
    this.slotFloats = handle.slotBytes / 4;
    // Spinning only pays while every rank has a core of its own.
    this.contention = handle.size <= availableParallelism() ? new CoreContention(handle.size) : null;
    this.failure = readShmAbort(handle, rank);
  }

  /**
   * A zeroed array in this rank's arena of the group's shared memory when it has room (else an
   * ordinary one): an all-reduce of such arrays on every rank reads and writes them in place, one
   * pass and no copies. Arrays start 16 bytes apart at least (a SIMD lane), the first on a cache line.
   */
  override allocate(length: number): Float32Array {
    const bytes = arenaBytesOf(length);
    if (this.arenaUsed + bytes > this.handle.arenaBytes) {
      if (this.handle.arenaBytes > 0 && !this.arenaShortWarned) {
        this.arenaShortWarned = true;
        rankLogger(this.rank).warn(
          { bytes, arenaBytes: this.handle.arenaBytes, arenaUsed: this.arenaUsed },
          "an array does not fit the group's shared-memory arena: its all-reduce copies it in and out of the slots instead of working in place (slower); make arenaBytes larger",
        );
      }
      return super.allocate(length);
    }
    const at = arenaOffset(this.handle, this.rank) + this.arenaUsed;
    this.arenaUsed += bytes;
    return new Float32Array(this.handle.memory.buffer, at, length).fill(0);
  }

  /** Bytes of this rank's arena that allocate() has not handed out. */
  get arenaBytesFree(): number {
    return this.handle.arenaBytes - this.arenaUsed;
  }

  override phases(): CollectivePhases {
    return this.clock.read();
  }

  protected async doAllReduce(data: Float32Array, op: ReduceOp, deadline: number): Promise<void> {
    this.clock.start();
    if (data.length * 4 <= scratchBytes(this.handle.slotBytes)) return this.allReduceSmall(data, op, deadline);
    if (this.inArena(data)) return this.allReduceInPlace(data, op, deadline);
    const rounds = Math.max(1, Math.ceil(data.length / this.slotFloats));
    for (let round = 0; round < rounds; round++) {
      const offset = round * this.slotFloats;
      const length = Math.min(this.slotFloats, data.length - offset);
      const mine = this.slot(this.rank);
      this.floats.set(data.subarray(offset, offset + length), mine >> 2);
      this.clock.lap('copy');
      await this.sync('allReduce', round === 0 ? data.length : -1, 0, deadline);
      const { start, end } = shardRange(length, this.size, this.rank);
      this.reduce(this.slots(start), [mine + start * 4], end - start, op);
      await this.sync('allReduce', -1, 0, deadline);
      for (let owner = 0; owner < this.size; owner++) {
        const shard = shardRange(length, this.size, owner);
        const from = (this.slot(owner) >> 2) + shard.start;
        data.set(this.floats.subarray(from, from + shard.end - shard.start), offset + shard.start);
      }
      this.clock.lap('copy');
      this.buffer ^= 1;
    }
  }

  /**
   * A small all-reduce with one barrier: every rank sums all the slots itself, in rank order (so
   * every rank gets the same bits), where the large path splits the sums and needs a second
   * barrier before the copies out. Latency, not bandwidth, is what small all-reduces cost.
   */
  private async allReduceSmall(data: Float32Array, op: ReduceOp, deadline: number): Promise<void> {
    this.floats.set(data, this.slot(this.rank) >> 2);
    this.clock.lap('copy');
    await this.sync('allReduce', data.length, 0, deadline);
    // An array in this rank's arena takes the sums directly; the others read the slots, not it.
    const inArena = this.inArena(data);
    const sum = inArena ? data.byteOffset : scratchOffset(this.handle, this.rank);
    this.reduce(this.slots(0), [sum], data.length, op);
    if (!inArena) data.set(this.floats.subarray(sum >> 2, (sum >> 2) + data.length));
    this.clock.lap('copy');
    this.buffer ^= 1;
  }

  /**
   * All-reduce of arrays in the ranks' arenas: each rank sums its shard of every rank's array and
   * writes the sums into every rank's array in one pass (reduce-scatter and all-gather fused).
   * Shards are whole cache lines from the array's start: where the arrays start on a line (the
   * first in each arena does), two ranks never write the same line.
   */
  private async allReduceInPlace(data: Float32Array, op: ReduceOp, deadline: number): Promise<void> {
    const offsets = await this.sync('allReduce', data.length, 0, deadline, data.byteOffset);
    const lines = shardRange(Math.ceil(data.length / LINE_FLOATS), this.size, this.rank);
    const start = Math.min(data.length, lines.start * LINE_FLOATS);
    const end = Math.min(data.length, lines.end * LINE_FLOATS);
    const shard = offsets.map((offset) => offset + start * 4);
    this.reduce(shard, shard, end - start, op);
    // The others may still be writing into this rank's array, and the caller may write to it next.
    await this.sync('allReduce', -1, 0, deadline);
  }

  /**
   * Sums `count` floats from each source in rank order (times 1/size for a mean) into every
   * destination, in one pass of the reducer; offsets in bytes. Every all-reduce path sums through
   * here in rank order, so ProcessGroup.sumOrder's rank order holds for every length and array.
   */
  private reduce(sources: number[], destinations: number[], count: number, op: ReduceOp): void {
    if (count > 0) {
      const table = tableOffset(this.handle, this.rank);
      this.control.set(sources, table >> 2);
      this.control.set(destinations, (table >> 2) + this.size);
      const factor = op === 'mean' ? 1 / this.size : 1;
      this.reducer.reduceInto(table, sources.length, table + this.size * 4, destinations.length, count, factor);
    }
    this.clock.lap('reduce');
  }

  /** Byte offsets of float `start` in every rank's slot of the current buffer. */
  private slots(start: number): number[] {
    return Array.from({ length: this.size }, (_, peer) => this.slot(peer) + start * 4);
  }

  override reducesInPlace(data: Float32Array): boolean {
    return this.inArena(data);
  }

  private inArena(data: Float32Array): boolean {
    const start = arenaOffset(this.handle, this.rank);
    return (
      data.buffer === this.handle.memory.buffer &&
      data.byteOffset >= start &&
      data.byteOffset + data.byteLength <= start + this.handle.arenaBytes
    );
  }

  protected async doBroadcast(data: Float32Array, root: number, deadline: number): Promise<void> {
    this.clock.start();
    const chunk = this.slotFloats * this.size;
    const rounds = Math.max(1, Math.ceil(data.length / chunk));
    for (let round = 0; round < rounds; round++) {
      const offset = round * chunk;
      const length = Math.min(chunk, data.length - offset);
      const base = this.slot(0) >> 2;
      if (this.rank === root) this.floats.set(data.subarray(offset, offset + length), base);
      this.clock.lap('copy');
      await this.sync('broadcast', round === 0 ? data.length : -1, root, deadline);
      if (this.rank !== root) data.set(this.floats.subarray(base, base + length), offset);
      this.clock.lap('copy');
      this.buffer ^= 1;
    }
  }

  protected async doAllGather(input: Float32Array, output: Float32Array, deadline: number): Promise<void> {
    this.clock.start();
    const rounds = Math.max(1, Math.ceil(input.length / this.slotFloats));
    for (let round = 0; round < rounds; round++) {
      const offset = round * this.slotFloats;
      const length = Math.min(this.slotFloats, input.length - offset);
      this.floats.set(input.subarray(offset, offset + length), this.slot(this.rank) >> 2);
      this.clock.lap('copy');
      await this.sync('allGather', round === 0 ? input.length : -1, 0, deadline);
      for (let peer = 0; peer < this.size; peer++) {
        const from = this.slot(peer) >> 2;
        output.set(this.floats.subarray(from, from + length), peer * input.length + offset);
      }
      this.clock.lap('copy');
      this.buffer ^= 1;
    }
  }

  protected async doReduceScatter(
    input: Float32Array,
    output: Float32Array,
    op: ReduceOp,
    deadline: number,
  ): Promise<void> {
    this.clock.start();
    const shard = shardRange(input.length, this.size, this.rank);
    const rounds = Math.max(1, Math.ceil(input.length / this.slotFloats));
    for (let round = 0; round < rounds; round++) {
      const offset = round * this.slotFloats;
      const length = Math.min(this.slotFloats, input.length - offset);
      const mine = this.slot(this.rank);
      this.floats.set(input.subarray(offset, offset + length), mine >> 2);
      this.clock.lap('copy');
      await this.sync('reduceScatter', round === 0 ? input.length : -1, 0, deadline);
      // The part of this round's chunk that falls in this rank's shard.
      const start = Math.max(shard.start, offset) - offset;
      const end = Math.min(shard.end, offset + length) - offset;
      if (end > start) {
        this.reduce(this.slots(start), [mine + start * 4], end - start, op);
        const from = (mine >> 2) + start;
        output.set(this.floats.subarray(from, from + end - start), offset + start - shard.start);
        this.clock.lap('copy');
      }
      this.buffer ^= 1;
    }
  }

  protected async doBarrier(deadline: number): Promise<void> {
    this.clock.start();
    await this.sync('barrier', 0, 0, deadline);
  }

  protected announce(error: CollectiveError): void {
    abortShmGroup(this.handle, error.rank, error.op, error.reason);
  }

  protected release(): void {
    // The memory belongs to whoever created the handle; nothing is held per rank.
  }

  private slot(rank: number): number {
    return slotOffset(this.handle, this.buffer, rank);
  }

  /**
   * Arrives at the group's next barrier and waits for every rank. With `length` >= 0 (the first
   * round of a collective) the ranks also check that they all called the same collective on the
   * same length and root.
   */
  private async sync(
    op: CollectiveName,
    length: number,
    root: number,
    deadline: number,
    arenaByte = -1,
  ): Promise<number[]> {
    const { control, rank } = this;
    const epoch = ++this.epoch;
    if (length >= 0) {
      const header = headerIndex(epoch, rank);
      control[header] = OP_CODES[op];
      control[header + 1] = length;
      control[header + 2] = root;
      control[header + 3] = arenaByte;
    }
    Atomics.store(control, EPOCH_BASE + rank, epoch);
    // Only the last to arrive rings: the others could not go on anyway, and waking them for each
    // arrival costs a round of wake-ups per rank where ranks share cores. (Two ranks arriving
    // together may both see everyone there, and both ring; neither can miss the other's arrival.)
    if (this.arrived(epoch)) {
      Atomics.add(control, BELL, 1);
      Atomics.notify(control, BELL);
    }
    await this.waitForAll(op, epoch, deadline);
    this.clock.lap('wait');
    return length >= 0 ? this.checkHeaders(op, epoch, length, root) : [];
  }

  private arrived(epoch: number): boolean {
    for (let peer = 0; peer < this.size; peer++) {
      if (Atomics.load(this.control, EPOCH_BASE + peer) - epoch < 0) return false;
    }
    return true;
  }

  private async waitForAll(op: CollectiveName, epoch: number, deadline: number): Promise<void> {
    if (this.contention) {
      // Spin before sleeping, long while the cores are the group's and briefly where a long spin
      // would steal the core a late partner needs.
      const spinUntil = performance.now() + (this.contention.busy() ? BUSY_SPIN_MS : SPIN_MS);
      do {
        for (let i = 0; i < 256; i++) if (this.arrived(epoch)) return;
      } while (performance.now() < spinUntil);
    }
    for (;;) {
      const bell = Atomics.load(this.control, BELL);
      if (this.arrived(epoch)) return;
      const aborted = readShmAbort(this.handle, this.rank);
      if (aborted) throw aborted;
      const left = deadline - Date.now();
      if (left <= 0) {
        const missing = [...Array(this.size).keys()].filter(
          (peer) => Atomics.load(this.control, EPOCH_BASE + peer) - epoch < 0,
        );
        throw new CollectiveError(
          op,
          this.rank,
          `timed out waiting for rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} to reach ${op}`,
        );
      }
      // A rank is a thread whose only job now is this collective: a blocking wait wakes within
      // microseconds where Atomics.waitAsync takes a trip through the event loop. Short slices
      // keep the deadline and aborts prompt.
      Atomics.wait(this.control, BELL, bell, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** Checks that all ranks called the same collective; returns their arena offsets. */
  private checkHeaders(op: CollectiveName, epoch: number, length: number, root: number): number[] {
    const offsets: number[] = [];
    for (let peer = 0; peer < this.size; peer++) {
      const header = headerIndex(epoch, peer);
      const [peerOp, peerLength, peerRoot] = [this.control[header], this.control[header + 1], this.control[header + 2]];
      if (peerOp !== OP_CODES[op] || peerLength !== length || peerRoot !== root) {
        throw new CollectiveError(
          op,
          this.rank,
          `rank ${peer} called ${OP_NAMES[peerOp]}(length ${peerLength}, root ${peerRoot}) ` +
            `while rank ${this.rank} called ${op}(length ${length}, root ${root}): every rank must call ` +
            'the same collectives in the same order on the same lengths',
        );
      }
      offsets.push(this.control[header + 3]);
    }
    const inArena = offsets.map((o) => o >= 0);
    if (inArena.some((a) => a !== inArena[this.rank])) {
      const odd = inArena.findIndex((a) => a !== inArena[0]);
      throw new CollectiveError(
        op,
        this.rank,
        `rank ${odd} passed ${inArena[odd] ? 'an array from group.allocate()' : 'an ordinary array'} and rank 0 ` +
          `${inArena[0] ? 'one from group.allocate()' : 'an ordinary one'}: either every rank or none must use allocate()`,
      );
    }
    return offsets;
  }
}
