import { runDemoJob } from './demo-job';

describe('the built-in demo job', () => {
  it('learns the generated sentiment task on wasm', async () => {
    const result = await runDemoJob({
      epochs: 4,
      batchSize: 32,
      samples: 3000,
      sequenceLength: 32,
      vocabularySize: 500,
      seed: 3,
      backend: 'wasm',
      verbose: 0,
    });
    expect(result.history.history.loss).toHaveLength(4);
    const losses = result.history.history.loss as number[];
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });
});

describe('the built-in demo job, data-parallel', () => {
  it('learns the generated sentiment task on 2 worker threads', async () => {
    const result = await runDemoJob({
      epochs: 4,
      batchSize: 32,
      samples: 3000,
      sequenceLength: 32,
      vocabularySize: 500,
      seed: 3,
      backend: 'wasm',
      verbose: 0,
      workers: 2,
    });
    const losses = result.history.history.loss as number[];
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });
});
