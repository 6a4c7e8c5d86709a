import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { input } from '../engine/input-layer';
import { Layer, type CallArgs, type Tensors } from '../engine/layer';
import { Dense } from '../layers/core/dense';
import { Embedding } from '../layers/core/embedding';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { writeDirAtomic } from './atomic-write';
import { loadModel } from '../models/load-model';
import { loadWeights, saveModel, saveWeights } from './save-model';

beforeAll(async () => {
  await initBackend('cpu');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-saving-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const weightsOf = (m: Model) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('saveModel / loadModel', () => {
  it('restores architecture, weights and optimizer state: training continues identically', async () => {
    const ids = input({ shape: [4], dtype: 'int32', name: 'ids' });
    const h = new Embedding({ inputDim: 10, outputDim: 3 }).apply(ids);
    const flat = new Dense({ units: 1, activation: 'sigmoid' }).apply(h);
    const model = new Model({ inputs: ids, outputs: flat });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d([[1, 2, 3, 0], [4, 5, 0, 0]], [2, 4], 'int32');
    const y = tf.tensor3d([[[1], [0], [1], [0]], [[0], [1], [0], [1]]]);
    await model.trainOnBatch(x, y);
    await model.save(path.join(dir, 'm'));
    expect(fs.readdirSync(path.join(dir, 'm')).sort()).toEqual(['config.json', 'optimizer.bin', 'weights.bin']);
    const loaded = await loadModel(path.join(dir, 'm'));
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    expect(loaded.compiled!.optimizer.iterations).toBe(1);
    await model.trainOnBatch(x, y);
    await loaded.trainOnBatch(x, y);
    weightsOf(loaded).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(weightsOf(model)[i][j], 6)));
  });

  it('names an unregistered custom layer and how to register it', async () => {
    class Doubler extends Layer {
      static override className = 'Doubler';
      call(inputs: Tensors, _args: CallArgs): Tensors {
        return tf.mul(inputs as tf.Tensor, 2);
      }
    }
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [2] }), new Doubler()] });
    await saveModel(model, path.join(dir, 'custom'));
    await expect(loadModel(path.join(dir, 'custom'))).rejects.toThrow(
      /Unknown layer class 'Doubler'.*static className = 'Doubler'.*registerLayer\(Doubler\)/,
    );
  });

  it('saveWeights / loadWeights round trip by weight name', async () => {
    const make = () => new Sequential({ name: 's', layers: [new Dense({ units: 3, inputShape: [2], name: 'a' }), new Dense({ units: 1, name: 'b' })] });
    const m1 = make();
    await saveWeights(m1, path.join(dir, 'w.bin'));
    const m2 = make();
    await loadWeights(m2, path.join(dir, 'w.bin'));
    expect(weightsOf(m2)).toEqual(weightsOf(m1));
    const other = new Sequential({ layers: [new Dense({ units: 3, inputShape: [2], name: 'c' })] });
    await expect(loadWeights(other, path.join(dir, 'w.bin'))).rejects.toThrow(/No saved value for weight 'c\/kernel'/);
  });

  it('keeps the previous save when a new one fails midway', async () => {
    const target = path.join(dir, 'ckpt');
    await writeDirAtomic(target, async (tmp) => fs.writeFileSync(path.join(tmp, 'a'), 'good'));
    await expect(writeDirAtomic(target, async (tmp) => {
      fs.writeFileSync(path.join(tmp, 'a'), 'partial');
      throw new Error('disk full');
    })).rejects.toThrow('disk full');
    expect(fs.readFileSync(path.join(target, 'a'), 'utf8')).toBe('good');
    expect(fs.readdirSync(dir)).toEqual(['ckpt']);
  });
});
