import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { input } from '../engine/input-layer';
import { Dense } from '../layers/core/dense';
import { Embedding } from '../layers/core/embedding';
import { GlobalAveragePooling1D } from '../layers/pooling';
import { loadModel } from '../models/load-model';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { TextVectorization } from './text-vectorization';

// A model whose first layer is TextVectorization takes raw strings (Keras 3), on the wasm backend,
// where string tensors are created, sliced and reshaped in JS (tfjs's gather refuses them).
beforeAll(async () => {
  await initBackend('wasm');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-text-model-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const corpus = ['the film was great', 'a dull and boring film', 'great acting, great story', 'boring. so boring', 'what a great film!', 'dull'];
const labels = [1, 0, 1, 0, 1, 0];
const unseen = ['great great film', 'boring and dull', 'an unknown word', ''];

async function adapted(): Promise<TextVectorization> {
  const vectorizer = new TextVectorization({ maxTokens: 30, outputSequenceLength: 6, name: 'vectorize' });
  await vectorizer.adapt(corpus);
  return vectorizer;
}

/** The trained part: token ids -> probability (what a data pipeline that vectorizes feeds). */
async function trainedOnIds(vectorizer: TextVectorization): Promise<Sequential> {
  const model = new Sequential({
    name: 'classifier',
    layers: [
      new Embedding({ inputDim: vectorizer.vocabularySize(), outputDim: 4, maskZero: true, inputLength: 6 }),
      new GlobalAveragePooling1D(),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const { values, shape } = vectorizer.vectorize(corpus);
  const x = tf.tensor(values, shape, 'int32');
  const y = tf.tensor2d(labels, [labels.length, 1]);
  await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, seed: 1 });
  tf.dispose([x, y]);
  return model;
}

/** Vectorize in JS, then the id model: what the model on strings must reproduce. */
function vectorizeThenPredict(vectorizer: TextVectorization, model: Model, texts: string[]): number[] {
  const { values, shape } = vectorizer.vectorize(texts);
  return tf.tidy(() => Array.from((model.predict(tf.tensor(values, shape, 'int32')) as tf.Tensor).dataSync()));
}

const predictTexts = (model: Model, x: string[] | tf.Tensor, batchSize = 3) =>
  tf.tidy(() => Array.from((model.predict(x, { batchSize }) as tf.Tensor).dataSync()));

describe('a model that starts with TextVectorization', () => {
  it('Sequential([vectorizer, trained model]) predicts from strings, and saves and loads with its vocabulary', async () => {
    const vectorizer = await adapted();
    const trained = await trainedOnIds(vectorizer);
    const expected = vectorizeThenPredict(vectorizer, trained, unseen);
    const inference = new Sequential({ name: 'inference', layers: [vectorizer, trained] });
    // Raw strings (a JS array) and a string tensor, in batches of 3 (the last one short).
    expect(predictTexts(inference, unseen)).toEqual(expected);
    expect(predictTexts(inference, tf.tensor1d(unseen, 'string'))).toEqual(expected);
    await inference.save(dir);
    const loaded = await loadModel(dir);
    const reloaded = loaded.layers[0] as TextVectorization;
    expect(reloaded).toBeInstanceOf(TextVectorization);
    expect(reloaded.getVocabulary()).toEqual(vectorizer.getVocabulary());
    predictTexts(loaded, unseen).forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6));
  });

  it('functional: input({ shape: [1], dtype: "string" }) -> vectorizer -> layers; evaluate on strings; save and load', async () => {
    const vectorizer = await adapted();
    const texts = input({ shape: [1], dtype: 'string', name: 'text' });
    const ids = vectorizer.apply(texts);
    const embedded = new Embedding({ inputDim: vectorizer.vocabularySize(), outputDim: 4, maskZero: true }).apply(ids);
    const output = new Dense({ units: 1, activation: 'sigmoid' }).apply(new GlobalAveragePooling1D().apply(embedded));
    const model = new Model({ inputs: texts, outputs: output as never, name: 'end_to_end' });
    expect(model.outputs[0].shape).toEqual([null, 1]);
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const y = tf.tensor2d(labels, [labels.length, 1]);
    // A [n] array of strings is expanded to the input's [n, 1], as Keras does.
    const [loss, accuracy] = (await model.evaluate(corpus, y, { batchSize: 4 })) as number[];
    const predicted = predictTexts(model, corpus);
    const bce = -labels.reduce((s, l, i) => s + l * Math.log(predicted[i]) + (1 - l) * Math.log(1 - predicted[i]), 0) / labels.length;
    expect(loss).toBeCloseTo(bce, 5);
    expect(accuracy).toBeCloseTo(labels.filter((l, i) => (predicted[i] > 0.5 ? 1 : 0) === l).length / labels.length, 6);
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.inputs[0].dtype).toBe('string');
    predictTexts(loaded, unseen).forEach((p, i) => expect(p).toBeCloseTo(predictTexts(model, unseen)[i], 6));
    y.dispose();
  });

  it('trains end to end on strings in this process: the same weights as training on the ids', async () => {
    const vectorizer = await adapted();
    const build = (withVectorizer: boolean) => {
      const model = new Sequential({
        layers: [
          ...(withVectorizer ? [vectorizer] : []),
          new Embedding({ inputDim: vectorizer.vocabularySize(), outputDim: 3, maskZero: true, embeddingsInitializer: 'ones' }),
          new GlobalAveragePooling1D(),
          new Dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'ones' }),
        ],
      });
      model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      return model;
    };
    const y = tf.tensor2d(labels, [labels.length, 1]);
    const onStrings = build(true);
    await onStrings.fit(corpus, y, { epochs: 2, batchSize: 2, verbose: 0, seed: 3 });
    const onIds = build(false);
    const { values, shape } = vectorizer.vectorize(corpus);
    const x = tf.tensor(values, shape, 'int32');
    await onIds.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, seed: 3 });
    const weights = (m: Model) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(onStrings)).toEqual(weights(onIds));
    tf.dispose([x, y]);
  });

  it('refuses numbers where the model takes strings, and strings where it takes numbers, naming the input', async () => {
    const vectorizer = await adapted();
    const model = new Sequential({ layers: [vectorizer] });
    expect(() => model.predict(tf.tensor2d([[1], [2]]))).toThrow(/Input 0 .* must be strings \(texts\). Received: dtype=float32/);
    const numeric = new Sequential({ layers: [new Dense({ units: 1, inputShape: [1] })] });
    expect(() => numeric.predict(['text'])).toThrow(/must be numeric/);
  });
});
