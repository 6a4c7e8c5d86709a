// The IMDB examples on small subsets of real IMDB (skipped, saying why, when it is absent): each
// model trains a few epochs at small size, and fastText on 2,000 reviews must clearly beat chance.
import { padSequences, type Sequential } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { describeWithDataset } from './data/describe-with-dataset';
import { IMDB_FILES, loadImdb, type ImdbSplit } from './data/imdb';
import { IMDB_OOV } from './data/imdb-word-index';
import { buildImdbBidirectionalLstm } from './imdb-bidirectional-lstm';
import { buildImdbCnn } from './imdb-cnn';
import { buildImdbFasttext } from './imdb-fasttext';
import { buildImdbLstm } from './imdb-lstm';
import { fitAndEvaluate, imdbTensors, trainOnImdb } from './imdb-training';

const NUM_WORDS = 1000;
const quiet = { workers: 1, batchSize: 32, backend: 'wasm' } as const;

beforeAll(async () => {
  await initBackend('wasm');
});

describeWithDataset('imdb', IMDB_FILES, 'IMDB examples on real reviews', () => {
  let imdb: { train: ImdbSplit; test: ImdbSplit };
  let small: ImdbSplit;
  beforeAll(async () => {
    const loaded = await loadImdb({ numWords: 20000, samples: 2000 });
    if ('skipped' in loaded) throw new Error(loaded.skipped);
    imdb = loaded;
    // 320 reviews with ids capped at NUM_WORDS, as load_data(num_words=NUM_WORDS) would give them
    small = { x: imdb.train.x.slice(0, 320).map((s) => s.map((id) => (id < NUM_WORDS ? id : IMDB_OOV))), y: imdb.train.y.slice(0, 320) };
  });

  it.each([
    ['imdb-cnn', () => buildImdbCnn({ maxFeatures: NUM_WORDS, maxlen: 100, embeddingDims: 16, filters: 16, hiddenDims: 16 }), 100],
    ['imdb-lstm', () => buildImdbLstm({ maxFeatures: NUM_WORDS, maxlen: 40, units: 8 }), 40],
    ['imdb-bidirectional-lstm', () => buildImdbBidirectionalLstm({ maxFeatures: NUM_WORDS, maxlen: 40, units: 4 }), 40],
    ['imdb-fasttext', () => buildImdbFasttext({ maxFeatures: NUM_WORDS, maxlen: 100, embeddingDims: 16 }), 100],
  ] as [string, () => Sequential, number][])('%s trains on 320 real reviews (loss goes down)', async (_name, build, maxlen) => {
    const model = build();
    const x = padSequences(small.x, { maxlen });
    const y = tf.tensor2d(small.y, [small.y.length, 1]);
    const history = await model.fit(x, y, { batchSize: 32, epochs: 3, verbose: 0, seed: 1 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).toBeLessThan(losses[0]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('(slow, ~10 s) fastText at full size, 5 epochs on 2,000 reviews, reaches test accuracy above 0.75 on 2,000 others', async () => {
    const data = imdbTensors(imdb.train, imdb.test, 400);
    const model = buildImdbFasttext();
    const result = await fitAndEvaluate(model, data, { ...quiet, epochs: 5 }, 0);
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
    model.dispose();
  });
});

describe('without the datasets', () => {
  it('an IMDB example says where it looked and trains on generated reviews', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const build = () => buildImdbFasttext({ maxFeatures: 100, maxlen: 20, embeddingDims: 8 });
      const result = await trainOnImdb(build, { maxlen: 20, numWords: 100 }, { ...quiet, epochs: 1, samples: 64, data: '/no/such/folder' }, 0);
      expect(result.source).toBe('generated');
      expect(log.mock.calls.flat().join('\n')).toMatch(/\/no\/such\/folder\/imdb\/train\.csv\.gz.*--data DIR/s);
    } finally {
      log.mockRestore();
    }
  });
});
