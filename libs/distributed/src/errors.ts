/** The collectives a ProcessGroup offers; errors name the one that failed. */
export type CollectiveName = 'allReduce' | 'broadcast' | 'allGather' | 'reduceScatter' | 'barrier' | 'rendezvous';

/** Each collective's number on the wire and in shared memory, where ranks check they agree. */
export const OP_NAMES: readonly CollectiveName[] = ['allReduce', 'broadcast', 'allGather', 'reduceScatter', 'barrier', 'rendezvous'];
export const OP_CODES = Object.fromEntries(OP_NAMES.map((op, i) => [op, i])) as Record<CollectiveName, number>;

/**
 * A collective failed. `rank` is the rank where the failure started (a timeout, an abort, a peer
 * that vanished), which is not necessarily the rank that throws: every rank of the group gets one.
 */
export class CollectiveError extends Error {
  constructor(
    readonly op: CollectiveName,
    readonly rank: number,
    readonly reason: string,
    readonly reportedBy: number = rank,
  ) {
    super(
      reportedBy === rank
        ? `${op} failed on rank ${rank}: ${reason}`
        : `${op} failed on rank ${rank} (reported to rank ${reportedBy}): ${reason}`,
    );
    this.name = 'CollectiveError';
  }

  /** The same failure, as seen from another rank. */
  seenBy(reportedBy: number, op: CollectiveName = this.op): CollectiveError {
    return new CollectiveError(op, this.rank, this.reason, reportedBy);
  }
}
