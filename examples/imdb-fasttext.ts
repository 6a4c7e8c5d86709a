/**
 * The classic Keras IMDB fastText (keras/examples/imdb_fasttext.py, unigrams): embeddings averaged
 * over the (unpadded) words, sigmoid output. 1,000,051 parameters at the defaults.
 *
 *   npx tsx examples/imdb-fasttext.ts
 */
import { layers, Sequential } from '@weft/layers';
import { initBackend } from '@weft/tensor';
import { syntheticReviews } from './example-data';

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
  await initBackend('auto');
  const model = buildImdbFasttext();
  model.summary();
  const { x, y } = syntheticReviews(64, 400, 20000);
  await model.fit(x, y, { batchSize: 32, epochs: 1 });
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
