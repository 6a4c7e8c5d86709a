import { setTimeout as sleep } from 'node:timers/promises';
import { Callback } from '@weft/layers';
import { initBackend, tf, threadCpuSeconds } from '@weft/tensor';
import { StepClock } from './step-clock';
import { MODELS } from './throughput-models';

beforeAll(async () => {
  await initBackend('cpu');
});

async function fitWith(clock: StepClock, ...others: Callback[]): Promise<void> {
  const [x, y] = MODELS.tiny.data(3 * 8, 1);
  const model = MODELS.tiny.build();
  await model.fit(x, y, { batchSize: 8, epochs: clock.epochs, shuffle: false, verbose: 0, callbacks: [clock, ...others] });
  tf.dispose([x, y]);
}

/**
 * 40 ms after each batch of the second epoch (the timed one after a 1-epoch warm-up): asleep, or
 * spinning on this thread. Reads this thread's CPU and the wall clock at the two epochs' ends, as
 * the StepClock before it in the callbacks does: what the share over the timed epoch must be.
 */
class AfterEachTimedBatch extends Callback {
  private epoch = 0;
  private readonly at: { cpu: number; wall: number }[] = [];
  constructor(private readonly spin: boolean) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }
  override async onBatchEnd(): Promise<void> {
    if (this.epoch !== 1) return;
    if (!this.spin) return void (await sleep(40));
    const until = performance.now() + 40;
    while (performance.now() < until);
  }
  override onEpochEnd(): void {
    this.at.push({ cpu: threadCpuSeconds(), wall: performance.now() });
  }
  /** This thread's CPU seconds over the timed epoch per wall second. */
  get share(): number {
    const [from, to] = this.at;
    return (to.cpu - from.cpu) / ((to.wall - from.wall) / 1000);
  }
}

describe('StepClock', () => {
  it('a fixed warm-up: that many epochs, then one timed epoch, timed from the last warm-up step', async () => {
    const clock = new StepClock(3, { epochs: 2 });
    await fitWith(clock);
    expect(clock.batchEnds).toHaveLength(9);
    expect(clock.warmupSteps).toBe(6);
    expect(clock.epochSeconds()).toEqual([(clock.batchEnds[8] - clock.batchEnds[5]) / 1000]);
  });

  it('several timed epochs: each timed from the end of the one before, and the fit stops after the last', async () => {
    const clock = new StepClock(3, { seconds: 0, minSteps: 1 }, 3);
    await fitWith(clock);
    expect(clock.warmupSteps).toBe(3);
    expect(clock.batchEnds).toHaveLength(12);
    const ends = clock.batchEnds;
    expect(clock.epochSeconds()).toEqual([(ends[5] - ends[2]) / 1000, (ends[8] - ends[5]) / 1000, (ends[11] - ends[8]) / 1000]);
  });

  it('a warm-up by time: whole epochs until the seconds have passed, then one timed epoch, and the fit stops', async () => {
    const clock = new StepClock(3, { seconds: 0.3, minSteps: 1 });
    await fitWith(clock);
    const warmup = clock.warmupSteps;
    expect(warmup % 3).toBe(0);
    expect(clock.batchEnds).toHaveLength(warmup + 3);
    // The warm-up's last epoch ended at or after 0.3 s (its end is checked after its last batch's, so
    // the first timed batch ends later still); the one before it had not.
    expect(clock.batchEnds[warmup] - (clock.epochBegin as number)).toBeGreaterThanOrEqual(300);
    if (warmup > 3) expect(clock.batchEnds[warmup - 4] - (clock.epochBegin as number)).toBeLessThan(300);
  });

  it("the thread's CPU over the timed epochs as a share of one core: near 0 while it sleeps, what the thread got while it spins", async () => {
    const sleeper = new AfterEachTimedBatch(false);
    const sleeping = new StepClock(3, { epochs: 1 });
    await fitWith(sleeping, sleeper);
    const spinner = new AfterEachTimedBatch(true);
    const spinning = new StepClock(3, { epochs: 1 });
    await fitWith(spinning, spinner);
    // The same readings, microseconds apart: a spinning thread gets a whole core only on an idle machine.
    expect(sleeping.cpuShareWhileTimed()).toBeCloseTo(sleeper.share, 1);
    expect(spinning.cpuShareWhileTimed()).toBeCloseTo(spinner.share, 1);
    // 120 ms asleep beside a few ms of the tiny model's steps; 120 ms spinning.
    expect(sleeping.cpuShareWhileTimed()).toBeLessThan(0.4);
    expect(spinning.cpuShareWhileTimed()).toBeGreaterThan(sleeping.cpuShareWhileTimed());
    expect(spinning.cpuShareWhileTimed()).toBeLessThan(1.2);
  });

  it('refuses a warm-up or a timing of no epochs', () => {
    expect(() => new StepClock(3, { epochs: 0 })).toThrow('at least one warm-up epoch is needed');
    expect(() => new StepClock(3, { epochs: 1 }, 0)).toThrow('at least one timed epoch is needed. Received: 0');
  });
});
