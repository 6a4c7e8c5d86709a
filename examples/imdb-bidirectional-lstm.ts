/**
 * The classic Keras IMDB bidirectional LSTM (keras/examples/imdb_bidirectional_lstm.py):
 * embeddings, Bidirectional(LSTM(64)), dropout, sigmoid output. 2,658,945 parameters at the defaults.
 *
 * Trains on IMDB (Keras's load_data(num_words=20000), padded to 100) for 4 epochs, Keras's
 * settings; on generated reviews when the dataset is absent.
 *
 *   npx tsx examples/imdb-bidirectional-lstm.ts [--epochs 4] [--samples N] [--workers N] [--data DIR]
 */
import { layers, Sequential } from '@weft/layers';
import { parseExampleOptions } from './cli-options';
import { trainOnImdb } from './imdb-training';

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
  const options = parseExampleOptions(process.argv.slice(2), { epochs: 4, batchSize: 32 });
  await trainOnImdb(() => buildImdbBidirectionalLstm(), { maxlen: 100, numWords: 20000 }, options);
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
