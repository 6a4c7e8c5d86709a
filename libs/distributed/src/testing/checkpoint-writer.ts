// A process that saves training checkpoints into argv[2] one after another (version k: every value
// k), saying "writing k" before and "saved k" after each, until it is killed.
import { CheckpointStore } from '../data-parallel/checkpoint-store';

const VALUES = 4 << 20; // 16 MiB of weights: a write takes a while

async function run(): Promise<void> {
  const store = new CheckpointStore(process.argv[2]);
  for (let k = 1; ; k++) {
    process.stdout.write(`writing ${k}\n`);
    store.save({
      fingerprint: { classes: ['Sequential'], weights: [`[${VALUES}] float32`] },
      order: { seed: 1, samples: 8, batchSize: 4, stepsPerEpoch: 2, shuffle: false },
      epoch: k,
      step: 0,
      globalStep: 2 * k,
      learningRate: 0.01,
      metricState: [k],
      state: { weights: [{ name: 'w', shape: [VALUES], dtype: 'float32', values: new Float32Array(VALUES).fill(k) }], optimizerWeights: [], optimizerIterations: k, dropoutDraws: [] },
    });
    await store.flush();
    process.stdout.write(`saved ${k}\n`);
  }
}

void run();
