import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { deserializeLayer, serializeLayer } from '../engine/registry';
import { input } from '../engine/input-layer';
import { Dense } from '../layers/core/dense';
import { Embedding } from '../layers/core/embedding';
import { Concatenate } from '../layers/merging/concatenate';
import { Add } from '../layers/merging/add';
import { Model } from './model';
import { Sequential } from './sequential';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('functional Model', () => {
  it('runs several inputs and outputs with a shared layer, and matches a manual computation', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = new Dense({ units: 2, name: 'shared' });
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const sum = new Add({ name: 'sum' }).apply([ha, hb]);
    const cat = new Concatenate({ name: 'cat' }).apply([ha, hb]);
    const model = new Model({ inputs: [a, b], outputs: [sum, cat], name: 'two' });
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'sum', 'cat']);
    expect(model.weights).toHaveLength(2); // the shared Dense counts once
    const xa = tf.randomNormal([4, 3]);
    const xb = tf.randomNormal([4, 3]);
    const [ys, yc] = model.predict([xa, xb]) as tf.Tensor[];
    const ref = (x: tf.Tensor) => tf.add(tf.matMul(x, shared.kernel!.read()), shared.bias!.read());
    expect(Array.from(ys.dataSync())).toEqual(Array.from(tf.add(ref(xa), ref(xb)).dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(yc.shape).toEqual([4, 4]);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/Connected to/);
    expect(text).toMatch(/│ shared \(Dense\)\s+│ \(None, 2\)\s+│\s+8 │ a\[0\]\[0\]/);
    expect(text).toMatch(/│ sum \(Add\)\s+│ \(None, 2\)\s+│\s+0 │ shared\[0\]\[0\]/);
    expect(text).toMatch(/shared\[1\]\[0\]/);
  });

  it('nests a model as a layer and round-trips through config', () => {
    const inner = new Sequential({ name: 'inner', layers: [new Dense({ units: 3, inputShape: [4], activation: 'tanh' })] });
    const x = input({ shape: [4] });
    const h = inner.apply(x);
    const out = new Dense({ units: 1 }).apply(h);
    const outer = new Model({ inputs: x, outputs: out });
    expect(outer.trainableWeights).toHaveLength(4);
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(outer)))) as Model;
    copy.setWeights(outer.getWeights());
    const data = tf.randomNormal([2, 4]);
    expect(Array.from((copy.predict(data) as tf.Tensor).dataSync())).toEqual(Array.from((outer.predict(data) as tf.Tensor).dataSync()));
  });

  it('propagates an Embedding mask and names a disconnected graph', () => {
    const ids = input({ shape: [3], dtype: 'int32' });
    const emb = new Embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const model = new Model({ inputs: ids, outputs: emb.apply(ids) });
    const r = model.invoke(tf.tensor2d([[1, 0, 2]], [1, 3], 'int32'));
    expect(Array.from((r.mask as tf.Tensor).dataSync())).toEqual([1, 0, 1]);
    const other = input({ shape: [3] });
    expect(() => new Model({ inputs: other, outputs: emb.apply(ids) })).toThrow(/Graph disconnected/);
  });

  it('rejects duplicate layer names', () => {
    const x = input({ shape: [2] });
    const y = new Dense({ units: 1, name: 'd' }).apply(new Dense({ units: 1, name: 'd' }).apply(x));
    expect(() => new Model({ inputs: x, outputs: y })).toThrow(/The name "d" is used 2 times/);
  });
});
