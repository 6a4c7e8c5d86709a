import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@weft/tensor';
import { deserializeLayer, serializeLayer } from '../../engine/registry';
import { runLayerTest } from '../../testing';
import { Dense } from '../core/dense';
import { Bidirectional, type MergeMode } from './bidirectional';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { TimeDistributed } from './time-distributed';

beforeAll(async () => {
  await initBackend('cpu');
});

const x = () => tf.randomNormal([2, 4, 3], 0, 1, 'float32', 21);
const oracleInit = { recurrentInitializer: 'glorotUniform', recurrentActivation: 'sigmoid' } as const;

describe('Bidirectional', () => {
  it.each([
    ['concat', true],
    ['sum', false],
    ['mul', true],
    ['ave', false],
  ] as const)('mergeMode %s (returnSequences %s) matches tfjs-layers', (mergeMode, returnSequences) => {
    runLayerTest({
      layer: () => new Bidirectional({ layer: new LSTM({ units: 2, returnSequences }), mergeMode: mergeMode as MergeMode }),
      inputs: x(),
      expectedOutputShape: returnSequences ? [2, 4, (mergeMode as string) === 'concat' ? 4 : 2] : [2, (mergeMode as string) === 'concat' ? 4 : 2],
      expectedNumTrainableWeights: 6,
      finiteDifferences: { samples: 3 },
      oracle: () =>
        tfl.layers.bidirectional({
          layer: tfl.layers.lstm({ units: 2, returnSequences, ...oracleInit }) as tfl.RNN,
          mergeMode: mergeMode as 'concat',
        }),
    });
  });

  it('with a mask: each direction skips masked steps, masked steps output zeros', () => {
    const mask = tf.tensor2d([[1, 1, 0, 0], [1, 1, 1, 1]], [2, 4], 'bool');
    const layer = new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }) });
    const { outputs, mask: outMask } = layer.invoke(x(), { mask });
    const y = outputs as tf.Tensor;
    expect(Array.from((outMask as tf.Tensor).dataSync())).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
    // Sample 0 has 2 real steps: it must equal running both directions on those two steps alone.
    const short = tf.slice(x(), [0, 0, 0], [1, 2, 3]);
    const alone = layer.apply(short) as tf.Tensor;
    const got = tf.slice(y, [0, 0, 0], [1, 2, 4]);
    expect(tf.max(tf.abs(tf.sub(got, alone))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.slice(y, [0, 2, 0], [1, 2, 4]))).dataSync()[0]).toBe(0);
    runLayerTest({
      layer: () => new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }), mergeMode: 'sum' }),
      inputs: x(),
      callArgs: { mask },
      expectedOutputMask: mask,
      finiteDifferences: { samples: 3 },
    });
  });

  it("mergeMode 'none' returns both directions; returnState adds both directions' states", () => {
    const both = new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: null });
    const [f, b] = both.apply(x()) as tf.Tensor[];
    expect(f.shape).toEqual([2, 2]);
    expect(b.shape).toEqual([2, 2]);
    const withState = new Bidirectional({ layer: new LSTM({ units: 2, returnState: true }) });
    const outs = withState.apply(x()) as tf.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([[2, 4], [2, 2], [2, 2], [2, 2], [2, 2]]);
    expect(withState.computeOutputShape([null, 4, 3])).toEqual([[null, 4], [null, 2], [null, 2], [null, 2], [null, 2]]);
    // Initial states: forward h, c then backward h, c.
    const zeros = tf.zeros([2, 2]);
    const fromZeros = withState.apply([x(), zeros, zeros, zeros, zeros]) as tf.Tensor[];
    expect(Array.from(fromZeros[0].dataSync())).toEqual(Array.from(outs[0].dataSync()));
  });

  it('round-trips its config and rejects bad arguments', () => {
    const layer = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }), mergeMode: 'ave' });
    const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(layer)))) as Bidirectional;
    expect(copy.mergeMode).toBe('ave');
    expect(copy.backwardLayer.goBackwards).toBe(true);
    expect(() => new Bidirectional({ layer: new Dense({ units: 2 }) as unknown as LSTM })).toThrow(/expects a recurrent layer.*Received: layer=Dense/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as MergeMode })).toThrow('Received: mergeMode="max"');
  });
});

describe('TimeDistributed', () => {
  it('Dense over every step matches tfjs-layers', () => {
    runLayerTest({
      layer: () => new TimeDistributed({ layer: new Dense({ units: 3, activation: 'softmax' }) }),
      inputs: x(),
      expectedOutputShape: [2, 4, 3],
      expectedNumTrainableWeights: 2,
      oracle: () => tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'softmax' }) }),
    });
  });

  it('passes a mask through and works on rank-4 inputs', () => {
    const mask = tf.tensor2d([[1, 0, 1, 1], [1, 1, 1, 0]], [2, 4], 'bool');
    runLayerTest({
      layer: () => new TimeDistributed({ layer: new Dense({ units: 2 }) }),
      inputs: tf.randomNormal([2, 4, 2, 3], 0, 1, 'float32', 3),
      callArgs: { mask },
      expectedOutputShape: [2, 4, 2, 2],
      expectedOutputMask: mask,
    });
  });
});
