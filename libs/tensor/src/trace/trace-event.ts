/**
 * Chrome's Trace Event Format, the JSON that Perfetto (ui.perfetto.dev) and chrome://tracing open:
 * https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
 * Only the phases the step tracer writes: complete spans, instants, counters and metadata.
 */
export interface TraceEvent {
  name: string;
  /** X: complete span (ts + dur); i: instant; C: counter (args are the series); M: metadata (names, order). */
  ph: 'X' | 'i' | 'C' | 'M';
  /** The span's category (see SPAN_CATEGORIES); absent on metadata. */
  cat?: string;
  /** Microseconds since the Unix epoch (traceClockUs), so ranks on other threads and processes line up. */
  ts: number;
  /** Microseconds; complete spans only. */
  dur?: number;
  /** tracePid(rank): one process track per rank. */
  pid: number;
  tid: number;
  /** Instants: 't' marks the thread's track only. */
  s?: 't';
  args?: Record<string, unknown>;
}

/** The file: what writeTrace writes and readTrace returns. */
export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
}

/** What the time of a step went to; summarizeTrace reports each as a share of the step. */
export type TraceCategory = 'step' | 'compute' | 'communication' | 'wait' | 'data' | 'other';

/**
 * The span names a training step uses, so every rank's trace reads the same and summarizeTrace
 * knows their categories. One `step` span encloses the others on the rank's main track.
 */
export const STEP_SPANS = {
  step: 'step',
  data: 'data',
  forward: 'forward',
  backward: 'backward',
  optimizer: 'optimizer',
  pack: 'pack',
  allReduce: 'all-reduce',
  unpack: 'unpack',
  wait: 'wait',
  /** Inside a row-sparse gradient's all-reduce (RowSparseExchange): the all-gather of every rank's row count. */
  rowCounts: 'row counts',
  /** This rank's touched rows copied out to send. */
  rowCopy: 'row copy',
  /** The all-gather of every rank's rows. */
  rowGather: 'row gather',
  /** The rows summed into the gradient tensor. */
  rowSum: 'row sum',
  /** Instead of the rows: the whole table all-reduced, and made a tensor. */
  rowDense: 'row dense',
} as const;

export const SPAN_CATEGORIES: Readonly<Record<string, TraceCategory>> = {
  [STEP_SPANS.step]: 'step',
  [STEP_SPANS.data]: 'data',
  [STEP_SPANS.forward]: 'compute',
  [STEP_SPANS.backward]: 'compute',
  [STEP_SPANS.optimizer]: 'compute',
  [STEP_SPANS.pack]: 'communication',
  [STEP_SPANS.allReduce]: 'communication',
  [STEP_SPANS.unpack]: 'communication',
  [STEP_SPANS.wait]: 'wait',
  [STEP_SPANS.rowCounts]: 'communication',
  [STEP_SPANS.rowCopy]: 'communication',
  [STEP_SPANS.rowGather]: 'communication',
  [STEP_SPANS.rowSum]: 'communication',
  [STEP_SPANS.rowDense]: 'communication',
};

/**
 * A rank's process id in the trace: rank + 1. Perfetto reads pid and tid 0 as the kernel's idle
 * task (and has merged tid 0 into tid 1), so no track uses 0.
 */
export function tracePid(rank: number): number {
  return rank + 1;
}

/** A track's thread id: unique across the merged file (Perfetto keys threads by tid). */
export function traceTid(rank: number, track: number): number {
  return tracePid(rank) * 1000 + track;
}
