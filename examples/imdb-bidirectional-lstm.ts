/**
 * The classic Keras IMDB bidirectional LSTM (keras/examples/imdb_bidirectional_lstm.py):
 * embeddings, Bidirectional(LSTM(64)), dropout, sigmoid output. 2,658,945 parameters at the defaults.
 *
 *   npx tsx examples/imdb-bidirectional-lstm.ts
 */
import { layers, Sequential } from '@weft/layers';
import { initBackend } from '@weft/tensor';
import { syntheticReviews } from './example-data';

export interface ImdbBidirectionalLstmOptions {
  maxFeatures?: number;
  maxlen?: number;
  units?: number;
}

export function buildImdbBidirectionalLstm(options: ImdbBidirectionalLstmOptions = {}): Sequential {
  const { maxFeatures = 20000, maxlen = 100, units = 64 } = options;
  const model = new Sequential({ name: 'imdb_bidirectional_lstm' });
  model.add(layers.embedding({ inputDim: maxFeatures, outputDim: 128, inputShape: [maxlen] }));
  model.add(layers.bidirectional({ layer: layers.lstm({ units }) }));
  model.add(layers.dropout({ rate: 0.5 }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  await initBackend('auto');
  const model = buildImdbBidirectionalLstm();
  model.summary();
  const { x, y } = syntheticReviews(64, 100, 20000);
  await model.fit(x, y, { batchSize: 32, epochs: 1 });
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
