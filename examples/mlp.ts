/**
 * The seed's MLP classifier (Keras's mnist_mlp) in weft: Dense 512 relu, Dropout 0.2, Dense 512
 * relu, Dropout 0.2, Dense softmax, RMSprop, summary(), fit with validation data. MNIST is not
 * bundled, so it trains on generated 28x28 "digits": one random template per class plus noise.
 *
 *   npx tsx examples/mlp.ts [--epochs 5] [--backend wasm]
 */
import { BACKEND_REQUESTS, choiceOption, initBackend, intOption, parseFlags, tf } from '@weft/tensor';
import { Sequential, layers, optimizers } from '@weft/layers';

export const NUM_CLASSES = 10;

/** The seed's model, compiled as in the Keras example. */
export function buildMlp(numClasses = NUM_CLASSES, inputDim = 784, units = 512): Sequential {
  const model = new Sequential();
  model.add(layers.dense({ units, activation: 'relu', inputShape: [inputDim] }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units, activation: 'relu' }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.rmsprop(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** n samples of class templates plus Gaussian noise, labels one-hot. */
export function generatedDigits(n: number, seed: number, numClasses = NUM_CLASSES, inputDim = 784): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const templates = tf.randomUniform([numClasses, inputDim], 0, 1, 'float32', 42);
    const labels = tf.clipByValue(tf.cast(tf.floor(tf.randomUniform([n], 0, numClasses, 'float32', seed)), 'int32'), 0, numClasses - 1) as tf.Tensor1D;
    const noise = tf.randomNormal([n, inputDim], 0, 0.5, 'float32', seed + 1);
    const x = tf.clipByValue(tf.add(tf.gather(templates, labels), noise), 0, 1) as tf.Tensor2D;
    return { x, y: tf.oneHot(labels, numClasses) as tf.Tensor2D };
  });
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), { epochs: { type: 'string' }, backend: { type: 'string' } }, { help: 'Usage: npx tsx examples/mlp.ts [--epochs 5] [--backend wasm]' });
  await initBackend(choiceOption('backend', values.backend, BACKEND_REQUESTS, 'auto'));
  const train = generatedDigits(6000, 1);
  const test = generatedDigits(1000, 2);
  const model = buildMlp();
  model.summary();
  await model.fit(train.x, train.y, { batchSize: 128, epochs: intOption('epochs', values.epochs, 5), verbose: 1, validationData: [test.x, test.y] });
  const [loss, accuracy] = (await model.evaluate(test.x, test.y, { batchSize: 128 })) as number[];
  console.log(`Test loss: ${loss.toFixed(4)}`);
  console.log(`Test accuracy: ${accuracy.toFixed(4)}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
