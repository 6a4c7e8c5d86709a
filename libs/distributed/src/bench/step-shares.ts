import type { RankTraceSummary } from '@weft/tensor';
import type { ThroughputStepShares } from './throughput-bench';

/** The bench's per-rank step shares from summarizeTrace's: communication is the all-reduce; data joins other. */
export function stepSharesFromTrace(summaries: RankTraceSummary[]): ThroughputStepShares[] {
  return summaries.map(({ shares }) => ({
    compute: shares.compute,
    allReduce: shares.communication,
    wait: shares.wait,
    other: shares.data + shares.other,
  }));
}
