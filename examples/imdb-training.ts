import { padSequences, type History, type Sequential } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { exampleFitArgs, type ExampleOptions } from './cli-options';
import { loadImdb, type ImdbSplit } from './data/imdb';
import { syntheticReviews } from './example-data';

export interface ImdbTrainingResult {
  /** 'imdb', or 'generated' when the dataset was absent. */
  source: 'imdb' | 'generated';
  history: History;
  testAccuracy: number;
  /** Wall time of fit divided by the epochs (each epoch includes its validation pass over the test set). */
  secondsPerEpoch: number;
}

export interface ImdbTensors {
  source: 'imdb' | 'generated';
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor2D;
  xTest: tf.Tensor2D;
  yTest: tf.Tensor2D;
}

/** Padded reviews (padding and truncating at the start, Keras's pad_sequences defaults) and [n, 1] labels. */
export function imdbTensors(train: ImdbSplit, test: ImdbSplit, maxlen: number): ImdbTensors {
  const labels = (y: number[]) => tf.tensor2d(y, [y.length, 1], 'float32');
  return {
    source: 'imdb',
    xTrain: padSequences(train.x, { maxlen }),
    yTrain: labels(train.y),
    xTest: padSequences(test.x, { maxlen }),
    yTest: labels(test.y),
  };
}

/** Trains with the test set as validation data (as the Keras scripts do), then evaluates on it. */
export async function fitAndEvaluate(
  model: Sequential,
  data: ImdbTensors,
  options: ExampleOptions,
  verbose: 0 | 1,
): Promise<Omit<ImdbTrainingResult, 'source'>> {
  const started = performance.now();
  const history = await model.fit(data.xTrain, data.yTrain, exampleFitArgs(options, [data.xTest, data.yTest], verbose));
  const secondsPerEpoch = (performance.now() - started) / 1000 / options.epochs;
  const [, testAccuracy] = (await model.evaluate(data.xTest, data.yTest, { batchSize: options.batchSize, verbose: 0 })) as number[];
  return { history, testAccuracy, secondsPerEpoch };
}

/**
 * An IMDB example's run: IMDB loaded as the Keras scripts do (load_data(num_words), then
 * pad_sequences(maxlen)), trained, evaluated, the test accuracy printed. Without the dataset, it
 * says why and trains on generated reviews instead.
 */
export async function trainOnImdb(
  build: () => Sequential,
  settings: { maxlen: number; numWords: number },
  options: ExampleOptions,
  verbose: 0 | 1 = 1,
): Promise<ImdbTrainingResult> {
  await initBackend(options.backend);
  const { maxlen, numWords } = settings;
  const imdb = await loadImdb({ numWords, samples: options.samples, dataDir: options.data });
  let data: ImdbTensors;
  if ('skipped' in imdb) {
    console.log(`${imdb.skipped}\nTraining on generated reviews instead.`);
    const n = options.samples ?? 256;
    const [train, test] = [syntheticReviews(n, maxlen, numWords, 1), syntheticReviews(n, maxlen, numWords, 2)];
    data = { source: 'generated', xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y };
  } else {
    data = imdbTensors(imdb.train, imdb.test, maxlen);
    if (verbose) console.log(`${imdb.train.x.length} train sequences, ${imdb.test.x.length} test sequences, padded to ${maxlen}`);
  }
  const model = build();
  if (verbose) model.summary();
  const result = await fitAndEvaluate(model, data, options, verbose);
  if (verbose) console.log(`Test accuracy: ${result.testAccuracy.toFixed(4)} (${result.secondsPerEpoch.toFixed(1)} s/epoch)`);
  tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  model.dispose();
  return { source: data.source, ...result };
}
