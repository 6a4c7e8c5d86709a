import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maxRelativeError, randomValues, runOn } from './kernel-test-utils';

// Small versions of the seed's IMDB models, built with tfjs-layers as the oracle; gradients of
// every weight on wasm (with our kernels) must match the cpu backend's.
function cnn(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 13 }));
  m.add(tfl.layers.conv1d({ filters: 12, kernelSize: 3, padding: 'valid', activation: 'relu' }));
  m.add(tfl.layers.globalMaxPooling1d());
  m.add(tfl.layers.dense({ units: 6, activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}

function cnnWithPoolingAndStrides(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: 50, outputDim: 6, inputLength: 13 }));
  m.add(tfl.layers.conv1d({ filters: 5, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tfl.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}

function lstm(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 9 }));
  // glorot instead of the orthogonal default: the orthogonal initializer needs chained ops
  m.add(tfl.layers.lstm({ units: 6, recurrentInitializer: 'glorotNormal' }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}

async function expectSameGradients(build: () => tfl.Sequential, length: number): Promise<void> {
  const batch = 4;
  const ids = Array.from(randomValues(batch * length, length), (v) => Math.floor((v + 1) * 25)); // repeats likely
  ids[1] = ids[0];
  const labels = Array.from({ length: batch }, (_, i) => i % 2);
  await tf.setBackend('cpu');
  const model = build();
  const step = () => {
    const { grads, value } = tf.variableGrads(() => {
      const p = model.apply(tf.tensor2d(ids, [batch, length], 'int32')) as tf.Tensor;
      return tf.mean(tf.square(tf.sub(p, tf.tensor2d(labels, [batch, 1]))));
    });
    return [value, ...model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name])];
  };
  const expected = await runOn('cpu', step);
  const actual = await runOn('wasm', step);
  expect(actual.length).toBe(model.trainableWeights.length + 1);
  expected.forEach((e, i) => expect(maxRelativeError(actual[i], e)).toBeLessThan(1e-4));
  expect(expected.slice(1).some((g) => g.some((v) => v !== 0))).toBe(true);
  model.layers.forEach((l) => l.dispose());
}

describe("the seed's models train on wasm with our kernels", () => {
  it('Embedding -> Conv1D -> GlobalMaxPool1D -> Dense: gradients match cpu', async () => {
    await expectSameGradients(cnn, 13);
  });
  it('Embedding -> Conv1D (stride 2, same) -> MaxPooling1D -> Dense: gradients match cpu', async () => {
    await expectSameGradients(cnnWithPoolingAndStrides, 13);
  });
  it('Embedding -> LSTM -> Dense: gradients match cpu', async () => {
    await expectSameGradients(lstm, 9);
  });
  it('a compiled model takes an optimizer step on wasm', async () => {
    await tf.setBackend('wasm');
    const model = cnn();
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = tf.tensor2d(Array.from({ length: 8 * 13 }, (_, i) => (i * 7) % 50), [8, 13], 'int32');
    const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [8, 1]);
    const first = (await model.trainOnBatch(x, y)) as number;
    const afterFirst = tf.memory().numTensors; // optimizer state now exists
    let last = first;
    for (let i = 0; i < 20; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(Number.isFinite(last) && last < first).toBe(true);
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([x, y]);
  });
});
