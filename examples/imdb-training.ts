import { DataParallel } from '@weft/distributed';
import { padSequences, type History, type Sequential } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import type { ExampleOptions } from './cli-options';
import { loadImdb } from './data/imdb';
import { syntheticReviews } from './example-data';

export interface ImdbTrainingResult {
  /** 'imdb', or 'generated' when the dataset was absent. */
  source: 'imdb' | 'generated';
  history: History;
  testAccuracy: number;
  /** Wall time of fit divided by the epochs (each epoch includes its validation pass over the test set). */
  secondsPerEpoch: number;
}

/**
 * Loads IMDB as the Keras scripts do (load_data(num_words) then pad_sequences(maxlen): padding and
 * truncating at the start), trains with the test set as validation data, evaluates. Without
 * the dataset, it says why and trains on generated reviews instead.
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
  let data: { xTrain: tf.Tensor2D; yTrain: tf.Tensor2D; xTest: tf.Tensor2D; yTest: tf.Tensor2D };
  if ('skipped' in imdb) {
    console.log(`${imdb.skipped}\nTraining on generated reviews instead.`);
    const n = options.samples ?? 256;
    const [train, test] = [syntheticReviews(n, maxlen, numWords, 1), syntheticReviews(n, maxlen, numWords, 2)];
    data = { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y };
  } else {
    const labels = (y: number[]) => tf.tensor2d(y, [y.length, 1], 'float32');
    data = {
      xTrain: padSequences(imdb.train.x, { maxlen }),
      yTrain: labels(imdb.train.y),
      xTest: padSequences(imdb.test.x, { maxlen }),
      yTest: labels(imdb.test.y),
    };
    if (verbose) console.log(`${imdb.train.x.length} train sequences, ${imdb.test.x.length} test sequences, padded to ${maxlen}`);
  }
  const model = build();
  if (verbose) model.summary();
  const started = performance.now();
  const history = await model.fit(data.xTrain, data.yTrain, {
    batchSize: options.batchSize,
    epochs: options.epochs,
    validationData: [data.xTest, data.yTest],
    verbose,
    seed: 1,
    distribution: options.workers > 1 ? new DataParallel({ workers: options.workers }) : undefined,
  });
  const secondsPerEpoch = (performance.now() - started) / 1000 / options.epochs;
  const [, testAccuracy] = (await model.evaluate(data.xTest, data.yTest, { batchSize: options.batchSize, verbose: 0 })) as number[];
  if (verbose) console.log(`Test accuracy: ${testAccuracy.toFixed(4)} (${secondsPerEpoch.toFixed(1)} s/epoch)`);
  tf.dispose(Object.values(data));
  model.dispose();
  return { source: 'skipped' in imdb ? 'generated' : 'imdb', history, testAccuracy, secondsPerEpoch };
}
