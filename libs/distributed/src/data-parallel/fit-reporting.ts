import { ProgbarLogger, type FitArgs } from '@weft/layers';

/**
 * Whether fit's callbacks read batch logs (a live progress bar included): only then do the ranks
 * sum their running logs after every step, since that costs a small collective per step.
 */
export function callbacksWantBatchLogs(args: FitArgs): boolean {
  const verbose = args.verbose ?? 1;
  const progressBar = verbose > 0 ? [new ProgbarLogger({ verbose: verbose === 2 ? 2 : 1 })] : [];
  return [...(args.callbacks ?? []), ...progressBar].some((c) => c.wantsBatchLogs);
}

/** Where fit's `profile` puts one rank's trace: `trace.json` -> `trace.rank-N.json`. */
export function rankTracePath(profile: string, rank: number): string {
  const stem = profile.endsWith('.json') ? profile.slice(0, -'.json'.length) : profile;
  return `${stem}.rank-${rank}.json`;
}
