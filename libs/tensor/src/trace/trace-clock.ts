import { hostname } from 'node:os';

/**
 * Where trace time starts, handed down the environment to the worker threads and processes a
 * process starts (they copy it when they start): `host:wall µs:monotonic µs`.
 */
export const TRACE_CLOCK_ENV = 'WEFT_TRACE_CLOCK_ANCHOR';

interface Anchor {
  wallUs: number;
  monotonicUs: number;
}

/** The host's monotonic clock (CLOCK_MONOTONIC: one clock for every thread and process of the host), in µs. */
const monotonicUs = () => Number(process.hrtime.bigint()) / 1000;

/** The anchor this process inherited from its launcher on the same host, else a new one, passed on. */
function anchorOf(env: NodeJS.ProcessEnv): Anchor {
  const inherited = /^(.+):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(env[TRACE_CLOCK_ENV] ?? '');
  // Another host's monotonic clock counts from another boot: srun and mpirun copy the environment across hosts.
  if (inherited && inherited[1] === hostname()) return { wallUs: Number(inherited[2]), monotonicUs: Number(inherited[3]) };
  const anchor = { wallUs: Date.now() * 1000, monotonicUs: monotonicUs() };
  env[TRACE_CLOCK_ENV] = `${hostname()}:${anchor.wallUs}:${anchor.monotonicUs}`;
  return anchor;
}

const anchor = anchorOf(process.env);

/**
 * Now, in microseconds since the Unix epoch as the wall clock read it once, at the anchor, and
 * since then by the host's monotonic clock: every thread and process a launch starts on one host
 * shares the anchor, so their spans line up exactly, and a step of the wall clock during a run
 * (a VM resyncing its time) moves none of them. Ranks on other hosts line up as their wall clocks do.
 */
export function traceClockUs(): number {
  return anchor.wallUs + (monotonicUs() - anchor.monotonicUs);
}

/** A time from performance.now()'s clock (ms, a PerformanceEntry's startTime) on the trace clock. */
export function traceTimeOfPerformance(ms: number): number {
  return traceClockUs() - (performance.now() - ms) * 1000;
}
