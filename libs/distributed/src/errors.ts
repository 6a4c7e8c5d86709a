/** The collectives a ProcessGroup offers; errors name the one that failed. */
export type CollectiveName = 'allReduce' | 'broadcast' | 'allGather' | 'reduceScatter' | 'barrier' | 'rendezvous';

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
