import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { input } from '../engine/input-layer';
import { Activation } from '../layers/activations/activation';
import { Dense } from '../layers/core/dense';
import { Embedding } from '../layers/core/embedding';
import { Concatenate } from '../layers/merging/concatenate';
import { Subtract } from '../layers/merging/subtract';
import { BatchNormalization } from '../layers/normalization/batch-normalization';
import { LayerNormalization } from '../layers/normalization/layer-normalization';
import { Dropout } from '../layers/regularization/dropout';
import { Flatten } from '../layers/reshaping/flatten';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { L2 } from '../regularizers';
import { exportTfjsLayersModel } from './tfjs-format';

beforeAll(async () => {
  await initBackend('cpu');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-tfjs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file:// style IOHandler for Node: reads model.json and its weight files from a directory. */
function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const base = path.dirname(modelJsonPath);
      const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      const buffers = manifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(base, p))));
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

async function roundTrip(model: Model, x: tf.Tensor | tf.Tensor[]): Promise<void> {
  await exportTfjsLayersModel(model, path.join(dir, 'tfjs'));
  expect(fs.readdirSync(path.join(dir, 'tfjs')).sort()).toEqual(['model.json', 'weights.bin']);
  const loaded = await tfl.loadLayersModel(fileHandler(path.join(dir, 'tfjs', 'model.json')));
  const ours = model.predict(x) as tf.Tensor;
  const theirs = loaded.predict(x) as tf.Tensor;
  expect(theirs.shape).toEqual(ours.shape);
  const a = ours.dataSync();
  const b = theirs.dataSync();
  a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
}

describe('tfjs LayersModel export', () => {
  it('a Sequential MLP with dropout and a regularizer loads in tfjs-layers and predicts the same', async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 8, activation: 'relu', inputShape: [5], kernelRegularizer: new L2({ l2: 0.01 }) }));
    model.add(new Dropout({ rate: 0.2 }));
    model.add(new LayerNormalization());
    model.add(new Dense({ units: 3, activation: 'softmax' }));
    await roundTrip(model, tf.randomNormal([4, 5]));
  });

  it('a functional model with Embedding, BatchNormalization and a merge loads in tfjs-layers', async () => {
    const ids = input({ shape: [6], name: 'ids' });
    const emb = new Embedding({ inputDim: 20, outputDim: 4, name: 'emb' }).apply(ids);
    const flat = new Flatten().apply(emb);
    const norm = new BatchNormalization();
    const bn = norm.apply(flat);
    const a = new Dense({ units: 3, name: 'a' }).apply(bn);
    const b = new Activation({ activation: 'tanh' }).apply(new Dense({ units: 2, name: 'b' }).apply(bn));
    const out = new Concatenate().apply([a, b]);
    const model = new Model({ inputs: ids, outputs: out });
    // Non-default gamma, beta and moving statistics, so that inference-mode normalization is checked.
    norm.setWeights([
      tf.randomUniform([24], 0.5, 1.5), tf.randomUniform([24], -1, 1), tf.randomUniform([24], -1, 1), tf.randomUniform([24], 0.5, 2),
    ]);
    await roundTrip(model, tf.tensor2d([[1, 2, 3, 4, 5, 6], [0, 19, 7, 7, 7, 1]]));
  });

  it('refuses a layer tfjs-layers does not have, naming it', async () => {
    const x = input({ shape: [2] });
    const model = new Model({ inputs: x, outputs: new Subtract({ name: 'diff' }).apply([x, x]) });
    await expect(exportTfjsLayersModel(model, path.join(dir, 'bad'))).rejects.toThrow(/Layer 'diff' \(Subtract\) has no tfjs-layers equivalent/);
  });
});
