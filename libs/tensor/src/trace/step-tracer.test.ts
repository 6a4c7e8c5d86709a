import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { spin } from './busy.fixture';
import { StepTracer } from './step-tracer';
import { traceClockUs } from './trace-clock';
import type { TraceEvent } from './trace-event';

const spans = (events: TraceEvent[]) => events.filter((e) => e.ph === 'X');
const end = (e: TraceEvent) => e.ts + (e.dur as number);

describe('StepTracer', () => {
  it('records nested spans in start order, each inside its parent, with its category, pid and tid', () => {
    const tracer = new StepTracer({ rank: 2, label: 'worker 2' });
    const result = tracer.span('step', () => {
      tracer.span('data', () => spin(2));
      const y = tracer.span('forward', () => (spin(2), 41));
      tracer.span('backward', () => tracer.span('all-reduce', () => spin(2), { bytes: 4096 }));
      return y + 1;
    });
    expect(result).toBe(42);
    const events = tracer.events();
    const [step, data, forward, backward, allReduce] = spans(events);
    expect(spans(events).map((e) => [e.name, e.cat])).toEqual([
      ['step', 'step'],
      ['data', 'data'],
      ['forward', 'compute'],
      ['backward', 'compute'],
      ['all-reduce', 'communication'],
    ]);
    for (const child of [data, forward, backward]) {
      expect(child.ts).toBeGreaterThanOrEqual(step.ts);
      expect(end(child)).toBeLessThanOrEqual(end(step));
    }
    expect(forward.ts).toBeGreaterThanOrEqual(end(data));
    expect(backward.ts).toBeGreaterThanOrEqual(end(forward));
    expect(allReduce.ts).toBeGreaterThanOrEqual(backward.ts);
    expect(end(allReduce)).toBeLessThanOrEqual(end(backward));
    expect(forward.dur).toBeGreaterThanOrEqual(1900);
    expect(allReduce.args).toEqual({ bytes: 4096 });
    for (const e of events) {
      expect(e.pid).toBe(3);
      expect(e.tid).toBe(3000);
    }
    const meta = events.filter((e) => e.ph === 'M').map((e) => [e.name, e.args]);
    expect(meta).toEqual([
      ['process_name', { name: 'worker 2' }],
      ['process_sort_index', { sort_index: 2 }],
      ['thread_name', { name: 'main' }],
      ['thread_sort_index', { sort_index: 0 }],
    ]);
  });

  it('stamps events with the trace clock (traceClockUs)', () => {
    const before = traceClockUs();
    const tracer = new StepTracer();
    tracer.instant('marker');
    const [marker] = tracer.events().filter((e) => e.ph === 'i');
    expect(marker.ts).toBeGreaterThanOrEqual(before);
    expect(traceClockUs()).toBeGreaterThanOrEqual(marker.ts);
  });

  it('begin/end spans across calls, in reverse order, and names a mismatch', () => {
    const tracer = new StepTracer();
    tracer.begin('step', { index: 7 });
    tracer.begin('wait');
    expect(() => tracer.end('step')).toThrow("StepTracer.end('step'): the innermost open span is 'wait'");
    tracer.end('wait');
    tracer.end('step', { samples: 32 });
    expect(() => tracer.end('step')).toThrow("StepTracer.end('step'): no span is open");
    const [step, wait] = spans(tracer.events());
    expect([step.name, wait.name]).toEqual(['step', 'wait']);
    expect(step.args).toEqual({ index: 7, samples: 32 });
    expect(end(wait)).toBeLessThanOrEqual(end(step));
  });

  it('spanAsync covers the awaited time; a span that throws still closes', async () => {
    const tracer = new StepTracer();
    const value = await tracer.spanAsync('wait', () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 30)));
    expect(value).toBe('done');
    expect(() => tracer.span('forward', () => { throw new Error('bad shape'); })).toThrow('bad shape');
    await expect(tracer.spanAsync('all-reduce', async () => { throw new Error('peer gone'); })).rejects.toThrow('peer gone');
    const [wait, forward, allReduce] = spans(tracer.events());
    expect(wait.name).toBe('wait');
    expect(wait.dur).toBeGreaterThanOrEqual(25_000);
    expect([forward.name, allReduce.name]).toEqual(['forward', 'all-reduce']);
  });

  it('track() is another timeline of the rank, for overlapping work', async () => {
    const tracer = new StepTracer({ rank: 1 });
    const comm = tracer.track('communication');
    await tracer.spanAsync('step', async () => {
      const reduce = comm.spanAsync('all-reduce', () => new Promise((resolve) => setTimeout(resolve, 10)));
      tracer.span('backward', () => spin(2));
      await tracer.spanAsync('wait', () => reduce);
    });
    const events = tracer.events();
    const byName = Object.fromEntries(spans(events).map((e) => [e.name, e]));
    expect(byName['all-reduce'].tid).toBe(2001);
    expect(byName.backward.tid).toBe(2000);
    expect(events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid === 2001)?.args).toEqual({ name: 'communication' });
  });

  it('clear() drops the events so far and keeps the names', () => {
    const tracer = new StepTracer();
    tracer.span('step', () => 0);
    tracer.counter('bytes', { sent: 10 });
    tracer.clear();
    tracer.span('forward', () => 0);
    expect(tracer.events().filter((e) => e.ph !== 'M').map((e) => e.name)).toEqual(['forward']);
    expect(tracer.events().filter((e) => e.ph === 'M')).toHaveLength(4);
  });

  it('StepTracer.off records nothing and hands back fn\'s own result and promise', async () => {
    const off = StepTracer.off;
    expect(off.enabled).toBe(false);
    expect(off.span('forward', () => 5)).toBe(5);
    const promise = Promise.resolve(6);
    expect(off.spanAsync('wait', () => promise)).toBe(promise);
    off.begin('step');
    off.end('other');
    off.instant('x');
    off.counter('c', { v: 1 });
    expect(off.track('comm')).toBe(off);
    expect(off.events()).toEqual([]);
  });

  it('gcPauses: the thread\'s garbage collections as spans on a track "gc", inside the time they happened; none after close()', async () => {
    const tracer = new StepTracer({ rank: 1, gcPauses: true });
    const before = traceClockUs();
    const garbage = () => {
      // Short-lived objects, enough for several scavenges.
      let kept = 0;
      for (let round = 0; round < 200; round++) kept += Array.from({ length: 10_000 }, (_, i) => ({ i, text: `item ${i}` })).length;
      return kept;
    };
    expect(garbage()).toBe(2_000_000);
    await new Promise((resolve) => setImmediate(resolve));
    const after = traceClockUs();
    const events = tracer.events();
    const gcTid = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'gc')?.tid;
    const pauses = events.filter((e) => e.ph === 'X' && e.name === 'gc');
    expect(pauses.length).toBeGreaterThan(0);
    for (const p of pauses) {
      expect(p.tid).toBe(gcTid);
      expect(p.pid).toBe(2);
      expect(p.ts).toBeGreaterThanOrEqual(before);
      expect(p.ts + (p.dur as number)).toBeLessThanOrEqual(after);
      expect(['minor', 'major', 'incremental', 'weak callbacks']).toContain(p.args?.kind);
    }
    tracer.close();
    garbage();
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracer.events().filter((e) => e.name === 'gc')).toHaveLength(pauses.length);
  });

  it('rejects a bad rank', () => {
    expect(() => new StepTracer({ rank: -1 })).toThrow('StepTracer: rank must be a non-negative integer. Received: -1');
  });
});

describe('StepTracer around tfjs ops (cpu backend)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('a matMul inside a span shows up with a positive duration and the right values', () => {
    const tracer = new StepTracer();
    const a = tf.randomUniform([256, 256], -1, 1, 'float32', 1);
    const b = tf.randomUniform([256, 256], -1, 1, 'float32', 2);
    const product = tracer.span('forward', () => tf.matMul(a, b).dataSync());
    const [rows, cols] = [a.arraySync() as number[][], b.arraySync() as number[][]];
    const expected = rows[3].reduce((sum, value, k) => sum + value * cols[k][5], 0);
    expect(product[3 * 256 + 5]).toBeCloseTo(expected, 4);
    tf.dispose([a, b]);
    const [forward] = spans(tracer.events());
    expect(forward.name).toBe('forward');
    expect(forward.dur).toBeGreaterThan(0);
  });
});
