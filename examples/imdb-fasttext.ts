/**
 * The classic Keras IMDB fastText (keras/examples/imdb_fasttext.py, unigrams): embeddings averaged
 * over the (unpadded) words, sigmoid output. 1,000,051 parameters at the defaults.
 *
 * Trains on IMDB (Keras's load_data(num_words=20000), padded to 400) for 5 epochs, Keras's
 * settings; on generated reviews when the dataset is absent.
 *
 *   npx tsx examples/imdb-fasttext.ts [--epochs 5] [--samples N] [--workers N] [--data DIR]
 */
import { layers, Sequential } from '@weft/layers';
import { parseExampleOptions } from './cli-options';
import { trainOnImdb } from './imdb-training';

export interface ImdbFasttextOptions {
  maxFeatures?: number;
  maxlen?: number;
  embeddingDims?: number;
}

export function buildImdbFasttext(options: ImdbFasttextOptions = {}): Sequential {
  const { maxFeatures = 20000, maxlen = 400, embeddingDims = 50 } = options;
  const model = new Sequential({ name: 'imdb_fasttext' });
  // maskZero: the average skips the padding (Keras's example averages the padding in too).
  model.add(layers.embedding({ inputDim: maxFeatures, outputDim: embeddingDims, inputShape: [maxlen], maskZero: true }));
  model.add(layers.globalAveragePooling1d());
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const options = parseExampleOptions(process.argv.slice(2), { epochs: 5, batchSize: 32 });
  await trainOnImdb(() => buildImdbFasttext(), { maxlen: 400, numWords: 20000 }, options);
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
