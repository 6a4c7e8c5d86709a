import { ProgbarLogger, type BatchEvents, type FitArgs } from '@weft/layers';
import type { BatchEnd, CoordinatorApi } from './fit-job';

/**
 * Whether fit's callbacks read batch logs (a live progress bar included): only then do the ranks
 * sum their running logs after every step, since that costs a small collective per step.
 */
export function callbacksWantBatchLogs(args: FitArgs): boolean {
  const verbose = args.verbose ?? 1;
  const progressBar = verbose > 0 ? [new ProgbarLogger({ verbose: verbose === 2 ? 2 : 1 })] : [];
  return [...(args.callbacks ?? []), ...progressBar].some((c) => c.wantsBatchLogs);
}

/** Whether a callback reads the weights during fit: then the caller's model gets rank 0's state at every epoch's end. */
export function callbacksReadWeights(args: FitArgs): boolean {
  return (args.callbacks ?? []).some((c) => c.readsWeights);
}

/** Where fit's `profile` puts one rank's trace: `trace.json` -> `trace.rank-N.json`. */
export function rankTracePath(profile: string, rank: number): string {
  const stem = profile.endsWith('.json') ? profile.slice(0, -'.json'.length) : profile;
  return `${stem}.rank-${rank}.json`;
}

/** Hands rank 0's batch ends to an epoch's callbacks, one after the other. */
export async function relayBatchEnds(events: BatchEvents, ends: readonly BatchEnd[]): Promise<void> {
  for (const { step, size, logs } of ends) {
    await events.begin(step, size);
    await events.end(step, logs);
  }
}

/**
 * Relays rank 0's batch ends to fit's callbacks on the coordinator, in order: `coordinator` is what
 * the ranks call, `epoch(events)` points it at an epoch's callbacks, and `flushed()` resolves once
 * every relayed batch has reached them (awaited at the epoch's end).
 */
export function batchRelay(): { coordinator: CoordinatorApi; epoch(events: BatchEvents): void; flushed(): Promise<void> } {
  let batches: BatchEvents | null = null;
  let reported = Promise.resolve();
  return {
    coordinator: {
      batchEnds: (ends) => {
        const events = batches!;
        reported = reported.then(() => relayBatchEnds(events, ends));
      },
    },
    epoch: (events) => void (batches = events),
    flushed: () => reported,
  };
}
