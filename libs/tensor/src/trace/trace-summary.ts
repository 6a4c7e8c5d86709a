import { SPAN_CATEGORIES, STEP_SPANS, type TraceCategory, type TraceEvent } from './trace-event';

/** Where a step's time went, as fractions of the step that sum to 1. */
export type StepShares = Record<Exclude<TraceCategory, 'step'>, number>;

export interface SpanTotals {
  count: number;
  /** Sum of the spans' durations. */
  totalMs: number;
  /** totalMs less the time of spans nested in them (on the same track). */
  selfMs: number;
}

export interface RankTraceSummary {
  /** From the pid (tracePid(rank) = rank + 1). */
  rank: number;
  /** The process name (StepTracer's label). */
  label: string;
  steps: number;
  /** Total duration of the `step` spans. */
  stepMs: number;
  meanStepMs: number;
  /** Every span name of every track of the rank. */
  spans: Record<string, SpanTotals>;
  /**
   * Inside the `step` spans: each category's self time over the step time (SPAN_CATEGORIES maps
   * names to categories). Time in a step that no span inside it covers, and spans of names not in
   * SPAN_CATEGORIES, count as other. Spans on other tracks (overlapping work) do not count: the
   * main track's `wait` is the time the step spent waiting for them.
   */
  shares: StepShares;
}

interface Node {
  event: TraceEvent;
  end: number;
  self: number;
  /** A step span, or inside one. */
  inStep: boolean;
}

const emptyShares = (): StepShares => ({ compute: 0, communication: 0, wait: 0, data: 0, other: 0 });

/** Per rank (pid): span totals and the share of the step each category took. */
export function summarizeTrace(events: TraceEvent[]): RankTraceSummary[] {
  const labels = new Map<number, string>();
  const tracks = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'process_name') labels.set(e.pid, String(e.args?.name));
    if (e.ph !== 'X') continue;
    const key = `${e.pid}/${e.tid}`;
    const track = tracks.get(key);
    if (track === undefined) tracks.set(key, [e]);
    else track.push(e);
  }
  const ranks = new Map<number, RankTraceSummary>();
  const rankOf = (pid: number) => {
    let summary = ranks.get(pid);
    if (summary === undefined) {
      summary = { rank: pid - 1, label: labels.get(pid) ?? `rank ${pid - 1}`, steps: 0, stepMs: 0, meanStepMs: 0, spans: {}, shares: emptyShares() };
      ranks.set(pid, summary);
    }
    return summary;
  };
  for (const trackEvents of tracks.values()) {
    const summary = rankOf(trackEvents[0].pid);
    for (const node of nest(trackEvents)) {
      const { name, dur } = node.event;
      const totals = (summary.spans[name] ??= { count: 0, totalMs: 0, selfMs: 0 });
      totals.count++;
      totals.totalMs += (dur as number) / 1000;
      totals.selfMs += node.self / 1000;
      if (name === STEP_SPANS.step) {
        summary.steps++;
        summary.stepMs += (dur as number) / 1000;
      }
      if (!node.inStep) continue;
      const category = SPAN_CATEGORIES[name] ?? 'other';
      summary.shares[category === 'step' ? 'other' : category] += node.self / 1000;
    }
  }
  for (const summary of ranks.values()) {
    summary.meanStepMs = summary.steps === 0 ? 0 : summary.stepMs / summary.steps;
    for (const key of Object.keys(summary.shares) as (keyof StepShares)[]) {
      summary.shares[key] = summary.stepMs === 0 ? 0 : summary.shares[key] / summary.stepMs;
    }
  }
  return [...ranks.values()].sort((a, b) => a.rank - b.rank);
}

/** One track's complete spans with their self time: each span's duration less its children's (clipped to it). */
function nest(trackEvents: TraceEvent[]): Node[] {
  const sorted = [...trackEvents].sort((a, b) => a.ts - b.ts || (b.dur as number) - (a.dur as number));
  const nodes: Node[] = [];
  const stack: Node[] = [];
  for (const event of sorted) {
    const end = event.ts + (event.dur as number);
    while (stack.length > 0 && stack[stack.length - 1].end <= event.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.self -= Math.min(end, parent.end) - event.ts;
    const node = { event, end, self: event.dur as number, inStep: event.name === STEP_SPANS.step || (parent?.inStep ?? false) };
    nodes.push(node);
    stack.push(node);
  }
  return nodes;
}
