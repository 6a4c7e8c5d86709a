import { initBackend, tf, type BackendRequest } from '@weft/tensor';
import { logger } from '@weft/logging';
import { Sequential, layers, type History } from '@weft/layers';
import { DataParallel } from '@weft/distributed';
import { syntheticSentiment, type TokenDataset } from './synthetic-sentiment';

export interface DemoJobOptions {
  epochs: number;
  batchSize: number;
  samples: number;
  sequenceLength: number;
  vocabularySize: number;
  seed: number;
  backend: BackendRequest;
  verbose: 0 | 1 | 2;
  /** Train data-parallel over this many workers; absent: in-process. */
  workers?: number;
  transport?: 'threads' | 'processes';
}

export interface DemoJobResult {
  history: History;
  testLoss: number;
  testAccuracy: number;
  samplesPerSecond: number;
}

/** The fastText-style classifier of the seed (Embedding -> GlobalAveragePooling1D -> Dense sigmoid). */
export function buildDemoModel(vocabularySize: number, sequenceLength: number): Sequential {
  const model = new Sequential({ name: 'demo_fasttext' });
  model.add(layers.embedding({ inputDim: vocabularySize, outputDim: 32, inputLength: sequenceLength, maskZero: true }));
  model.add(layers.globalAveragePooling1d({}));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function toTensors(data: TokenDataset, from: number, to: number): [tf.Tensor2D, tf.Tensor2D] {
  const len = data.sequenceLength;
  return [
    tf.tensor2d(data.tokens.subarray(from * len, to * len), [to - from, len], 'int32'),
    tf.tensor2d(data.labels.subarray(from, to), [to - from, 1]),
  ];
}

/**
 * The built-in main job: a real training run on a sentiment-like task the project generates, so
 * it needs no downloads. 80% of the samples train, 20% test.
 */
export async function runDemoJob(options: DemoJobOptions): Promise<DemoJobResult> {
  await initBackend(options.backend);
  const data = syntheticSentiment(options);
  const split = Math.floor(options.samples * 0.8);
  const [xTrain, yTrain] = toTensors(data, 0, split);
  const [xTest, yTest] = toTensors(data, split, options.samples);
  const model = buildDemoModel(options.vocabularySize, options.sequenceLength);
  if (options.verbose) model.summary();
  const start = performance.now();
  const history = await model.fit(xTrain, yTrain, {
    batchSize: options.batchSize,
    epochs: options.epochs,
    verbose: options.verbose,
    validationData: [xTest, yTest],
    seed: options.seed,
    distribution: options.workers === undefined ? undefined : new DataParallel({ workers: options.workers, transport: options.transport }),
  });
  const seconds = (performance.now() - start) / 1000;
  const [testLoss, testAccuracy] = (await model.evaluate(xTest, yTest, { batchSize: 256 })) as number[];
  const samplesPerSecond = (split * options.epochs) / seconds;
  logger.info({ testLoss, testAccuracy, samplesPerSecond, epochs: options.epochs }, 'demo job finished');
  tf.dispose([xTrain, yTrain, xTest, yTest]);
  model.dispose?.();
  return { history, testLoss, testAccuracy, samplesPerSecond };
}
