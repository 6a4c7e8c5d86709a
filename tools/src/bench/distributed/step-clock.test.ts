import { setTimeout as sleep } from 'node:timers/promises';
import { Callback } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
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

/** 40 ms after each batch of the second epoch (the timed one after a 1-epoch warm-up): asleep, or spinning on this thread. */
class AfterEachTimedBatch extends Callback {
  private epoch = 0;
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

  it("the thread's CPU over the timed epochs as a share of one core: near 0 while it sleeps, near 1 while it spins", async () => {
    const sleeping = new StepClock(3, { epochs: 1 });
    await fitWith(sleeping, new AfterEachTimedBatch(false));
    // 120 ms asleep beside a few ms of the tiny model's steps.
    expect(sleeping.cpuShareWhileTimed()).toBeGreaterThanOrEqual(0);
    expect(sleeping.cpuShareWhileTimed()).toBeLessThan(0.4);
    const spinning = new StepClock(3, { epochs: 1 });
    await fitWith(spinning, new AfterEachTimedBatch(true));
    expect(spinning.cpuShareWhileTimed()).toBeGreaterThan(0.6);
    expect(spinning.cpuShareWhileTimed()).toBeLessThan(1.2);
  });

  it('refuses a warm-up or a timing of no epochs', () => {
    expect(() => new StepClock(3, { epochs: 0 })).toThrow('at least one warm-up epoch is needed');
    expect(() => new StepClock(3, { epochs: 1 }, 0)).toThrow('at least one timed epoch is needed. Received: 0');
  });
});
