import { runDemoJob } from './demo-job';

describe('the built-in demo job', () => {
  // In this process, and data-parallel over 2 worker threads (what `weft train` runs by default).
  it.each([[undefined], [2]])('learns the generated sentiment task on wasm (workers: %s)', async (workers) => {
    const result = await runDemoJob({
      epochs: 4,
      batchSize: 32,
      samples: 3000,
      sequenceLength: 32,
      vocabularySize: 500,
      seed: 3,
      backend: 'wasm',
      verbose: 0,
      workers,
    });
    const losses = result.history.history.loss as number[];
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });
});
