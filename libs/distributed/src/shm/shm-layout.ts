import { Wasm, type WasmMemory } from '../wasm-api';

/**
 * Where things live in a shared-memory group's WebAssembly.Memory. Int32 indices for the control
 * block, byte offsets for the rest. After the control block, one arena per rank for arrays that
 * live in shared memory (ProcessGroupShm.allocate), which collectives read and write in place,
 * each starting on a cache line; then the data area of two buffers (alternate rounds use
 * alternate buffers, so a round never overwrites what a slower rank is still reading), each with
 * one slot per rank; then one small scratch area per rank where a rank sums a small all-reduce
 * for itself; last, one pair of offset tables per rank for the reducer (sources, destinations).
 */
export const MAX_RANKS = 256;
export const BELL = 0; // bumped and notified when the last rank reaches a barrier, and on abort
export const ABORT_STATE = 1; // 0 healthy, 1 being written, 2 published
export const ABORT_RANK = 2;
export const ABORT_OP = 3;
export const ABORT_REASON_BYTES = 4;
export const EPOCH_BASE = 16; // one arrival counter per rank
const HEADER_BASE = EPOCH_BASE + MAX_RANKS;
const HEADER_INTS = 4; // op code, length, root, byte offset of an arena array (or -1)
export const REASON_BYTE_OFFSET = 12288;
export const REASON_MAX_BYTES = 4096;
export const DATA_BYTE_OFFSET = 16384;
const PAGE_BYTES = 65536;
export const CACHE_LINE = 64;
const lineUp = (bytes: number) => Math.ceil(bytes / CACHE_LINE) * CACHE_LINE;

/**
 * Int32 index of `rank`'s collective header for barrier `epoch`. Headers alternate between two
 * sets: a fast rank may write the next one while a slow rank still reads this one.
 */
export function headerIndex(epoch: number, rank: number): number {
  return HEADER_BASE + ((epoch & 1) * MAX_RANKS + rank) * HEADER_INTS;
}

/** What every thread of a shared-memory group needs; it can be posted to worker threads. */
export interface ShmGroupHandle {
  memory: WasmMemory;
  size: number;
  slotBytes: number;
  arenaBytes: number;
}

/** Default per-rank slot: rounds move this many bytes per rank. */
export const DEFAULT_SLOT_BYTES = 4 << 20;

/**
 * Allocates the shared memory for a group of `size` threads: `slotBytes` per rank and round for
 * arrays copied through the group, and `arenaBytes` per rank for arrays allocated in it.
 */
export function createShmGroupHandle(size: number, slotBytes = DEFAULT_SLOT_BYTES, arenaBytes = 0): ShmGroupHandle {
  if (!Number.isInteger(size) || size < 1 || size > MAX_RANKS) {
    throw new Error(`A shared-memory group holds 1 to ${MAX_RANKS} ranks. Received: size=${size}`);
  }
  if (!Number.isInteger(slotBytes) || slotBytes < 64 || slotBytes % 16 !== 0) {
    throw new Error(`slotBytes must be a multiple of 16, at least 64. Received: slotBytes=${slotBytes}`);
  }
  if (!Number.isInteger(arenaBytes) || arenaBytes < 0 || arenaBytes % 16 !== 0) {
    throw new Error(`arenaBytes must be a non-negative multiple of 16. Received: arenaBytes=${arenaBytes}`);
  }
  const bytes = DATA_BYTE_OFFSET + size * (lineUp(arenaBytes) + 2 * slotBytes + scratchBytes(slotBytes) + tableBytes(size));
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > 65536) {
    throw new Error(`A shared-memory group is limited to 4 GiB; ${size} ranks x (2 x slotBytes + arenaBytes) is ${bytes} bytes`);
  }
  const memory = new Wasm.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, size, slotBytes, arenaBytes };
}

/** Bytes of a rank's scratch area: all-reduces up to this size take one barrier instead of two. */
export function scratchBytes(slotBytes: number): number {
  return Math.min(slotBytes, 64 * 1024);
}

/** Byte offset of `rank`'s arena; arenas start on cache lines. */
export function arenaOffset(handle: ShmGroupHandle, rank: number): number {
  return DATA_BYTE_OFFSET + rank * lineUp(handle.arenaBytes);
}

/** Byte offset of `rank`'s slot in data buffer `buffer` (0 or 1). */
export function slotOffset(handle: ShmGroupHandle, buffer: number, rank: number): number {
  return arenaOffset(handle, handle.size) + (buffer * handle.size + rank) * handle.slotBytes;
}

/** Byte offset of `rank`'s scratch area. */
export function scratchOffset(handle: ShmGroupHandle, rank: number): number {
  return slotOffset(handle, 2, 0) + rank * scratchBytes(handle.slotBytes);
}

/** Bytes of a rank's reducer tables: `size` source offsets, then `size` destination offsets (int32). */
function tableBytes(size: number): number {
  return lineUp(2 * size * 4);
}

/** Byte offset of `rank`'s source table; its destination table follows, `size` int32s on. */
export function tableOffset(handle: ShmGroupHandle, rank: number): number {
  return scratchOffset(handle, handle.size) + rank * tableBytes(handle.size);
}
