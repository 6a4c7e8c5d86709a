import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { Dense } from '../layers/core/dense';
import { Dropout } from '../layers/regularization/dropout';
import { deserializeLayer, serializeLayer } from '../engine/registry';
import { input } from '../engine/input-layer';
import { Sequential } from './sequential';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Sequential', () => {
  it('builds from the first layer inputShape/inputDim and checks shapes as layers are added', () => {
    const model = new Sequential();
    model.add(new Dense({ units: 4, inputDim: 3, activation: 'tanh' }));
    model.add(new Dense({ units: 2 }));
    expect(model.built).toBe(true);
    expect(model.outputs[0].shape).toEqual([null, 2]);
    expect(model.countParams()).toBe(3 * 4 + 4 + 4 * 2 + 2);
    const y = model.predict(tf.ones([5, 3])) as tf.Tensor;
    expect(y.shape).toEqual([5, 2]);
    expect(() => model.predict(tf.ones([5, 4]))).toThrow(/expected shape \[null,3\]. Received: shape=\[5,4\]/);
    expect(() => model.predict(tf.ones([5]))).toThrow(/expected shape \[null,3\]. Received: shape=\[5\]/);
  });

  it('builds lazily on the first data when no input shape was given, and pops', () => {
    const model = new Sequential({ layers: [new Dense({ units: 3 }), new Dense({ units: 1 })] });
    expect(model.built).toBe(false);
    expect((model.predict(tf.ones([2, 6])) as tf.Tensor).shape).toEqual([2, 1]);
    expect(model.built).toBe(true);
    model.pop();
    expect(model.layers).toHaveLength(1);
    expect((model.predict(tf.ones([2, 6])) as tf.Tensor).shape).toEqual([2, 3]);
  });

  it('accepts an input() as first entry', () => {
    const model = new Sequential();
    model.add(input({ shape: [7] }));
    model.add(new Dense({ units: 2 }));
    expect(model.outputs[0].shape).toEqual([null, 2]);
  });

  it('round-trips through its config with the same outputs', () => {
    const model = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3], activation: 'relu' }), new Dropout({ rate: 0.2 }), new Dense({ units: 2, activation: 'softmax' })] });
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(model)))) as Sequential;
    copy.setWeights(model.getWeights());
    const x = tf.randomNormal([4, 3]);
    expect(Array.from((copy.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    expect(copy.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense']);
  });

  it('prints the Keras summary table', () => {
    const model = new Sequential({ name: 'mlp' });
    model.add(new Dense({ units: 512, activation: 'relu', inputShape: [784], name: 'dense' }));
    model.add(new Dropout({ rate: 0.2, name: 'dropout' }));
    model.add(new Dense({ units: 10, activation: 'softmax', name: 'dense_1' }));
    const lines: string[] = [];
    const text = model.summary({ printFn: (l) => lines.push(l) });
    expect(lines[0]).toBe('Model: "mlp"');
    expect(text).toMatch(/┃ Layer \(type\)\s+┃ Output Shape\s+┃\s+Param # ┃/);
    expect(text).toMatch(/│ dense \(Dense\)\s+│ \(None, 512\)\s+│\s+401,920 │/);
    expect(text).toMatch(/│ dropout \(Dropout\)\s+│ \(None, 512\)\s+│\s+0 │/);
    expect(text).toContain(' Total params: 407,050 (1.55 MB)');
    expect(text).toContain(' Trainable params: 407,050 (1.55 MB)');
    expect(text).toContain(' Non-trainable params: 0 (0.00 B)');
  });
});
