import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TraceEvent, TraceFile } from './trace-event';

const PHASES = new Set(['X', 'i', 'C', 'M']);

/** The file's JSON object for events of one rank or many (each rank its own pid). */
export function traceFile(events: TraceEvent[]): TraceFile {
  return { traceEvents: events, displayTimeUnit: 'ms' };
}

/** Writes events (one rank's, or several ranks' concatenated) as one trace file Perfetto opens. */
export async function writeTrace(path: string, events: TraceEvent[]): Promise<void> {
  await writeFile(path, JSON.stringify(traceFile(events)));
}

export interface RankTraceFiles {
  /** trace-rank-N.json: one per rank, in the order given. */
  ranks: string[];
  /** trace-all-ranks.json: every rank, one process track each. */
  merged: string;
}

/**
 * Writes a trace per rank and one of all ranks together into dir (made if missing). Each entry of
 * eventsByRank is one rank's tracer.events(); ranks must differ (each tracer its own rank).
 */
export async function writeRankTraces(dir: string, eventsByRank: TraceEvent[][]): Promise<RankTraceFiles> {
  const pids = eventsByRank.map((events, i) => {
    const found = new Set(events.map((e) => e.pid));
    if (found.size !== 1) {
      throw new Error(`writeRankTraces: entry ${i} holds events of ${found.size} processes; pass each rank's tracer.events() as one entry.`);
    }
    return [...found][0];
  });
  const repeated = pids.find((pid, i) => pids.indexOf(pid) !== i);
  if (repeated !== undefined) {
    throw new Error(`writeRankTraces: two entries are both rank ${repeated - 1}; give each rank's StepTracer its own rank ({ rank }).`);
  }
  await mkdir(dir, { recursive: true });
  const ranks = pids.map((pid) => join(dir, `trace-rank-${pid - 1}.json`));
  const merged = join(dir, 'trace-all-ranks.json');
  await Promise.all([...eventsByRank.map((events, i) => writeTrace(ranks[i], events)), writeTrace(merged, eventsByRank.flat())]);
  return { ranks, merged };
}

/** Checks that value is a trace file with the fields every event needs; the error names the event and field. */
export function validateTrace(value: unknown, source = 'trace'): TraceFile {
  const file = value as Partial<TraceFile> | null;
  if (typeof file !== 'object' || file === null || !Array.isArray(file.traceEvents)) {
    throw new Error(`${source}: not a trace file: expected an object with a traceEvents array.`);
  }
  file.traceEvents.forEach((event, i) => {
    const bad = (field: string, want: string) => new Error(`${source}: traceEvents[${i}] (${JSON.stringify(event?.name)}): ${field} must be ${want}. Received: ${JSON.stringify((event as unknown as Record<string, unknown>)?.[field])}`);
    if (typeof event?.name !== 'string') throw bad('name', 'a string');
    if (!PHASES.has(event.ph)) throw bad('ph', 'one of X, i, C, M');
    if (!Number.isFinite(event.ts)) throw bad('ts', 'a number (microseconds)');
    if (!Number.isInteger(event.pid)) throw bad('pid', 'an integer');
    if (!Number.isInteger(event.tid)) throw bad('tid', 'an integer');
    if (event.ph === 'X' && !(Number.isFinite(event.dur) && (event.dur as number) >= 0)) throw bad('dur', 'a number >= 0 on a complete (X) event');
    if ((event.ph === 'X' || event.ph === 'i') && typeof event.cat !== 'string') throw bad('cat', 'a string on a span or instant');
  });
  return file as TraceFile;
}

/** Reads and validates a trace file written by writeTrace (or any Chrome trace in object form). */
export async function readTrace(path: string): Promise<TraceFile> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message}).`);
  }
  return validateTrace(parsed, path);
}
