import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { input } from '../engine/input-layer';
import { Layer, type CallArgs, type Tensors } from '../engine/layer';
import { registerLayer } from '../engine/registry';
import type { SymbolicTensor } from '../engine/layer';
import * as L from '../layers';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { L2 } from '../regularizers';
import { registerChainedOpsForTfjsLayers } from '../testing';
import { registerTfjsExport, unregisterTfjsExport } from './tfjs-export-registry';
import { tfjsFileHandler } from './tfjs-file-io';
import { exportTfjsLayersModel, toTfjsArtifacts } from './tfjs-format';

beforeAll(async () => {
  await initBackend('cpu');
  registerChainedOpsForTfjsLayers();
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-tfjs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Non-default weights everywhere (positive variances), so that every weight's placement is checked. */
function randomize(model: Model, seed = 1): void {
  model.weights.forEach((w, i) => {
    const v = w.name.endsWith('moving_variance')
      ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', seed + i)
      : tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed + i);
    w.assign(v);
    v.dispose();
  });
}

async function exportAndLoad(model: Model): Promise<tfl.LayersModel> {
  await model.save(`file://${dir}/tfjs`, { format: 'tfjs' });
  return tfl.loadLayersModel(tfjsFileHandler(path.join(dir, 'tfjs')));
}

/** Largest |weft - tfjs| over the outputs (over the positions `keep` marks, when given). */
function maxDiff(ours: tf.Tensor | tf.Tensor[], theirs: tf.Tensor | tf.Tensor[], keep?: tf.Tensor): number {
  const a = Array.isArray(ours) ? ours : [ours];
  const b = Array.isArray(theirs) ? theirs : [theirs];
  expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
  return Math.max(
    ...a.map((t, i) =>
      tf.tidy(() => {
        let d = tf.abs(tf.sub(t, b[i]));
        if (keep) d = tf.mul(d, tf.cast(keep.rank < d.rank ? tf.expandDims(keep, -1) : keep, 'float32'));
        return tf.max(d).dataSync()[0];
      }),
    ),
  );
}

async function expectSamePredictions(model: Model, x: tf.Tensor | tf.Tensor[], keep?: tf.Tensor): Promise<void> {
  randomize(model);
  const loaded = await exportAndLoad(model);
  expect(maxDiff(model.predict(x), loaded.predict(x), keep)).toBeLessThanOrEqual(1e-5);
}

const seq = (...layers: Layer[]) => new Sequential({ layers });
const normal = (shape: number[], seed = 3) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** Token ids with zero padding at the end of row 0 and the start of row 1. */
const paddedIds = () => tf.tensor2d([[3, 1, 4, 1, 5, 0, 0], [0, 0, 2, 6, 5, 3, 5]], [2, 7], 'int32');
const realSteps = () => tf.notEqual(paddedIds(), 0);

/** Each exportable layer in a small model, with an input for it. */
const LAYER_CASES: [string, () => Model, () => tf.Tensor | tf.Tensor[]][] = [
  ['Dense (relu, regularizer, constraint)', () => seq(L.dense({ units: 4, activation: 'relu', inputShape: [5], kernelRegularizer: new L2({ l2: 0.01 }), kernelConstraint: 'maxNorm' })), () => normal([3, 5])],
  ['Dense without bias, on a sequence', () => seq(L.dense({ units: 3, useBias: false, inputShape: [4, 5] })), () => normal([2, 4, 5])],
  ['Dropout and SpatialDropout1D (identity at inference)', () => seq(L.dropout({ rate: 0.5, inputShape: [4, 3] }), L.spatialDropout1d({ rate: 0.5 }), L.dense({ units: 2 })), () => normal([2, 4, 3])],
  ['Flatten', () => seq(L.flatten({ inputShape: [3, 4] }), L.dense({ units: 2 })), () => normal([2, 3, 4])],
  ['Reshape', () => seq(L.reshape({ targetShape: [2, 6], inputShape: [3, 4] }), L.dense({ units: 2 })), () => normal([2, 3, 4])],
  ['Permute', () => seq(L.permute({ dims: [2, 1], inputShape: [3, 4] }), L.dense({ units: 2 })), () => normal([2, 3, 4])],
  ['RepeatVector', () => seq(L.repeatVector({ n: 3, inputShape: [4] }), L.simpleRNN({ units: 2 })), () => normal([2, 4])],
  ['Embedding', () => seq(L.embedding({ inputDim: 10, outputDim: 4, inputShape: [7] }), L.flatten()), () => paddedIds()],
  ['Conv1D valid, strides 2', () => seq(L.conv1d({ filters: 3, kernelSize: 3, strides: 2, activation: 'tanh', inputShape: [9, 4] })), () => normal([2, 9, 4])],
  ['Conv1D same, dilation 2', () => seq(L.conv1d({ filters: 3, kernelSize: 3, padding: 'same', dilationRate: 2, inputShape: [9, 4] })), () => normal([2, 9, 4])],
  ['Conv2D same, strides 2', () => seq(L.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', inputShape: [7, 6, 2] })), () => normal([2, 7, 6, 2])],
  ['Conv3D', () => seq(L.conv3d({ filters: 2, kernelSize: 2, inputShape: [4, 5, 3, 2] })), () => normal([2, 4, 5, 3, 2])],
  ['MaxPooling1D and AveragePooling1D', () => seq(L.maxPooling1d({ poolSize: 2, inputShape: [9, 3] }), L.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' })), () => normal([2, 9, 3])],
  ['MaxPooling2D and AveragePooling2D', () => seq(L.maxPooling2d({ poolSize: 2, padding: 'same', inputShape: [5, 6, 2] }), L.averagePooling2d({ poolSize: 2 })), () => normal([2, 5, 6, 2])],
  ['MaxPooling3D and AveragePooling3D', () => seq(L.maxPooling3d({ poolSize: 2, inputShape: [4, 4, 6, 2] }), L.averagePooling3d({ poolSize: [1, 1, 3] })), () => normal([2, 4, 4, 6, 2])],
  ['GlobalMaxPooling1D', () => seq(L.globalMaxPooling1d({ inputShape: [5, 3] })), () => normal([2, 5, 3])],
  ['GlobalAveragePooling1D (no mask)', () => seq(L.embedding({ inputDim: 10, outputDim: 4, inputShape: [7] }), L.globalAveragePooling1d()), () => paddedIds()],
  ['GlobalMaxPooling2D and GlobalAveragePooling2D', () => {
    const x = input({ shape: [4, 5, 3] });
    return new Model({ inputs: x, outputs: L.concatenate().apply([L.globalMaxPooling2d().apply(x), L.globalAveragePooling2d().apply(x)] as SymbolicTensor[]) as SymbolicTensor });
  }, () => normal([2, 4, 5, 3])],
  ['SimpleRNN', () => seq(L.simpleRNN({ units: 3, activation: 'relu', inputShape: [5, 4] })), () => normal([2, 5, 4])],
  ['GRU (resetAfter false), returnSequences, goBackwards', () => seq(L.gru({ units: 3, resetAfter: false, returnSequences: true, goBackwards: true, inputShape: [5, 4] })), () => normal([2, 5, 4])],
  ['LSTM (gate order i, f, c, o)', () => seq(L.lstm({ units: 3, inputShape: [5, 4] })), () => normal([2, 5, 4])],
  ['LSTM with a softsign activation, returnSequences', () => seq(L.lstm({ units: 3, activation: 'softsign', returnSequences: true, inputShape: [5, 4] })), () => normal([2, 5, 4])],
  ['Masking then LSTM', () => seq(L.masking({ maskValue: 0, inputShape: [4, 3] }), L.lstm({ units: 2 })), () => tf.tensor3d([[[1, 2, 3], [0, 0, 0], [4, 5, 6], [0, 0, 0]], [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]])],
  ['Embedding maskZero then GRU, SimpleRNN and LSTM over the masked steps', () =>
    seq(
      L.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [7] }),
      L.gru({ units: 3, resetAfter: false, returnSequences: true }),
      L.simpleRNN({ units: 3, returnSequences: true }),
      L.lstm({ units: 2 }),
    ), () => paddedIds()],
  ['TimeDistributed(Dense)', () => seq(L.timeDistributed({ layer: L.dense({ units: 3, activation: 'softmax' }), inputShape: [4, 5] })), () => normal([2, 4, 5])],
  ['BatchNormalization (moving statistics)', () => seq(L.dense({ units: 4, inputShape: [3] }), L.batchNormalization({ epsilon: 0.01 })), () => normal([3, 3])],
  ['BatchNormalization without center and scale', () => seq(L.batchNormalization({ center: false, scale: false, inputShape: [4, 3] })), () => normal([2, 4, 3])],
  ['LayerNormalization', () => seq(L.layerNormalization({ inputShape: [4, 3] })), () => normal([2, 4, 3])],
  ...(['concat', 'sum', 'mul', 'ave'] as const).map((mergeMode): [string, () => Model, () => tf.Tensor] => [
    `Bidirectional(LSTM), mergeMode ${mergeMode}`,
    () => seq(L.bidirectional({ layer: L.lstm({ units: 3 }), mergeMode, inputShape: [5, 4] })),
    () => normal([2, 5, 4]),
  ]),
  ['Bidirectional(GRU) over masked steps', () => seq(L.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [7] }), L.bidirectional({ layer: L.gru({ units: 3, resetAfter: false }) })), () => paddedIds()],
  ['merges: Add, Multiply, Average, Maximum, Minimum, Concatenate(axis 1), Dot', () => {
    const a = input({ shape: [4] });
    const b = input({ shape: [4] });
    const ab = [a, b] as SymbolicTensor[];
    const parts = [L.add(), L.multiply(), L.average(), L.maximum(), L.minimum()].map((m) => m.apply(ab) as SymbolicTensor);
    const dot = L.dot({ axes: 1, normalize: true }).apply(ab) as SymbolicTensor;
    const stacked = L.concatenate({ axis: 1 }).apply([...parts, dot]) as SymbolicTensor;
    return new Model({ inputs: [a, b], outputs: L.dense({ units: 2 }).apply(stacked) as SymbolicTensor });
  }, () => [normal([3, 4], 1), normal([3, 4], 2)]],
  ['a Sequential nested in a functional model, a shared layer, two outputs', () => {
    const x = input({ shape: [5] });
    const inner = seq(L.dense({ units: 4, activation: 'tanh', inputShape: [5] }), L.dense({ units: 3 }));
    const shared = L.dense({ units: 3, name: 'shared' });
    const h = inner.apply(x) as SymbolicTensor;
    return new Model({ inputs: x, outputs: [shared.apply(h) as SymbolicTensor, shared.apply(L.activation({ activation: 'relu' }).apply(h) as SymbolicTensor) as SymbolicTensor] });
  }, () => normal([2, 5])],
  ['LSTM returnState in a functional model', () => {
    const x = input({ shape: [5, 4] });
    const [out, h, c] = L.lstm({ units: 3, returnSequences: true, returnState: true }).apply(x) as SymbolicTensor[];
    return new Model({ inputs: x, outputs: [L.globalAveragePooling1d().apply(out) as SymbolicTensor, L.add().apply([h, c]) as SymbolicTensor] });
  }, () => normal([2, 5, 4])],
];

describe('tfjs-layers export: each layer loads in tfjs-layers and predicts the same (1e-5)', () => {
  it.each(LAYER_CASES)('%s', async (_name, build, x) => {
    await expectSamePredictions(build(), x());
  });

  it.each(['elu', 'gelu', 'linear', 'logSoftmax', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'swish', 'tanh'])(
    'activation %s',
    async (activation) => {
      await expectSamePredictions(seq(L.dense({ units: 4, inputShape: [3] }), L.activation({ activation })), normal([3, 3]));
    },
  );

  it('Bidirectional(LSTM) returnSequences over masked steps: the same at every real step', async () => {
    // weft zeros the masked steps' outputs as Keras does; tfjs-layers repeats the last output there.
    const model = seq(L.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [7] }), L.bidirectional({ layer: L.lstm({ units: 3, returnSequences: true }) }));
    await expectSamePredictions(model, paddedIds(), realSteps());
  });
});

describe('tfjs-layers export: files and API', () => {
  it("model.save('file://dir', { format: 'tfjs' }) writes model.json + weights.bin; the tfjs-layers names and shapes", async () => {
    const model = seq(L.embedding({ inputDim: 10, outputDim: 4, inputShape: [7], name: 'emb' }), L.bidirectional({ layer: L.lstm({ units: 3, name: 'lstm' }), name: 'bi' }));
    await model.save(`file://${dir}/m`, { format: 'tfjs' });
    expect(fs.readdirSync(path.join(dir, 'm')).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'm', 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    const bi = json.modelTopology.config.layers[1];
    expect(bi.config.merge_mode).toBe('concat');
    expect(bi.config.layer.config).toMatchObject({ name: 'lstm', recurrent_activation: 'sigmoid', go_backwards: false, unit_forget_bias: true });
    expect(json.weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => `${w.name} ${w.shape}`)).toEqual([
      'emb/embeddings 10,4',
      'bi/forward_lstm/kernel 4,12', 'bi/forward_lstm/recurrent_kernel 3,12', 'bi/forward_lstm/bias 12',
      'bi/backward_lstm/kernel 4,12', 'bi/backward_lstm/recurrent_kernel 3,12', 'bi/backward_lstm/bias 12',
    ]);
    expect(fs.statSync(path.join(dir, 'm', 'weights.bin')).size).toBe(4 * (40 + 2 * (48 + 36 + 12)));
  });

  it('toTfjsArtifacts loads through tf.io.fromMemory', async () => {
    const model = seq(L.dense({ units: 2, inputShape: [3] }));
    randomize(model);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(toTfjsArtifacts(model)));
    expect(maxDiff(model.predict(normal([2, 3])), loaded.predict(normal([2, 3])) as tf.Tensor)).toBeLessThanOrEqual(1e-6);
  });

  it('refuses an unknown format', async () => {
    await expect(seq(L.dense({ units: 2, inputShape: [3] })).save(path.join(dir, 'x'), { format: 'keras' as 'tfjs' })).rejects.toThrow(
      "`format` must be 'weft' or 'tfjs'. Received: format=\"keras\"",
    );
  });
});

describe('tfjs-layers export: what tfjs-layers cannot load the same is an error naming the layer', () => {
  const expectRefused = (model: Model, message: RegExp) => expect(exportTfjsLayersModel(model, path.join(dir, 'bad'))).rejects.toThrow(message);

  it('a layer tfjs-layers lacks (Subtract, ZeroPadding1D)', async () => {
    const x = input({ shape: [2] });
    await expectRefused(new Model({ inputs: x, outputs: L.subtract({ name: 'diff' }).apply([x, x]) as SymbolicTensor }), /Layer 'diff' \(Subtract\) cannot be exported to the tfjs-layers format: tfjs-layers has no Subtract layer.*registerTfjsExport\('Subtract'/);
    await expectRefused(seq(L.zeroPadding1d({ padding: 1, inputShape: [3, 2] })), /\(ZeroPadding1D\) cannot be exported.*tfjs-layers has only ZeroPadding2D/);
    expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
  });

  it("Conv1D with causal padding (tfjs-layers 4.22 cannot run it)", async () => {
    await expectRefused(seq(L.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', inputShape: [4, 2] })), /\(Conv1D\) cannot be exported.*padding: 'causal'/);
  });

  it("GRU with resetAfter: true (weft's default)", async () => {
    await expectRefused(seq(L.gru({ units: 2, inputShape: [3, 2] })), /\(GRU\) cannot be exported.*resetAfter: true.*Build the GRU with resetAfter: false/);
  });

  it("an activation that differs (hardSigmoid) or that tfjs-layers lacks", async () => {
    await expectRefused(seq(L.lstm({ units: 2, recurrentActivation: 'hardSigmoid', inputShape: [3, 2] })), /recurrentActivation = 'hardSigmoid'.*relu6\(x \+ 3\) \/ 6/);
    await expectRefused(seq(L.dense({ units: 2, activation: 'exponential', inputShape: [3] })), /activation = 'exponential'.*no exponential activation/);
  });

  it('a mask reaching a layer whose tfjs-layers class does not support masks (masked average pooling)', async () => {
    const model = seq(L.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [7], name: 'emb' }), L.globalAveragePooling1d({ name: 'avg' }));
    await expectRefused(model, /Layer 'avg' \(GlobalAveragePooling1D\) receives a mask \(made by 'emb'\).*does not support masks: tf\.loadLayersModel would refuse/);
  });

  it('keepdims on global pooling', async () => {
    await expectRefused(seq(L.globalMaxPooling1d({ keepdims: true, inputShape: [3, 2] })), /keepdims: true/);
  });
});

// A custom layer, and its tfjs-layers twin: what a user registers on each side.
class Scale extends Layer {
  static override className = 'Scale';
  private factor: { read(): tf.Tensor } | null = null;
  override build(shape: number[]): void {
    this.factor = this.addWeight({ name: 'factor', shape: [shape[shape.length - 1] as number] });
    super.build(shape);
  }
  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.mul(inputs as tf.Tensor, this.factor!.read());
  }
}
registerLayer(Scale);

class TfjsScale extends tfl.layers.Layer {
  static className = 'Scale';
  private factor: tfl.LayerVariable | null = null;
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    const s = shape as number[];
    this.factor = this.addWeight('factor', [s[s.length - 1]], 'float32', tfl.initializers.ones());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.factor!.read());
  }
}
tf.serialization.registerClass(TfjsScale);

describe('tfjs-layers export: custom layers through registerTfjsExport', () => {
  afterEach(() => unregisterTfjsExport('Scale'));

  it('an unregistered custom layer is an error pointing at registerTfjsExport', async () => {
    await expect(exportTfjsLayersModel(seq(L.dense({ units: 2, inputShape: [3] }), new Scale({ name: 'sc' })), dir)).rejects.toThrow(
      /Layer 'sc' \(Scale\) cannot be exported.*registerTfjsExport\('Scale', \.\.\.\)/,
    );
  });

  it('registered with the default exporter, it loads as the tfjs-layers class of the same name', async () => {
    registerTfjsExport('Scale');
    await expectSamePredictions(seq(L.dense({ units: 2, inputShape: [3] }), new Scale()), normal([4, 3]));
  });
});
