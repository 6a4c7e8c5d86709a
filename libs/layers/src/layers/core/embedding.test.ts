import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, variableGradsStaged } from '@weft/tensor';
import { touchedRowsOf } from '../../optimizers/touched-rows';
import { runLayerTest } from '../../testing';
import { Embedding } from './embedding';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Embedding', () => {
  const ids = () => tf.tensor2d([[1, 2, 0], [4, 0, 0]], [2, 3], 'int32');

  it('matches tfjs-layers (outputs and gradients) and finite differences', () => {
    runLayerTest({
      layer: () => new Embedding({ inputDim: 5, outputDim: 3 }),
      inputs: ids(),
      expectedOutputShape: [2, 3, 3],
      expectedOutputMask: null,
      oracle: () => tfl.layers.embedding({ inputDim: 5, outputDim: 3 }),
    });
  });

  it('masks index 0 with maskZero and accepts float ids', () => {
    runLayerTest({
      layer: () => new Embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 3 }),
      inputs: tf.cast(ids(), 'float32'),
      expectedOutputShape: [2, 3, 2],
      expectedOutputMask: tf.tensor2d([[1, 1, 0], [1, 0, 0]], [2, 3], 'bool'),
      oracle: () => tfl.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }),
      differentiableInputs: false,
      finiteDifferences: { samples: 4 },
    });
  });

  it('marks its table row-sparse: the gradient is +0 in every row the batch did not look up', () => {
    const layer = new Embedding({ inputDim: 6, outputDim: 2 });
    layer.build([null, 3]);
    expect(layer.embeddings!.sparseGradient).toBe(true);
    const table = layer.embeddings!.variable;
    const grad = tf.variableGrads(() => tf.sum(layer.call(ids(), {}) as tf.Tensor), [table]).grads[table.name];
    const untouched = (grad.arraySync() as number[][]).flatMap((row, i) => (row.every((v) => Object.is(v, 0)) ? [i] : []));
    expect(untouched).toEqual([3, 5]);
  });

  it("declares the rows it looked up on its gradient, which has the bits of tfjs's gather gradient", async () => {
    const layer = new Embedding({ inputDim: 50, outputDim: 4 });
    layer.build([null, 6]);
    const table = layer.embeddings!.variable;
    const x = tf.tensor2d([[7, 3, 49, 3, 0, 12], [12, 12, 30, 7, 1, 2]], [2, 6], 'int32');
    const dy = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 5);
    const loss = (out: () => tf.Tensor) => () => tf.sum(tf.mul(out(), dy)) as tf.Scalar;
    const staged: tf.Tensor[] = [];
    const ours = [
      tf.variableGrads(loss(() => layer.call(x, {}) as tf.Tensor), [table]).grads[table.name],
      (await variableGradsStaged(loss(() => layer.call(x, {}) as tf.Tensor), [table], (_, g) => void staged.push(g))).grads[0]!,
    ];
    const stock = tf.variableGrads(loss(() => tf.reshape(tf.gather(table, tf.reshape(x, [-1])), [2, 6, 4])), [table]).grads[table.name];
    expect(staged).toHaveLength(1);
    expect(staged[0]).toBe(ours[1]);
    for (const grad of ours) {
      expect(Array.from(touchedRowsOf(grad)!)).toEqual([0, 1, 2, 3, 7, 12, 30, 49]);
      expect(new Uint32Array(grad.dataSync().buffer)).toEqual(new Uint32Array(stock.dataSync().buffer));
    }
  });

  it('names bad arguments', () => {
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow('Received: inputDim=0');
    expect(() => new Embedding({ inputDim: 3, outputDim: 2.5 })).toThrow('Received: outputDim=2.5');
  });
});
