import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
import { Dense } from '../layers/core/dense';
import { Layer, toSnakeCase, type CallArgs, type Tensors } from './layer';
import { deserializeLayer, registerLayer, serializeLayer } from './registry';
import type { Shape } from './shape';

beforeAll(async () => {
  await initBackend('cpu');
});

class Scale extends Layer {
  static override className = 'TestScale';
  factor!: ReturnType<Layer['addWeight']>;
  counter!: ReturnType<Layer['addWeight']>;
  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    this.factor = this.addWeight({ name: 'factor', shape: [shape[shape.length - 1] as number], initializer: 'zeros' });
    this.counter = this.addWeight({ name: 'calls', shape: [], initializer: 'zeros', trainable: false });
    super.build(inputShape);
  }
  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.mul(inputs as tf.Tensor, tf.add(this.factor.read(), 1));
  }
}

describe('Layer base', () => {
  it('tracks trainable and non-trainable weights by path, and counts params', () => {
    const layer = new Scale({ name: 'scale' });
    const y = layer.apply(tf.ones([2, 3])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(layer.weights.map((w) => w.name)).toEqual(['scale/factor', 'scale/calls']);
    expect(layer.trainableWeights.map((w) => w.name)).toEqual(['scale/factor']);
    expect(layer.nonTrainableWeights.map((w) => w.name)).toEqual(['scale/calls']);
    expect(layer.countParams()).toBe(4);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(2);
  });

  it('auto-names layers uniquely, Keras style', () => {
    const a = new Dense({ units: 1 });
    const b = new Dense({ units: 1 });
    expect(a.name).toMatch(/^dense(_\d+)?$/);
    expect(b.name).not.toBe(a.name);
    const taken = new Dense({ units: 1, name: 'dense_77' });
    const auto = Array.from({ length: 80 }, () => new Dense({ units: 1 }).name);
    expect(auto).not.toContain(taken.name);
  });

  it('rebuilds a registered custom layer from its config, and names the fix for an unregistered one', () => {
    const layer = new Scale({ name: 'custom' });
    const serialized = serializeLayer(layer);
    expect(() => deserializeLayer(serialized)).toThrow(
      /Unknown layer class 'TestScale'.*registerLayer\(TestScale\)/,
    );
    registerLayer(Scale);
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serialized)));
    expect(copy).toBeInstanceOf(Scale);
    expect(copy.name).toBe('custom');
  });

  it('refuses a class without its own static className', () => {
    class NoName extends Scale {}
    expect(() => registerLayer(NoName)).toThrow(/static className/);
  });

  it('setWeights names the expected count', () => {
    const layer = new Dense({ units: 2, name: 'd' });
    layer.apply(tf.ones([1, 3]));
    expect(() => layer.setWeights([tf.ones([3, 2])])).toThrow(/has 2 weights \(d\/kernel, d\/bias\). Received: 1 values/);
    expect(() => layer.setWeights([tf.ones([2, 2]), tf.ones([2])])).toThrow(/expected shape \[3,2\]. Received: shape=\[2,2\]/);
  });
});

describe('automatic layer names', () => {
  it('follow Keras snake_case', () => {
    expect(toSnakeCase('GlobalMaxPooling1D')).toBe('global_max_pooling1d');
    expect(toSnakeCase('Conv1D')).toBe('conv1d');
    expect(toSnakeCase('SimpleRNN')).toBe('simple_rnn');
    expect(toSnakeCase('LSTM')).toBe('lstm');
    expect(toSnakeCase('MultiHeadAttention')).toBe('multi_head_attention');
    expect(toSnakeCase('BatchNormalization')).toBe('batch_normalization');
  });
});
