/**
 * The classic Keras IMDB LSTM (keras/examples/imdb_lstm.py): embeddings, LSTM(128) with input and
 * recurrent dropout, sigmoid output. 2,691,713 parameters at the defaults (Keras's single-bias LSTM).
 *
 *   npx tsx examples/imdb-lstm.ts
 */
import { layers, Sequential } from '@weft/layers';
import { initBackend } from '@weft/tensor';
import { syntheticReviews } from './example-data';

export interface ImdbLstmOptions {
  maxFeatures?: number;
  maxlen?: number;
  units?: number;
}

export function buildImdbLstm(options: ImdbLstmOptions = {}): Sequential {
  const { maxFeatures = 20000, maxlen = 80, units = 128 } = options;
  const model = new Sequential({ name: 'imdb_lstm' });
  model.add(layers.embedding({ inputDim: maxFeatures, outputDim: 128, inputShape: [maxlen] }));
  model.add(layers.lstm({ units, dropout: 0.2, recurrentDropout: 0.2 }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  await initBackend('auto');
  const model = buildImdbLstm();
  model.summary();
  const { x, y } = syntheticReviews(64, 80, 20000);
  await model.fit(x, y, { batchSize: 32, epochs: 1 });
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
