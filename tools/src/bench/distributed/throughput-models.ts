import { tf } from '@weft/tensor';
import { Sequential, layers, optimizers } from '@weft/layers';
import { zipfTokenIds } from './zipf-tokens';

/** The models `weft bench throughput` trains, each with generated data of its shape. */
export const THROUGHPUT_MODELS = ['mlp', 'imdb-fasttext', 'imdb-cnn', 'imdb-lstm', 'tiny'] as const;
export type ThroughputModel = (typeof THROUGHPUT_MODELS)[number];
/** The models a run without --model measures (tiny is for tests). */
export const DEFAULT_THROUGHPUT_MODELS: ThroughputModel[] = ['mlp', 'imdb-fasttext', 'imdb-cnn', 'imdb-lstm'];

export interface ModelBench {
  describe: string;
  build(): Sequential;
  /** Generated inputs and targets of the model's shape. */
  data(rows: number, seed: number): [tf.Tensor, tf.Tensor];
  /** Timed steps by default: one epoch, about 2 s of in-process training on one core. */
  steps: number;
}

const VOCAB = 20000;
/**
 * Zipf's exponent for the token ids: 32 sequences of 80 then touch about 900 of the 20,000 rows,
 * as IMDB's first 80 words of 32 reviews do (908 on average); 32 of 400 touch 2,950, more than
 * IMDB's 1,850 (a review repeats its own words), so the bench errs towards more rows.
 */
const ZIPF_EXPONENT = 1.1;

function sequences(rows: number, length: number, seed: number): [tf.Tensor, tf.Tensor] {
  const ids = zipfTokenIds(rows, length, VOCAB, ZIPF_EXPONENT, seed);
  return [ids, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([rows, 1], 0, 1, 'float32', seed + 1), 0.5), 'float32'))];
}

function dense(rows: number, inputs: number, classes: number, seed: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => [
    tf.randomUniform([rows, inputs], 0, 1, 'float32', seed),
    tf.oneHot(tf.cast(tf.floor(tf.randomUniform([rows], 0, classes - 1e-3, 'float32', seed + 1)), 'int32') as tf.Tensor1D, classes),
  ]);
}

export const MODELS: Record<ThroughputModel, ModelBench> = {
  mlp: {
    describe: 'MLP 784-512-512-10 (dropout 0.2, RMSprop)',
    build() {
      const m = new Sequential({ name: 'mlp' });
      m.add(layers.dense({ units: 512, activation: 'relu', inputShape: [784] }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.dense({ units: 512, activation: 'relu' }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.dense({ units: 10, activation: 'softmax' }));
      m.compile({ optimizer: optimizers.rmsprop(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    },
    data: (rows, seed) => dense(rows, 784, 10, seed),
    steps: 300,
  },
  'imdb-fasttext': {
    describe: 'IMDB fastText (Embedding 20000x50 masked, length 400, GlobalAveragePooling1D, Dense 1)',
    build() {
      const m = new Sequential({ name: 'imdb_fasttext' });
      m.add(layers.embedding({ inputDim: VOCAB, outputDim: 50, inputShape: [400], maskZero: true }));
      m.add(layers.globalAveragePooling1d());
      m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      return m;
    },
    data: (rows, seed) => sequences(rows, 400, seed),
    steps: 200,
  },
  'imdb-cnn': {
    describe: 'IMDB CNN (Embedding 20000x50, length 400, Conv1D 250x3, GlobalMaxPooling1D, Dense 250, Dense 1)',
    build() {
      const m = new Sequential({ name: 'imdb_cnn' });
      m.add(layers.embedding({ inputDim: VOCAB, outputDim: 50, inputShape: [400] }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.conv1d({ filters: 250, kernelSize: 3, padding: 'valid', activation: 'relu', strides: 1 }));
      m.add(layers.globalMaxPooling1d());
      m.add(layers.dense({ units: 250 }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.activation({ activation: 'relu' }));
      m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      return m;
    },
    data: (rows, seed) => sequences(rows, 400, seed),
    steps: 30,
  },
  'imdb-lstm': {
    describe: 'IMDB LSTM (Embedding 20000x128, length 80, LSTM 128 dropout 0.2 recurrent 0.2, Dense 1)',
    build() {
      const m = new Sequential({ name: 'imdb_lstm' });
      m.add(layers.embedding({ inputDim: VOCAB, outputDim: 128, inputShape: [80] }));
      m.add(layers.lstm({ units: 128, dropout: 0.2, recurrentDropout: 0.2 }));
      m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
      m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      return m;
    },
    data: (rows, seed) => sequences(rows, 80, seed),
    steps: 40,
  },
  tiny: {
    describe: 'tiny MLP 32-16-4 (for tests)',
    build() {
      const m = new Sequential({ name: 'tiny' });
      m.add(layers.dense({ units: 16, activation: 'relu', inputShape: [32] }));
      m.add(layers.dense({ units: 4, activation: 'softmax' }));
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    },
    data: (rows, seed) => dense(rows, 32, 4, seed),
    steps: 20,
  },
};


/** One line per model: what it is. */
export function describeThroughputModels(): string {
  return THROUGHPUT_MODELS.map((m) => `  ${m.padEnd(14)} ${MODELS[m].describe}`).join('\n');
}
