/**
 * Training speed of the seed's IMDB models, this library beside tfjs-layers, in one run on one
 * backend (default wasm with the project's kernels), batch 32: samples/s and the ratio.
 *
 *   npx tsx tools/src/bench/layers-speed.ts [--quick] [--rounds 15] [--backend wasm|cpu|tensorflow] [--models lstm,gru,cnn]
 * (--rounds: timed steps of each trainer; more rounds, steadier ratios on a busy machine)
 */
// tfjs-core's CJS bundle registers no gradients (the union package does); tfjs-layers needs chained ops.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import { BACKEND_REQUESTS, choiceOption, initBackend, intOption, parseFlags, tf } from '@weft/tensor';
import { layers, Sequential, type Layer } from '@weft/layers';

const BATCH = 32;
const VOCAB = 20000;

interface ModelSpec {
  name: string;
  length: number;
  ours: (length: number) => Layer[];
  theirs: () => tfl.Sequential;
}

const specs: Record<string, ModelSpec> = {
  lstm: {
    name: 'IMDB LSTM (Embedding 20000x128, LSTM 128, length 80, Dense 1)',
    length: 80,
    ours: (length) => [
      layers.embedding({ inputDim: VOCAB, outputDim: 128, inputShape: [length] }),
      layers.lstm({ units: 128 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    theirs: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: VOCAB, outputDim: 128, inputLength: 80 }),
          tfl.layers.lstm({ units: 128, recurrentActivation: 'sigmoid' }),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
  },
  // tfjs-layers' GRU has only the reset-before form (resetAfter: false); ours runs the same.
  gru: {
    name: 'IMDB GRU (Embedding 20000x128, GRU 128 reset-before, length 80, Dense 1)',
    length: 80,
    ours: (length) => [
      layers.embedding({ inputDim: VOCAB, outputDim: 128, inputShape: [length] }),
      layers.gru({ units: 128, resetAfter: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    theirs: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: VOCAB, outputDim: 128, inputLength: 80 }),
          tfl.layers.gru({ units: 128, recurrentActivation: 'sigmoid' }),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
  },
  cnn: {
    name: 'IMDB CNN (Embedding 20000x50, length 400, Conv1D 250x3, GlobalMaxPooling1D, Dense 250, Dense 1)',
    length: 400,
    ours: (length) => [
      layers.embedding({ inputDim: VOCAB, outputDim: 50, inputShape: [length] }),
      layers.dropout({ rate: 0.2 }),
      layers.conv1d({ filters: 250, kernelSize: 3, activation: 'relu' }),
      layers.globalMaxPooling1d({}),
      layers.dense({ units: 250 }),
      layers.dropout({ rate: 0.2 }),
      layers.activation({ activation: 'relu' }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    theirs: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: VOCAB, outputDim: 50, inputLength: 400 }),
          tfl.layers.dropout({ rate: 0.2 }),
          tfl.layers.conv1d({ filters: 250, kernelSize: 3, activation: 'relu' }),
          tfl.layers.globalMaxPooling1d({}),
          tfl.layers.dense({ units: 250 }),
          tfl.layers.dropout({ rate: 0.2 }),
          tfl.layers.activation({ activation: 'relu' }),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
  },
};

function ourStep(stack: Layer[]): (x: tf.Tensor, y: tf.Tensor) => Promise<number> {
  const model = new Sequential({ layers: stack });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return async (x, y) => {
    const out = await model.trainOnBatch(x, y);
    return Array.isArray(out) ? out[0] : out;
  };
}

function theirStep(model: tfl.Sequential): (x: tf.Tensor, y: tf.Tensor) => Promise<number> {
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return async (x, y) => {
    const out = await model.trainOnBatch(x, y);
    return Array.isArray(out) ? out[0] : out;
  };
}

type Step = (x: tf.Tensor, y: tf.Tensor) => Promise<number>;

/**
 * Samples/s of both trainers on the same batch. Their steps alternate (ours, theirs, ours, ...) so
 * that both see the same machine load: the ratio holds even when the absolute figures drift.
 */
async function compare(ours: Step, theirs: Step, length: number, rounds: number): Promise<{ ours: number; theirs: number }> {
  const x = tf.randomUniform([BATCH, length], 1, VOCAB, 'int32', 1);
  const y = tf.cast(tf.greater(tf.randomUniform([BATCH, 1], 0, 1, 'float32', 2), 0.5), 'float32');
  await ours(x, y); // warm-up: builds, first kernel runs
  await theirs(x, y);
  const seconds = { ours: 0, theirs: 0 };
  for (let i = 0; i < rounds; i++) {
    for (const [name, step] of [['ours', ours], ['theirs', theirs]] as const) {
      const start = performance.now();
      const loss = await step(x, y);
      seconds[name] += (performance.now() - start) / 1000;
      if (!Number.isFinite(loss)) throw new Error(`${name}: loss is ${loss}`);
    }
  }
  tf.dispose([x, y]);
  return { ours: (rounds * BATCH) / seconds.ours, theirs: (rounds * BATCH) / seconds.theirs };
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    process.argv.slice(2),
    { quick: { type: 'boolean' }, rounds: { type: 'string' }, backend: { type: 'string' }, models: { type: 'string' } },
    { help: 'Usage: npx tsx tools/src/bench/layers-speed.ts [--quick] [--rounds 15] [--backend wasm|cpu|tensorflow] [--models lstm,gru,cnn]' },
  );
  const quick = values.quick ?? false;
  const backend = choiceOption('backend', values.backend, BACKEND_REQUESTS, 'wasm');
  const which = values.models?.split(',') ?? Object.keys(specs);
  const rounds = intOption('rounds', values.rounds, quick ? 4 : 15);
  const info = await initBackend(backend);
  console.log(`backend ${info.backend} (${info.package}), batch ${BATCH}${quick ? ', quick' : ''}`);
  for (const key of which) {
    const spec = specs[key];
    if (!spec) throw new Error(`Unknown model '${key}'. Expected one of: ${Object.keys(specs).join(', ')}`);
    const r = await compare(ourStep(spec.ours(spec.length)), theirStep(spec.theirs()), spec.length, rounds);
    console.log(
      `${spec.name}\n  weft ${r.ours.toFixed(1)} samples/s, tfjs-layers ${r.theirs.toFixed(1)} samples/s, ratio ${(r.ours / r.theirs).toFixed(2)}x`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
