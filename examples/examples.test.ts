// The seed's models: Keras's parameter counts at full size, and a few training steps at small
// size on generated data. (Run by jest when `examples` is among its roots.)
import { tf, initBackend } from '@weft/tensor';
import { loadMnistDigits } from './data/mnist-digits';
import { syntheticReviews, syntheticTaggedSentences } from './example-data';
import { buildImdbBidirectionalLstm } from './imdb-bidirectional-lstm';
import { buildImdbCnn } from './imdb-cnn';
import { buildImdbFasttext } from './imdb-fasttext';
import { buildImdbLstm } from './imdb-lstm';
import { buildMlp, trainMlp } from './mlp';
import { buildPosTagger } from './pos-tagger-lstm';

beforeAll(async () => {
  // wasm: the cpu backend's embedding gradient (UnsortedSegmentSum) takes ~0.3 s per step even at this size.
  await initBackend('wasm');
});

describe('seed models', () => {
  it.each([
    ['IMDB CNN', buildImdbCnn, 1100751],
    ['IMDB LSTM', buildImdbLstm, 2691713],
    ['IMDB bidirectional LSTM', buildImdbBidirectionalLstm, 2658945],
    ['IMDB fastText', buildImdbFasttext, 1000051],
    ['POS tagger LSTM', buildPosTagger, 673414],
    ['MNIST MLP', () => buildMlp(), 669706],
  ] as const)('%s has the parameter count Keras gives, in its summary', (_name, build, params) => {
    const model = build();
    const lines: string[] = [];
    model.summary({ printFn: (line: string) => lines.push(line) });
    expect(model.countParams()).toBe(params);
    expect(lines.join('\n')).toContain(`Total params: ${params.toLocaleString('en-US')}`);
    model.dispose();
  });

  it.each([
    ['IMDB CNN', () => buildImdbCnn({ maxFeatures: 100, maxlen: 20, embeddingDims: 8, filters: 6, hiddenDims: 5 }), 20],
    ['IMDB LSTM', () => buildImdbLstm({ maxFeatures: 100, maxlen: 12, units: 6 }), 12],
    ['IMDB bidirectional LSTM', () => buildImdbBidirectionalLstm({ maxFeatures: 100, maxlen: 12, units: 4 }), 12],
    ['IMDB fastText', () => buildImdbFasttext({ maxFeatures: 100, maxlen: 20, embeddingDims: 8 }), 20],
  ] as const)('%s trains on generated data (loss goes down)', async (_name, build, maxlen) => {
    const model = build();
    const { x, y } = syntheticReviews(64, maxlen, 100);
    const history = await model.fit(x, y, { batchSize: 16, epochs: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  it('the sequence tagger trains with padded steps masked out of the loss', async () => {
    const model = buildPosTagger({ vocabSize: 60, maxlen: 10, embeddingDims: 8, units: 8, numTags: 6 });
    const { x, y } = syntheticTaggedSentences(64, 10, 60, 6);
    const history = await model.fit(x, y, { batchSize: 16, epochs: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const probabilities = model.predict(x) as tf.Tensor;
    expect(probabilities.shape).toEqual([64, 10, 6]);
    // Labels of padded steps must not matter: changing them leaves the loss unchanged.
    const padded = tf.equal(x, 0);
    const otherLabels = tf.where(padded, tf.fill(y.shape, 5, 'int32'), tf.cast(y, 'int32'));
    const a = (await model.evaluate(x, y, { verbose: 0 })) as number[];
    const b = (await model.evaluate(x, otherLabels, { verbose: 0 })) as number[];
    expect(Math.abs(a[0] - b[0])).toBeLessThan(1e-6);
  });
});

describe('the MLP on real digits (the mnist package)', () => {
  it('splits 10,000 real 28x28 digits per class, 80% to train, classes interleaved and balanced', async () => {
    const digits = await loadMnistDigits();
    if ('skipped' in digits) throw new Error(digits.skipped); // a devDependency: npm ci installs it
    const { train, test } = digits;
    expect(train.labels.length + test.labels.length).toBe(10000);
    expect(train.labels.length).toBeGreaterThan(7900);
    expect(train.pixels.length).toBe(train.labels.length * 784);
    expect(Array.from(train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const counts = new Array(10).fill(0);
    for (const label of test.labels) counts[label]++;
    expect(Math.min(...counts)).toBeGreaterThan(150); // every class in the test set
    let [min, max, sum] = [Infinity, -Infinity, 0];
    for (const p of train.pixels) {
      if (p < min) min = p;
      if (p > max) max = p;
      sum += p;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(sum / train.pixels.length).toBeCloseTo(0.13, 1); // MNIST's mean grey level, 0.1307
  });

  it('trains data-parallel with --workers 2 on --samples of them, well above chance', async () => {
    const result = await trainMlp({ epochs: 2, samples: 500, workers: 2, batchSize: 64, backend: 'wasm' }, 0);
    expect(result).toMatchObject({ source: 'mnist', trainSamples: 500 });
    expect(result.testAccuracy).toBeGreaterThan(0.6);
  });
});
