/**
 * The seed's MLP (784-512-512-10, relu, dropout 0.2, softmax, rmsprop, categorical crossentropy)
 * trained by weft's engine and by tfjs-layers on the same backend and data, in one run; prints
 * samples/s for both and their ratio (>= 1 means weft is not slower).
 *
 *   npx tsx tools/src/bench/mlp-engine.ts [--backend wasm|cpu] [--batch 128] [--samples 3840] [--epochs 3]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { choiceOption, initBackend, intOption, parseFlags } from '@weft/tensor';
import { Sequential, layers } from '@weft/layers';
import { printTable } from './timing';

const { values } = parseFlags(
  process.argv.slice(2),
  { backend: { type: 'string' }, batch: { type: 'string' }, samples: { type: 'string' }, epochs: { type: 'string' } },
  { help: 'Usage: npx tsx tools/src/bench/mlp-engine.ts [--backend wasm|cpu] [--batch 128] [--samples 3840] [--epochs 3]' },
);
const backend = choiceOption('backend', values.backend, ['wasm', 'cpu'] as const, 'wasm');
const batchSize = intOption('batch', values.batch, 128);
const samples = intOption('samples', values.samples, 3840);
const epochs = intOption('epochs', values.epochs, 3);

function weftMlp(): Sequential {
  const model = new Sequential();
  model.add(layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 512, activation: 'relu' }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function tflMlp(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: 512, activation: 'relu' }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Samples per second over `epochs` epochs, after one warm-up epoch on a slice of the data. */
async function measure(fit: (epochs: number, n: number) => Promise<unknown>): Promise<number> {
  await fit(1, batchSize * 4);
  const start = performance.now();
  await fit(epochs, samples);
  return (samples * epochs) / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  await initBackend(backend);
  const x = tf.randomUniform([samples, 784], 0, 1, 'float32', 1);
  const labels = tf.cast(tf.mul(tf.randomUniform([samples], 0, 10, 'float32', 2), 1), 'int32');
  const y = tf.oneHot(tf.clipByValue(labels, 0, 9) as tf.Tensor1D, 10);
  const slice = (t: tf.Tensor, n: number) => (n === samples ? t : tf.slice(t, 0, n));

  const ours = weftMlp();
  const theirs = tflMlp();
  const runs: [string, () => Promise<number>][] = [
    ['weft', () => measure((e, n) => ours.fit(slice(x, n), slice(y, n), { batchSize, epochs: e, verbose: 0 }))],
    ['tfjs-layers', () => measure((e, n) => theirs.fit(slice(x, n), slice(y, n), { batchSize, epochs: e, verbose: 0, yieldEvery: 'never' }))],
  ];
  // Alternate the two twice so that warm-up and machine noise affect both alike; keep the best.
  const best: Record<string, number> = {};
  for (let round = 0; round < 2; round++) {
    for (const [name, run] of runs) best[name] = Math.max(best[name] ?? 0, await run());
  }
  console.log(`MLP 784-512-512-10, rmsprop, batch ${batchSize}, ${samples} samples x ${epochs} epochs, backend ${tf.getBackend()}`);
  printTable(
    ['engine', 'samples/s', 'vs tfjs-layers'],
    [
      ['weft', best.weft.toFixed(0), `${(best.weft / best['tfjs-layers']).toFixed(2)}x`],
      ['tfjs-layers', best['tfjs-layers'].toFixed(0), '1.00x'],
    ],
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
