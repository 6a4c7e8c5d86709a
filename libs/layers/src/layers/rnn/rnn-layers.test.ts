import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { deserializeLayer, serializeLayer } from '../../engine/registry';
import { runLayerTest } from '../../testing';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { SimpleRNN } from './simple-rnn';

beforeAll(async () => {
  await initBackend('cpu');
});

const x = () => tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
// Row 0 masks its last step, row 1 a middle one (initial states are zeros, where tfjs-layers and Keras agree).
const mask = () => tf.tensor2d([[1, 1, 1, 0], [1, 0, 1, 1]], [2, 4], 'bool');
// tfjs-layers' orthogonal initializer needs chained ops that tfjs-core alone lacks; the harness overwrites the values anyway.
const oracleInit = { recurrentInitializer: 'glorotUniform' } as const;

describe.each([false, true])('recurrent layers vs tfjs-layers (returnSequences %s)', (returnSequences) => {
  it('LSTM', () => {
    runLayerTest({
      layer: () => new LSTM({ units: 2, returnSequences }),
      inputs: x(),
      expectedOutputShape: returnSequences ? [2, 4, 2] : [2, 2],
      expectedNumTrainableWeights: 3,
      oracle: () => tfl.layers.lstm({ units: 2, returnSequences, recurrentActivation: 'sigmoid', ...oracleInit }),
    });
  });

  it('LSTM with a mask', () => {
    runLayerTest({
      layer: () => new LSTM({ units: 2, returnSequences }),
      inputs: x(),
      callArgs: { mask: mask() },
      oracleCallArgs: { mask: mask() },
      expectedOutputMask: returnSequences ? mask() : null,
      oracle: () => tfl.layers.lstm({ units: 2, returnSequences, recurrentActivation: 'sigmoid', ...oracleInit }),
    });
  });

  it('GRU (resetAfter false) with a mask, backwards', () => {
    runLayerTest({
      layer: () => new GRU({ units: 2, returnSequences, resetAfter: false, goBackwards: true }),
      inputs: x(),
      callArgs: { mask: mask() },
      oracleCallArgs: { mask: mask() },
      oracle: () =>
        tfl.layers.gru({ units: 2, returnSequences, recurrentActivation: 'sigmoid', goBackwards: true, ...oracleInit }),
    });
  });

  it('SimpleRNN with a mask', () => {
    runLayerTest({
      layer: () => new SimpleRNN({ units: 3, returnSequences }),
      inputs: x(),
      callArgs: { mask: mask() },
      oracleCallArgs: { mask: mask() },
      expectedNumTrainableWeights: 3,
      oracle: () => tfl.layers.simpleRNN({ units: 3, returnSequences, ...oracleInit }),
    });
  });
});

describe('recurrent layers', () => {
  it('GRU resetAfter (no tfjs-layers equivalent): finite differences, bias [2, 3 units]', () => {
    const report = runLayerTest({
      layer: () => new GRU({ units: 2, returnSequences: true }),
      inputs: x(),
      callArgs: { mask: mask() },
      expectedOutputShape: [2, 4, 2],
    });
    expect(report.finiteDifferenceSamples).toBeGreaterThan(0);
    const layer = new GRU({ units: 2 });
    layer.apply(x());
    expect(layer.bias!.shape).toEqual([2, 6]);
  });

  it('a non-fused activation (selu / hardSigmoid) runs step by step, checked by finite differences', () => {
    runLayerTest({
      layer: () => new LSTM({ units: 2, activation: 'selu', recurrentActivation: 'hardSigmoid', returnSequences: true }),
      inputs: x(),
      callArgs: { mask: mask() },
      finiteDifferences: { samples: 4 },
    });
  });

  it('returnState returns the output and the final states; initial states as extra inputs', () => {
    const layer = new LSTM({ units: 2, returnState: true });
    const h0 = tf.randomNormal([2, 2], 0, 1, 'float32', 8);
    const c0 = tf.randomNormal([2, 2], 0, 1, 'float32', 9);
    const [out, h, c] = layer.apply([x(), h0, c0]) as tf.Tensor[];
    expect(out.shape).toEqual([2, 2]);
    expect(c.shape).toEqual([2, 2]);
    expect(Array.from(out.dataSync())).toEqual(Array.from(h.dataSync()));
    const viaArgs = layer.apply(x(), { initialState: [h0, c0] }) as tf.Tensor[];
    expect(Array.from(viaArgs[2].dataSync())).toEqual(Array.from(c.dataSync()));
    const fromZeros = layer.apply(x()) as tf.Tensor[];
    expect(Array.from(fromZeros[0].dataSync())).not.toEqual(Array.from(out.dataSync()));
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([[null, 2], [null, 2], [null, 2]]);
    expect(() => layer.apply([x(), h0])).toThrow(/expects 2 initial states of shape \[2,2\]. Received: 1 states/);
  });

  it('initial states match tfjs-layers', () => {
    const ours = new SimpleRNN({ units: 2, returnSequences: true });
    const h0 = tf.randomNormal([2, 2], 0, 1, 'float32', 8);
    const out = ours.apply([x(), h0]) as tf.Tensor;
    const oracle = tfl.layers.simpleRNN({ units: 2, returnSequences: true, ...oracleInit });
    oracle.apply(x(), { initialState: [h0] });
    oracle.setWeights(ours.getWeights());
    const expected = oracle.apply(x(), { initialState: [h0] }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('stateful: two half sequences give the same states as the whole sequence; resetStates', () => {
    const whole = new GRU({ units: 2, returnState: true });
    const halves = new GRU({ units: 2, stateful: true, returnState: true });
    const seq = x();
    const [, hWhole] = whole.apply(seq) as tf.Tensor[];
    halves.apply(tf.slice(seq, [0, 0, 0], [2, 2, 3]));
    halves.setWeights(whole.getWeights());
    halves.resetStates();
    halves.apply(tf.slice(seq, [0, 0, 0], [2, 2, 3]));
    const [, hHalves] = halves.apply(tf.slice(seq, [0, 2, 0], [2, 2, 3])) as tf.Tensor[];
    expect(tf.max(tf.abs(tf.sub(hWhole, hHalves))).dataSync()[0]).toBeLessThan(1e-6);
    expect(() => halves.apply(tf.zeros([3, 2, 3]))).toThrow(/keeps states for batch size 2. Received: a batch of 3/);
    halves.resetStates();
    expect(Array.from(halves.states![0].dataSync())).toEqual([0, 0, 0, 0]);
  });

  it('dropout only when training, one mask per sequence', () => {
    const layer = new SimpleRNN({ units: 3, dropout: 0.5, recurrentDropout: 0.5, returnSequences: true });
    const plain = new SimpleRNN({ units: 3, returnSequences: true });
    const inference = layer.apply(x()) as tf.Tensor;
    plain.apply(x());
    plain.setWeights(layer.getWeights());
    expect(Array.from(inference.dataSync())).toEqual(Array.from((plain.apply(x()) as tf.Tensor).dataSync()));
    const trained = layer.apply(x(), { training: true }) as tf.Tensor;
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(inference.dataSync()));
    // With every input feature dropped and no recurrent dropout the layer sees zero inputs.
    const allDropped = new SimpleRNN({ units: 3, dropout: 0.999999, returnSequences: true, biasInitializer: 'ones' });
    const y = allDropped.apply(x(), { training: true }) as tf.Tensor;
    allDropped.setWeights(allDropped.getWeights());
    const zeros = allDropped.apply(tf.zeros([2, 4, 3])) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(y, zeros))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('unitForgetBias initialises the forget gate bias to ones', () => {
    const layer = new LSTM({ units: 2 });
    layer.apply(x());
    expect(Array.from(layer.bias!.read().dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const without = new LSTM({ units: 2, unitForgetBias: false });
    without.apply(x());
    expect(Array.from(without.bias!.read().dataSync())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('serializes every argument and rejects bad ones', () => {
    const layer = new LSTM({ units: 3, dropout: 0.1, goBackwards: true, returnSequences: true, kernelRegularizer: 'l2' });
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(layer)))) as LSTM;
    expect(copy.getConfig()).toEqual({ ...layer.getConfig(), name: copy.name });
    expect(() => new LSTM({ units: 0 })).toThrow('Received: units=0');
    expect(() => new GRU({ units: 2, dropout: 1.5 })).toThrow('Received: dropout=1.5');
    expect(() => new SimpleRNN({ units: 2 }).apply(tf.zeros([2, 3]))).toThrow(/\[batch, timesteps, features\]/);
  });
});
