import type { RankTraceSummary } from '@weft/tensor';

/** Where a rank's step went, as fractions that sum to 1 (see stepSharesFromTrace). */
export interface ThroughputStepShares {
  /** forward, backward, optimizer. */
  compute: number;
  /** pack, all-reduce, unpack. */
  allReduce: number;
  /** Waiting for other ranks. */
  wait: number;
  /** Data, and step time no span covers. */
  other: number;
}

/** The bench's per-rank step shares from summarizeTrace's: communication is the all-reduce; data joins other. */
export function stepSharesFromTrace(summaries: RankTraceSummary[]): ThroughputStepShares[] {
  return summaries.map(({ shares }) => ({
    compute: shares.compute,
    allReduce: shares.communication,
    wait: shares.wait,
    other: shares.data + shares.other,
  }));
}
