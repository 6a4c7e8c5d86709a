// The README's example models, at small sizes, exported to the tfjs-layers format: tf.loadLayersModel
// loads each, and it predicts what weft predicts on the same input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerTfjsExport, tfjsFileHandler, unregisterTfjsExport, type Model } from '@weft/layers';
import { initBackend, tf } from '@weft/tensor';
import { buildImdbBidirectionalLstm } from './imdb-bidirectional-lstm';
import { buildImdbCnn } from './imdb-cnn';
import { buildImdbFasttext } from './imdb-fasttext';
import { buildImdbLstm } from './imdb-lstm';
import { buildMlp } from './mlp';
import { buildPosTagger } from './pos-tagger-lstm';
import { buildAttentionClassifier } from './simple-attention';

beforeAll(async () => {
  await initBackend('cpu');
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-tfjs-examples-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Token ids 1..vocab-1 with zero padding at the start (as padSequences pads) and, in one row, at the end. */
function ids(rows: number, maxlen: number, vocab: number): tf.Tensor2D {
  const data = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: maxlen }, (_, t) => (t < r % 4 || (r === 1 && t >= maxlen - 2) ? 0 : 1 + ((r * 7 + t * 3) % (vocab - 1)))),
  );
  return tf.tensor2d(data, [rows, maxlen], 'int32');
}

/** Trained-looking weights: every weight moved off its initial value. */
function randomize(model: Model): void {
  model.weights.forEach((w, i) => {
    const v = tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 11 + i);
    w.assign(v);
    v.dispose();
  });
}

async function exportAndCompare(model: Model, x: tf.Tensor): Promise<number> {
  randomize(model);
  await model.save(`file://${dir}/tfjs`, { format: 'tfjs' });
  const loaded = await tfl.loadLayersModel(tfjsFileHandler(path.join(dir, 'tfjs')));
  const ours = model.predict(x) as tf.Tensor;
  const theirs = loaded.predict(x) as tf.Tensor;
  expect(theirs.shape).toEqual(ours.shape);
  return tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0];
}

/** A tfjs-layers layer that takes a masked sequence [batch, steps, features] to one vector [batch, features], with no output mask. */
abstract class TfjsSequenceToVector extends tfl.layers.Layer {
  constructor(args: { name?: string }) {
    super(args);
    this.supportsMasking = true;
  }
  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = shape as tfl.Shape;
    return [s[0], s[2]];
  }
  // No output mask (tfjs-layers' type says Tensor, its code takes null).
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }
}

// tfjs-layers' side of examples/simple-attention.ts's custom layer: same math, same weight names.
class TfjsSimpleAttention extends TfjsSequenceToVector {
  static className = 'SimpleAttention';
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    const [, steps, features] = shape as number[];
    this.kernel = this.addWeight('att_weight', [features, 1], 'float32', tfl.initializers.glorotUniform({}));
    this.bias = this.addWeight('att_bias', [steps, 1], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, steps, features] = x.shape;
      const flat = tf.matMul(tf.reshape(x, [batch * steps, features]), this.kernel!.read() as tf.Tensor2D);
      let scores = tf.tanh(tf.add(tf.reshape(flat, [batch, steps]), tf.reshape(this.bias!.read(), [steps])));
      if (kwargs.mask) scores = tf.add(scores, tf.mul(tf.sub(1, tf.cast(kwargs.mask, 'float32')), -1e9));
      return tf.sum(tf.mul(x, tf.expandDims(tf.softmax(scores, 1), 2)), 1);
    });
  }
}
tf.serialization.registerClass(TfjsSimpleAttention);

describe("the README's models export to the tfjs-layers format and predict the same in tfjs-layers (1e-5)", () => {
  it.each([
    ['MLP', () => buildMlp(10, 20, 16), () => tf.randomNormal([4, 20], 0, 1, 'float32', 1)],
    ['IMDB CNN', () => buildImdbCnn({ maxFeatures: 50, maxlen: 20, embeddingDims: 8, filters: 6, hiddenDims: 5 }), () => ids(4, 20, 50)],
    ['IMDB LSTM', () => buildImdbLstm({ maxFeatures: 50, maxlen: 12, units: 6 }), () => ids(4, 12, 50)],
    ['IMDB bidirectional LSTM', () => buildImdbBidirectionalLstm({ maxFeatures: 50, maxlen: 12, units: 4 }), () => ids(4, 12, 50)],
    ['POS tagger (masked LSTM, TimeDistributed)', () => buildPosTagger({ vocabSize: 50, maxlen: 10, embeddingDims: 8, units: 6, numTags: 5 }), () => ids(4, 10, 50)],
    ['attention classifier (custom layer, masked Bidirectional LSTM)', () => buildAttentionClassifier({ maxFeatures: 50, maxlen: 10, units: 4 }), () => ids(4, 10, 50)],
  ] as const)('%s', async (_name, build, x) => {
    expect(await exportAndCompare(build(), x())).toBeLessThanOrEqual(1e-5);
  });

  it("fastText (masked average pooling): refused, since tfjs-layers' GlobalAveragePooling1D has no mask support", async () => {
    const model = buildImdbFasttext({ maxFeatures: 50, maxlen: 12, embeddingDims: 8 });
    await expect(model.save(`file://${dir}/tfjs`, { format: 'tfjs' })).rejects.toThrow(
      /\(GlobalAveragePooling1D\) receives a mask \(made by 'embedding.*'\).*does not support masks/,
    );
  });
});

// What a user does for fastText: a mask-aware pooling class in tfjs-layers, and the export pointed at it.
class TfjsMaskedAveragePooling1D extends TfjsSequenceToVector {
  static className = 'MaskedGlobalAveragePooling1D';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs.mask) return tf.mean(x, 1);
      const w = tf.expandDims(tf.cast(kwargs.mask, 'float32'), 2);
      return tf.div(tf.sum(tf.mul(x, w), 1), tf.maximum(tf.sum(w, 1), 1));
    });
  }
}
tf.serialization.registerClass(TfjsMaskedAveragePooling1D);

describe('fastText through registerTfjsExport', () => {
  afterEach(() => unregisterTfjsExport('GlobalAveragePooling1D'));

  it('with a mask-aware pooling class registered on both sides, it loads and predicts the same', async () => {
    registerTfjsExport('GlobalAveragePooling1D', (layer) => ({ className: 'MaskedGlobalAveragePooling1D', config: { name: layer.name }, weights: [] }));
    const model = buildImdbFasttext({ maxFeatures: 50, maxlen: 12, embeddingDims: 8 });
    expect(await exportAndCompare(model, ids(4, 12, 50))).toBeLessThanOrEqual(1e-5);
  });
});
