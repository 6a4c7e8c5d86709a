/**
 * The classic Keras IMDB CNN (keras/examples/imdb_cnn.py): word embeddings, a 1D convolution,
 * global max pooling, a hidden layer, sigmoid output. 1,100,751 parameters at the defaults.
 *
 * Trains on IMDB (Keras's load_data(num_words=20000), padded to 400) for 2 epochs, Keras's
 * settings; on generated reviews when the dataset is absent.
 *
 *   npx tsx examples/imdb-cnn.ts [--epochs 2] [--samples N] [--workers N] [--data DIR]
 */
import { layers, Sequential } from '@weft/layers';
import { parseExampleOptions } from './cli-options';
import { trainOnImdb } from './imdb-training';

export interface ImdbCnnOptions {
  maxFeatures?: number;
  maxlen?: number;
  embeddingDims?: number;
  filters?: number;
  kernelSize?: number;
  hiddenDims?: number;
}

export function buildImdbCnn(options: ImdbCnnOptions = {}): Sequential {
  const { maxFeatures = 20000, maxlen = 400, embeddingDims = 50, filters = 250, kernelSize = 3, hiddenDims = 250 } = options;
  const model = new Sequential({ name: 'imdb_cnn' });
  model.add(layers.embedding({ inputDim: maxFeatures, outputDim: embeddingDims, inputShape: [maxlen] }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.conv1d({ filters, kernelSize, padding: 'valid', activation: 'relu', strides: 1 }));
  model.add(layers.globalMaxPooling1d());
  model.add(layers.dense({ units: hiddenDims }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.activation({ activation: 'relu' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const options = parseExampleOptions(process.argv.slice(2), { epochs: 2, batchSize: 32 });
  await trainOnImdb(() => buildImdbCnn(), { maxlen: 400, numWords: 20000 }, options);
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
