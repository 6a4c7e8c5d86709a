import type { Remote } from 'comlink';
import type { ProcessGroup } from '../process-group';
import type { ShmGroupHandle } from '../shm/shm-layout';
import type { RpcEnvelope } from './rpc-endpoint';

/** What a rank's entry function receives. */
export interface RankContext<A = unknown> {
  rank: number;
  size: number;
  args: A;
  /** Joins this rank's process group (shared memory for threads by default, TCP for processes). */
  createGroup(): Promise<ProcessGroup>;
  /**
   * Serves `api` to the launcher over comlink (its `onReady` gets the remote object); the rank's
   * control plane. Call it once, when the rank is ready to be driven.
   */
  expose(api: object): void;
  /** The object the launcher serves to this rank (LaunchOptions.serve), as a comlink remote. */
  launcher<T>(): Remote<T>;
}

/** A rank's entry: `export async function main(ctx: RankContext<A>): Promise<R>` in the entry module. */
export type RankMain<A = unknown, R = unknown> = (ctx: RankContext<A>) => Promise<R> | R;

/** How one rank ended: its entry's return value, or why it failed (thrown, exited, timed out). */
export type RankOutcome<R = unknown> = { rank: number; ok: true; value: R } | { rank: number; ok: false; error: string };

/** How a rank joins its group; sent to each thread or process. */
export type GroupSpec =
  | { kind: 'shm'; handle: ShmGroupHandle; timeoutMs?: number }
  | { kind: 'tcp'; masterAddr: string; masterPort: number; token: string; groupName: string; timeoutMs?: number };

/** What a rank posts to its launcher: control-plane traffic, that it is ready (exposed its API), or its outcome (the last one). */
export type RankReport = RpcEnvelope | { type: 'ready' } | { type: 'outcome'; ok: boolean; value?: unknown; error?: string };

/** The message a rank starts from. */
export interface RankStart {
  rank: number;
  size: number;
  entry: string;
  exportName: string;
  args: unknown;
  group: GroupSpec;
}

export interface LaunchOptions<A> {
  size: number;
  /** Absolute path of the module (.ts or .js) exporting the rank's entry function. */
  entry: string;
  /** Name of the entry function; default 'main'. */
  exportName?: string;
  /** Passed to every rank (structured-cloned). */
  args?: A;
  /** Default timeout of the group's collectives. */
  groupTimeoutMs?: number;
  /** Limit on the whole run: ranks still running then are stopped and reported failed. */
  timeoutMs?: number;
  /** After a rank fails, how long the others get to fail or finish before they are stopped. */
  failureGraceMs?: number;
  /** The object each rank may call through RankContext.launcher() (comlink), e.g. progress reports. */
  serve?: (rank: number) => object;
  /** Aborting it stops every rank still running (threads terminated, processes killed), each reported failed with the reason. */
  signal?: AbortSignal;
  /** Hears each rank's failure as it happens (thrown, exited, stopped after the grace period). */
  onRankFailed?: (rank: number, error: string) => void;
  /** Called when a rank has exposed its API (RankContext.expose), with the remote object to drive it. */
  onReady?: (rank: number, remote: Remote<unknown>) => void;
}
