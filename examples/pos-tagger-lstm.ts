/**
 * A sequence tagger (part of speech): embeddings with padding masked, an LSTM returning every
 * step, and a softmax over the tags at every step. Padded steps are masked out of the loss.
 *
 * Trains on UD English EWT (17 UPOS tags) and reports token accuracy on dev, padding excluded;
 * on generated sentences when the dataset is absent.
 *
 *   npx tsx examples/pos-tagger-lstm.ts [--epochs 3] [--samples N] [--workers N] [--data DIR]
 */
import { layers, padSequences, Sequential, type History } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { exampleFitArgs, parseExampleOptions, type ExampleOptions } from './cli-options';
import { UPOS_TAGS } from './data/conllu';
import { loadUdPos, PAD_ID } from './data/ud-pos';
import { syntheticTaggedSentences } from './example-data';

export interface PosTaggerOptions {
  vocabSize?: number;
  maxlen?: number;
  embeddingDims?: number;
  units?: number;
  numTags?: number;
}

export function buildPosTagger(options: PosTaggerOptions = {}): Sequential {
  const { vocabSize = 10000, maxlen = 50, embeddingDims = 64, units = 64, numTags = 6 } = options;
  const model = new Sequential({ name: 'pos_tagger_lstm' });
  model.add(layers.embedding({ inputDim: vocabSize, outputDim: embeddingDims, inputShape: [maxlen], maskZero: true }));
  model.add(layers.lstm({ units, returnSequences: true }));
  model.add(layers.timeDistributed({ layer: layers.dense({ units: numTags, activation: 'softmax' }) }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export interface PosTaggerResult {
  /** 'ud_english_ewt', or 'generated' when the dataset was absent. */
  source: 'ud_english_ewt' | 'generated';
  history: History;
  /** Share of the dev set's real (unpadded) tokens tagged right. */
  devTokenAccuracy: number;
  secondsPerEpoch: number;
}

/** Share of the tokens with a non-padding id whose most probable tag is the label. */
export function tokenAccuracy(model: Sequential, x: tf.Tensor2D, y: tf.Tensor2D): number {
  return tf.tidy(() => {
    const predicted = tf.argMax(model.predict(x) as tf.Tensor3D, -1);
    const real = tf.cast(tf.notEqual(x, PAD_ID), 'float32');
    const right = tf.mul(tf.cast(tf.equal(predicted, tf.cast(y, 'int32')), 'float32'), real);
    return tf.sum(right).dataSync()[0] / tf.sum(real).dataSync()[0];
  });
}

/**
 * Trains the tagger on UD English EWT (train split; words lower-cased, vocabSize - 2 most frequent
 * kept; sentences padded or cut at the end to maxlen) and reports token accuracy on dev. Without
 * the dataset, it says why and trains on generated sentences instead.
 */
export async function trainPosTagger(options: ExampleOptions, verbose: 0 | 1 = 1, maxlen = 50, vocabSize = 10000): Promise<PosTaggerResult> {
  await initBackend(options.backend);
  const numTags = UPOS_TAGS.length;
  const ud = await loadUdPos({ vocabSize, samples: options.samples, dataDir: options.data });
  let data: { x: tf.Tensor2D; y: tf.Tensor2D; xDev: tf.Tensor2D; yDev: tf.Tensor2D };
  if ('skipped' in ud) {
    console.log(`${ud.skipped}\nTraining on generated sentences instead.`);
    const n = options.samples ?? 256;
    const [train, dev] = [syntheticTaggedSentences(n, maxlen, vocabSize, numTags, 1), syntheticTaggedSentences(n, maxlen, vocabSize, numTags, 2)];
    data = { x: train.x, y: train.y, xDev: dev.x, yDev: dev.y };
  } else {
    const pad = (s: number[][]) => padSequences(s, { maxlen, padding: 'post', truncating: 'post' });
    data = { x: pad(ud.train.x), y: pad(ud.train.y), xDev: pad(ud.dev.x), yDev: pad(ud.dev.y) };
    if (verbose) console.log(`${ud.train.x.length} train sentences, ${ud.dev.x.length} dev sentences, padded to ${maxlen}`);
  }
  const model = buildPosTagger({ vocabSize, maxlen, numTags });
  if (verbose) model.summary();
  const started = performance.now();
  const history = await model.fit(data.x, data.y, exampleFitArgs(options, [data.xDev, data.yDev], verbose));
  const secondsPerEpoch = (performance.now() - started) / 1000 / options.epochs;
  const devTokenAccuracy = tokenAccuracy(model, data.xDev, data.yDev);
  if (verbose) console.log(`Dev token accuracy (padding excluded): ${devTokenAccuracy.toFixed(4)} (${secondsPerEpoch.toFixed(1)} s/epoch)`);
  tf.dispose(Object.values(data));
  model.dispose();
  return { source: 'skipped' in ud ? 'generated' : 'ud_english_ewt', history, devTokenAccuracy, secondsPerEpoch };
}

async function main(): Promise<void> {
  await trainPosTagger(parseExampleOptions(process.argv.slice(2), { epochs: 3, batchSize: 32 }));
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
