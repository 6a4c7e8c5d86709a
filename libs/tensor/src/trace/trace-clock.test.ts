// The trace clock: the wall clock read once (the anchor, inherited by the threads and processes a
// process starts on the same host), then the host's monotonic clock, so that a step of the wall
// clock during a run moves no rank's spans against another's.
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spin } from './busy.fixture';
import { traceClockUs, TRACE_CLOCK_ENV } from './trace-clock';

const childClock = (env: NodeJS.ProcessEnv) =>
  Number(execFileSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', `process.stdout.write(String(require(${JSON.stringify(join(__dirname, 'trace-clock.ts'))}).traceClockUs()))`], { env }).toString());

describe('traceClockUs', () => {
  it('starts from the wall clock, anchored once and passed on in the environment with this host name', () => {
    const [host, wallUs, monotonicUs] = process.env[TRACE_CLOCK_ENV]!.split(':');
    expect(host).toBe(hostname());
    expect(Number(wallUs)).toBeGreaterThan(Date.parse('2020-01-01') * 1000);
    expect(Number(monotonicUs)).toBeGreaterThan(0);
    // Since the anchor: the monotonic clock's time (what the wall clock also says unless it was stepped).
    expect(traceClockUs() - Number(wallUs)).toBeCloseTo(Number(process.hrtime.bigint()) / 1000 - Number(monotonicUs), -3);
  });

  it('counts microseconds on the monotonic clock', () => {
    const [before, hrBefore] = [traceClockUs(), process.hrtime.bigint()];
    spin(20);
    const elapsedUs = Number(process.hrtime.bigint() - hrBefore) / 1000;
    expect(traceClockUs() - before).toBeGreaterThanOrEqual(elapsedUs);
    expect(traceClockUs() - before).toBeLessThan(elapsedUs + 5_000);
  });

  it("a process started from this one reads the same clock, whatever the wall clock says; another host's anchor is not taken", () => {
    const before = traceClockUs();
    // The anchor moved 10 s back, as a wall clock stepped since this process anchored would leave a
    // fresh one: the child takes the inherited anchor and agrees with this process, not with its own wall clock.
    const [host, wallUs, monotonicUs] = process.env[TRACE_CLOCK_ENV]!.split(':');
    const shifted = `${host}:${Number(wallUs) - 10_000_000}:${monotonicUs}`;
    const child = childClock({ ...process.env, [TRACE_CLOCK_ENV]: shifted });
    const after = traceClockUs();
    expect(child).toBeGreaterThanOrEqual(before - 10_000_000);
    expect(child).toBeLessThanOrEqual(after - 10_000_000);
    // An anchor from another host (srun copies the environment across hosts): the child anchors anew, on its wall clock.
    const foreign = childClock({ ...process.env, [TRACE_CLOCK_ENV]: `not-${host}:${Number(wallUs) - 10_000_000}:${monotonicUs}` });
    expect(Math.abs(foreign - Date.now() * 1000)).toBeLessThan(5_000_000);
  });
});
