import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { traceClockUs, traceTimeOfPerformance } from './trace-clock';
import { SPAN_CATEGORIES, tracePid, traceTid, type TraceEvent } from './trace-event';

export interface StepTracerOptions {
  /** The rank whose steps this traces (its process track in the merged file); default 0. */
  rank?: number;
  /** The rank's process name in the viewer; default `rank N`. */
  label?: string;
  /** The main track's thread name; default 'main'. */
  thread?: string;
  /** false: record nothing (every call is one branch); default true. */
  enabled?: boolean;
  /** Also record this thread's garbage-collection pauses, on a track 'gc' (default false; close() stops it). */
  gcPauses?: boolean;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** One rank's events, shared by its tracks. */
interface Recorder {
  rank: number;
  spans: TraceEvent[];
  metadata: TraceEvent[];
  tracks: number;
}

interface OpenSpan {
  name: string;
  start: number;
  args?: Record<string, unknown>;
}

/**
 * One timeline (a thread track in Perfetto): spans on it must nest, as the calls of one thread do.
 * Work that overlaps the main track (an all-reduce running while backward goes on) belongs on a
 * track of its own: tracer.track('communication').
 */
export class TraceTrack {
  private readonly open: OpenSpan[] = [];

  /** Made by StepTracer (the main track) and tracer.track(name). */
  constructor(
    protected readonly recorder: Recorder | null,
    readonly tid: number,
  ) {}

  /** false for StepTracer.off: every method returns at once (fn still runs). */
  get enabled(): boolean {
    return this.recorder !== null;
  }

  /** Runs fn inside a span named `name` and returns its result; the span closes when fn returns or throws. */
  span<T>(name: string, fn: () => T, args?: Record<string, unknown>): T {
    if (this.recorder === null) return fn();
    const start = traceClockUs();
    try {
      return fn();
    } finally {
      this.complete(name, start, args);
    }
  }

  /** Awaits fn inside a span; the span closes when its promise settles. */
  spanAsync<T>(name: string, fn: () => Promise<T>, args?: Record<string, unknown>): Promise<T> {
    if (this.recorder === null) return fn();
    return this.timeAsync(name, fn, args);
  }

  /** Opens a span that end(name) closes, for a span that starts and ends in different functions. */
  begin(name: string, args?: Record<string, unknown>): void {
    if (this.recorder === null) return;
    this.open.push({ name, start: traceClockUs(), args });
  }

  /** Closes the innermost open span, which must be `name`; extra args merge into begin's. */
  end(name: string, args?: Record<string, unknown>): void {
    if (this.recorder === null) return;
    const top = this.open.pop();
    if (top === undefined) throw new Error(`StepTracer.end('${name}'): no span is open. Call begin('${name}') first.`);
    if (top.name !== name) {
      this.open.push(top);
      throw new Error(`StepTracer.end('${name}'): the innermost open span is '${top.name}'. End spans in the reverse order of begin.`);
    }
    this.complete(name, top.start, args === undefined ? top.args : { ...top.args, ...args });
  }

  /** A span measured elsewhere (a GC pause, from a PerformanceObserver): start and duration in ms on performance.now()'s clock. */
  record(name: string, startMs: number, durationMs: number, args?: Record<string, unknown>): void {
    const recorder = this.recorder;
    if (recorder === null) return;
    const event: TraceEvent = { name, ph: 'X', cat: SPAN_CATEGORIES[name] ?? 'other', ts: traceTimeOfPerformance(startMs), dur: durationMs * 1000, pid: tracePid(recorder.rank), tid: this.tid };
    if (args !== undefined) event.args = args;
    recorder.spans.push(event);
  }

  /** A point in time on this track (a marker). */
  instant(name: string, args?: Record<string, unknown>): void {
    const recorder = this.recorder;
    if (recorder === null) return;
    recorder.spans.push({ name, ph: 'i', s: 't', cat: SPAN_CATEGORIES[name] ?? 'other', ts: traceClockUs(), pid: tracePid(recorder.rank), tid: this.tid, args });
  }

  /** A counter sample (a graph track in the viewer): each key of values is a series, e.g. { bytes: 4096 }. */
  counter(name: string, values: Record<string, number>): void {
    const recorder = this.recorder;
    if (recorder === null) return;
    recorder.spans.push({ name, ph: 'C', ts: traceClockUs(), pid: tracePid(recorder.rank), tid: this.tid, args: values });
  }

  private async timeAsync<T>(name: string, fn: () => Promise<T>, args?: Record<string, unknown>): Promise<T> {
    const start = traceClockUs();
    try {
      return await fn();
    } finally {
      this.complete(name, start, args);
    }
  }

  private complete(name: string, start: number, args?: Record<string, unknown>): void {
    const recorder = this.recorder as Recorder;
    const event: TraceEvent = { name, ph: 'X', cat: SPAN_CATEGORIES[name] ?? 'other', ts: start, dur: traceClockUs() - start, pid: tracePid(recorder.rank), tid: this.tid };
    if (args !== undefined) event.args = args;
    recorder.spans.push(event);
  }
}

/**
 * Records one rank's training steps as Chrome trace events (spans, instants, counters), for
 * writeTrace / writeRankTraces and summarizeTrace. Name spans with STEP_SPANS so the summary can
 * tell compute from communication and waiting. StepTracer.off records nothing: pass it where
 * tracing is not asked for, and the hot path pays one branch per call.
 */
export class StepTracer extends TraceTrack {
  /** The disabled tracer. */
  static readonly off: StepTracer = new StepTracer({ enabled: false });

  readonly rank: number;
  private gcObserver: { observer: PerformanceObserver; track: TraceTrack } | null = null;

  constructor(options: StepTracerOptions = {}) {
    const rank = options.rank ?? 0;
    if (!Number.isInteger(rank) || rank < 0) throw new Error(`StepTracer: rank must be a non-negative integer. Received: ${rank}`);
    const recorder: Recorder | null = options.enabled === false ? null : { rank, spans: [], metadata: [], tracks: 1 };
    super(recorder, traceTid(rank, 0));
    this.rank = rank;
    if (recorder === null) return;
    const pid = tracePid(rank);
    recorder.metadata.push(
      { name: 'process_name', ph: 'M', ts: 0, pid, tid: this.tid, args: { name: options.label ?? `rank ${rank}` } },
      { name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: this.tid, args: { sort_index: rank } },
    );
    this.nameTrack(this.tid, options.thread ?? 'main', 0);
    if (options.gcPauses) {
      // A pause stops every track of this thread: on a track of its own it shows beside the step it lengthened.
      const track = this.track('gc');
      const observer = new PerformanceObserver((list) => this.recordGc(track, list.getEntries()));
      observer.observe({ entryTypes: ['gc'] });
      this.gcObserver = { observer, track };
    }
  }

  private recordGc(track: TraceTrack, entries: readonly PerformanceEntry[]): void {
    for (const e of entries) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      track.record('gc', e.startTime, e.duration, { kind: kind === undefined ? 'unknown' : (GC_KINDS[kind] ?? String(kind)) });
    }
  }

  /** Stops recording GC pauses (those seen so far stay). */
  close(): void {
    const gc = this.gcObserver;
    if (gc === null) return;
    this.recordGc(gc.track, gc.observer.takeRecords());
    gc.observer.disconnect();
    this.gcObserver = null;
  }

  /** Another timeline of this rank, for work that overlaps the main track's spans. */
  track(name: string): TraceTrack {
    const recorder = this.recorder;
    if (recorder === null) return this;
    const index = recorder.tracks++;
    const tid = traceTid(this.rank, index);
    this.nameTrack(tid, name, index);
    return new TraceTrack(recorder, tid);
  }

  /** Metadata, then every span, instant and counter of every track, by start time (a parent before its children). */
  events(): TraceEvent[] {
    if (this.recorder === null) return [];
    if (this.gcObserver) this.recordGc(this.gcObserver.track, this.gcObserver.observer.takeRecords());
    const spans = [...this.recorder.spans].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    return [...this.recorder.metadata, ...spans];
  }

  /** Drops what was recorded so far (warm-up steps, say); keeps the track names. */
  clear(): void {
    this.recorder?.spans.splice(0);
  }

  private nameTrack(tid: number, name: string, index: number): void {
    const pid = tracePid(this.rank);
    this.recorder?.metadata.push(
      { name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } },
      { name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid, args: { sort_index: index } },
    );
  }
}
