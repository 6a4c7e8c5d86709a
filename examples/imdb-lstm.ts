/**
 * The classic Keras IMDB LSTM (keras/examples/imdb_lstm.py): embeddings, LSTM(128) with input and
 * recurrent dropout, sigmoid output. 2,691,713 parameters at the defaults (Keras's single-bias LSTM).
 *
 * Trains on IMDB (Keras's load_data(num_words=20000), padded to 80) for 15 epochs, Keras's
 * settings; on generated reviews when the dataset is absent.
 *
 *   npx tsx examples/imdb-lstm.ts [--epochs 15] [--samples N] [--workers N] [--data DIR]
 */
import { layers, Sequential } from '@weft/layers';
import { parseExampleOptions } from './cli-options';
import { trainOnImdb } from './imdb-training';

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
  const options = parseExampleOptions(process.argv.slice(2), { epochs: 15, batchSize: 32 });
  await trainOnImdb(() => buildImdbLstm(), { maxlen: 80, numWords: 20000 }, options);
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
