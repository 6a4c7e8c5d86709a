import { CollectiveError, OP_CODES, OP_NAMES, type CollectiveName } from '../errors';
import {
  ABORT_OP,
  ABORT_RANK,
  ABORT_REASON_BYTES,
  ABORT_STATE,
  BELL,
  REASON_BYTE_OFFSET,
  REASON_MAX_BYTES,
  type ShmGroupHandle,
} from './shm-layout';

/**
 * Marks the group failed in shared memory and wakes every waiting rank; the first abort wins.
 * Any thread may call it: a rank that failed, or the launcher when a rank's thread died.
 */
export function abortShmGroup(handle: ShmGroupHandle, rank: number, op: CollectiveName, reason: string): void {
  const control = new Int32Array(handle.memory.buffer);
  if (Atomics.compareExchange(control, ABORT_STATE, 0, 1) !== 0) return;
  const bytes = Buffer.from(reason, 'utf8').subarray(0, REASON_MAX_BYTES);
  new Uint8Array(handle.memory.buffer, REASON_BYTE_OFFSET, bytes.length).set(bytes);
  Atomics.store(control, ABORT_REASON_BYTES, bytes.length);
  Atomics.store(control, ABORT_RANK, rank);
  Atomics.store(control, ABORT_OP, OP_CODES[op]);
  Atomics.store(control, ABORT_STATE, 2);
  Atomics.add(control, BELL, 1);
  Atomics.notify(control, BELL);
}

/** The published abort, as seen by `reportedBy`, or null while the group is healthy. */
export function readShmAbort(handle: ShmGroupHandle, reportedBy: number): CollectiveError | null {
  const control = new Int32Array(handle.memory.buffer);
  if (Atomics.load(control, ABORT_STATE) !== 2) return null;
  const length = Atomics.load(control, ABORT_REASON_BYTES);
  const reason = Buffer.from(new Uint8Array(handle.memory.buffer, REASON_BYTE_OFFSET, length).slice()).toString('utf8');
  const op = OP_NAMES[Atomics.load(control, ABORT_OP)] ?? 'barrier';
  return new CollectiveError(op, Atomics.load(control, ABORT_RANK), reason, reportedBy);
}
